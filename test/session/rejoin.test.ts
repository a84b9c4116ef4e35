/**
 * Sessions that survive bad luck, as the two users live them (TwoParties: every part real): the assistance
 * server process killed and restarted, Alice's host process killed with -9 while Bob holds a key, Bob's
 * panel page reloaded mid-session.
 */
import assert from 'assert';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { listDir, makeFile, sha256File } from '../files/support/files';
import { XK } from '../host/support/xprobe';
import { until } from '../webview/support/WebviewHarness';
import { messages, statuses, TwoParties } from './support/TwoParties';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'session');

describe('Rejoin and faults (server process, host on Xvfb, panel in Chromium, real WebRTC)', function () {
  this.timeout(120_000);
  let t: TwoParties;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await TwoParties.connect();
  });
  after(() => t?.dispose());

  it('the server killed and restarted mid-session: chat goes on peer to peer, presence returns, the session continues', async () => {
    await t.chatBothWays('before the server went down', 'still here');
    const presence = () => t.bob.contacts.find((c) => c.alias === 'alice')?.presence;
    assert.strictEqual(presence(), 'busy', 'Alice shows as busy (in a session) to Bob');
    t.killServer();
    await until(() => t.alice.connectionState !== 'signedIn' && t.bob.connectionState !== 'signedIn', 'both clients lost the server');
    await t.chatBothWays('the server is down', 'and we still talk');
    await t.restartServer();
    await until(() => t.alice.connectionState === 'signedIn' && t.bob.connectionState === 'signedIn', 'both signed in again', 30_000);
    await until(() => presence() === 'busy', 'Bob sees Alice busy (in this session) again');
    assert.ok(t.bothConnected(), `phases: ${t.sharer.model.phase} / ${t.helper.model.phase}`);
    assert.strictEqual(await t.panelStatus(), 'Connected to Alice.');
    assert.ok(!statuses(t.helper.model.history).includes('Connection lost. Reconnecting…'), 'the peer connection never dropped');
    await t.chatBothWays('the server is back', 'good');
  });

  it('the host process killed (-9) while Bob holds Shift: a clear line, the key released, Restart Sharing resumes the same session', async () => {
    await t.takeControl();
    await t.panel.page.keyboard.down('Shift');
    await until(async () => (await t.probe.keysDown()).includes(XK.Shift_L), 'Shift held on Alice\'s display');

    const host = t.hosts.at(-1)!;
    process.kill(host.pid!, 'SIGKILL');
    await until(() => statuses(t.sharer.model.history).some((s) => s.startsWith('Screen sharing stopped unexpectedly (SIGKILL)')), 'the crash line at Alice', 20_000);
    assert.deepStrictEqual(await t.probe.keysDown(), [], 'nothing held on Alice\'s display');
    await t.panel.page.keyboard.up('Shift');
    assert.strictEqual(t.sharer.model.phase, 'reconnecting');
    assert.strictEqual(t.sharer.model.control, 'viewOnly');
    await until(() => t.helper.model.phase === 'reconnecting', 'Bob reconnecting', 30_000);
    await until(() => t.panelStatus().then((s) => s === 'Connection lost. Reconnecting…'), 'Bob\'s status line');
    assert.strictEqual(t.helper.model.control, 'viewOnly');
    await t.panel.page.screenshot({ path: join(SHOTS, 'helper-reconnecting.png') });

    const before = t.hosts.length;
    assert.ok(t.restartOffered, 'Restart Sharing offered');
    t.restartOffered!();
    await until(() => t.bothConnected(), 'both connected again', 40_000);
    assert.strictEqual(t.hosts.length, before + 1, 'a new host process');
    await until(() => t.panelStatus().then((s) => s === 'Connected to Alice.'), 'Bob\'s status line');
    await until(() => t.seesDesktop(), 'Alice\'s desktop again', 30_000);
    assert.strictEqual(t.helper.model.control, 'viewOnly', 'control needs a new grant');
    assert.deepStrictEqual(statuses(t.helper.model.history).slice(-2), ['Connected to Alice.', 'Screen View Only']);
    for (const m of ['before the server went down', 'the server is back']) assert.ok(messages(t.helper.model.history).includes(m), `history keeps "${m}"`);
    await t.chatBothWays('after the restart', 'welcome back');
    // The new grant works: Bob's keys reach the xterm again.
    await t.takeControl();
    await t.panel.page.keyboard.type('back');
    await t.panel.page.keyboard.press('Enter');
    await until(() => t.typed.endsWith('back\n'), 'Bob\'s keys in Alice\'s xterm', 20_000);
    await t.panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => t.helper.model.control === 'viewOnly' && t.sharer.model.control === 'viewOnly', 'control back with Alice');
  });

  it('Bob\'s panel page reloaded mid-session, a file on its way: it comes back and rejoins the same session; the transfer failed cleanly, a new one works', async () => {
    const big = join(t.work, 'big.bin');
    await makeFile(big, 400 * 1024 * 1024);
    t.helper.files!.send([big]);
    await until(() => [...t.aliceFiles.progress.values()].some((p) => p.name === 'big.bin' && p.bytes > 4 * 1024 * 1024), 'the file on its way to Alice', 30_000);
    const hostsBefore = t.hosts.length;
    await t.panel.page.reload();
    await until(() => t.panelStatus().then((s) => s === 'Connected to Alice.' || s === 'Connection lost. Reconnecting…'), 'the panel back with the session');
    await until(() => t.hosts.length > hostsBefore, 'a new peer connection asked for');
    await until(() => t.bothConnected(), 'both connected again', 40_000);
    await until(() => t.seesDesktop(), 'Alice\'s desktop in the reloaded panel', 30_000);
    await until(() => t.panel.page.locator('.chat-history .text').allTextContents().then((all) => all.includes('welcome back')), 'the history in the reloaded panel');
    await t.chatBothWays('after the reload', 'I see you again');
    // The transfer in flight failed on both sides, and Alice keeps nothing of it.
    await until(() => statuses(t.sharer.model.history).some((l) => /^Receiving "big\.bin" \(419 MB\) from Bob failed: .+; nothing was kept\.$/.test(l)), 'the failure in Alice\'s history', 20_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${statuses(t.sharer.model.history).slice(-6).join(' | ')}`);
    });
    await until(() => statuses(t.helper.model.history).some((l) => /^Sending "big\.bin" \(419 MB\) to Alice failed: /.test(l)), 'the failure in Bob\'s history', 20_000);
    await until(async () => (await listDir(t.aliceFiles.inbox)).length === 0, 'no partial file at Alice');
    // Send a File works over the new connection.
    const small = join(t.work, 'notes.txt');
    const hash = await makeFile(small, 3 * 1024 * 1024 + 7);
    t.helper.files!.send([small]);
    await until(() => statuses(t.sharer.model.history).some((l) => /^"notes\.txt" \(.+\) from Bob was saved to .+; its SHA-256 matched\.$/.test(l)), 'notes.txt at Alice', 30_000);
    assert.strictEqual(await sha256File(join(t.aliceFiles.inbox, 'notes.txt')), hash);
    assert.deepStrictEqual(await listDir(t.aliceFiles.inbox), ['notes.txt']);
  });

  it('Disconnect still ends it on both sides', async () => {
    await t.panel.page.locator('vscode-button[data-action="disconnect"]').press('Enter');
    await until(() => t.sharer.model.phase === 'ended' && t.helper.model.phase === 'ended', 'both ended', 20_000);
    assert.strictEqual(statuses(t.sharer.model.history).at(-1), 'Disconnected from Bob.');
    assert.strictEqual(statuses(t.helper.model.history).at(-1), 'Disconnected from Alice.');
  });
});
