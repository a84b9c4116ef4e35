/**
 * A VS Code window reload mid-session, on either side (ReloadingWindows: the real server on loopback, the real
 * host process on Xvfb, Bob's panel in Chromium, real WebRTC). The extension cannot tell a reload from closing
 * VS Code: either way the session waits on the server for the grace period; a window back in time rejoins it
 * (the sharer only after saying Yes again), a window that never comes back ends it on both sides.
 */
import assert from 'assert';
import { execFile } from 'child_process';
import { copyFileSync, mkdirSync, statSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { RESUME_FILE } from '../../src/session/ResumeRecord';
import { SessionTexts as T } from '../../src/session/SessionTexts';
import { errorCode } from '../server/support';
import { until } from '../webview/support/WebviewHarness';
import { samplePicture } from '../webview/support/helperPicture';
import { Party, ReloadingWindows } from './support/ReloadingWindows';

const execFileAsync = promisify(execFile);

type Entry = { kind: string; text: string };
const statuses = (history: readonly Entry[]) => history.filter((e) => e.kind === 'status').map((e) => e.text);
const messages = (history: readonly Entry[]) => history.filter((e) => e.kind === 'message').map((e) => e.text);
/** The server keeps a session whose party went away this long (short, so the expiry case runs quickly). */
const GRACE_MS = 8_000;

describe('Window reload mid-session (server on loopback, host on Xvfb, panel in Chromium, real WebRTC)', function () {
  this.timeout(150_000);
  let w: ReloadingWindows;

  before(async () => {
    w = await ReloadingWindows.start(GRACE_MS);
    await w.connect();
  });
  after(() => w?.dispose());

  const history = (p: Party) => p.session!.model.history;
  async function chatBothWays(fromBob: string, fromAlice: string): Promise<void> {
    await w.bob.session!.sendChat(fromBob);
    await until(() => messages(history(w.alice)).includes(fromBob), `"${fromBob}" at Alice`);
    await w.alice.session!.sendChat(fromAlice);
    await until(() => messages(history(w.bob)).includes(fromAlice), `"${fromAlice}" at Bob`);
  }

  it('Alice\'s window reloads: Bob is told, Alice is asked "Resume sharing with Bob (bob)?", Yes resumes the same session with its history', async () => {
    await chatBothWays('before Alice reloads', 'see you in a second');
    const sessionId = w.alice.session!.model.sessionId;
    const hostsBefore = w.hosts.length;
    const bobBefore = w.bob.session!;

    const record = await w.close(w.alice);
    assert.ok(record, 'a record was written');
    assert.strictEqual(statSync(join(w.alice.storage, RESUME_FILE)).mode & 0o777, 0o600);
    assert.deepStrictEqual({ role: record.role, sessionId: record.sessionId, peer: record.peer.alias, account: record.account }, { role: 'sharer', sessionId, peer: 'bob', account: 'alice' });
    // Nothing is shared while the window is away: the host process stopped at once.
    await until(() => w.hosts.every((h) => h.state !== 'running'), 'Alice\'s host process stopped');
    await until(() => statuses(bobBefore.model.history).includes(T.peerAway('Alice')), 'Bob told that Alice\'s window is away');
    await until(() => bobBefore.model.phase === 'reconnecting', 'Bob reconnecting');

    const reopened = Date.now();
    await w.open(w.alice);
    assert.strictEqual(w.alice.window.found?.sessionId, sessionId, 'the new window found the record');
    await until(() => w.alice.resumeAsked.length === 1, 'Alice asked to resume');
    assert.deepStrictEqual(w.alice.resumeAsked, ['Bob (bob)']);
    assert.strictEqual(T.resumeQuestion('Bob (bob)'), 'VS Code reloaded while you were sharing your screen with Bob (bob). Resume sharing with Bob (bob)?');
    assert.deepStrictEqual(w.alice.consentAsked, ['Bob (bob)'], 'no second invitation consent: only the resume question');
    await until(() => w.bothConnected(), 'both connected again', 40_000);
    const resumeMs = Date.now() - reopened;
    assert.strictEqual(w.bob.session, bobBefore, 'Bob\'s side is the same session object');
    assert.strictEqual(w.alice.session!.model.sessionId, sessionId, 'the same session');
    assert.strictEqual(w.hosts.length, hostsBefore + 1, 'one new host process');
    await until(() => w.panelStatus().then((s) => s === 'Connected to Alice.'), 'Bob\'s status line');
    await until(() => w.seesDesktop(), 'Alice\'s desktop in Bob\'s panel again', 30_000);
    assert.ok(messages(history(w.alice)).includes('before Alice reloads'), 'Alice\'s history came back from the log');
    assert.ok(statuses(history(w.alice)).includes(T.suspended('Bob')), 'Alice\'s history says the window went away');
    await chatBothWays('welcome back', 'thanks');
    console.log(`      window reopened → both connected: ${resumeMs} ms`);
  });

  it('Bob\'s window reloads: his panel comes back "Reconnecting…", then "Connected to Alice." in the same session', async () => {
    const sessionId = w.bob.session!.model.sessionId;
    const aliceSide = w.alice.session!;
    const hostsBefore = w.hosts.length;
    const record = await w.close(w.bob);
    assert.strictEqual(record?.role, 'helper');
    await until(() => statuses(aliceSide.model.history).includes(T.peerAway('Bob')), 'Alice told that Bob\'s window is away');

    await w.panel.page.reload();
    const reopened = Date.now();
    await w.open(w.bob);
    await until(() => w.bob.session !== undefined, 'Bob\'s session back');
    assert.strictEqual(w.bob.session!.model.sessionId, sessionId);
    const seen: string[] = [];
    await until(async () => {
      const s = await w.panelStatus();
      if (s && seen.at(-1) !== s) seen.push(s);
      return s === 'Connected to Alice.';
    }, 'Bob\'s panel connected', 40_000);
    const rejoinMs = Date.now() - reopened;
    const lines = statuses(history(w.bob));
    const back = lines.lastIndexOf(T.resumingHelper('Alice'));
    assert.ok(back >= 0 && lines.slice(back).includes('Connected to Alice.'), `Bob's history: ${lines.join(' | ')}`);
    assert.strictEqual(seen.at(-1), 'Connected to Alice.', `panel status lines: ${seen.join(' | ')}`);
    await until(() => w.bothConnected(), 'both connected', 40_000);
    assert.strictEqual(w.alice.session, aliceSide, 'Alice\'s side went on, no new question');
    assert.deepStrictEqual(w.alice.resumeAsked, ['Bob (bob)'], 'Alice was not asked again');
    assert.ok(w.hosts.length > hostsBefore, 'a new peer connection for Bob\'s new page');
    await until(() => w.seesDesktop(), 'Alice\'s desktop in Bob\'s reloaded panel', 30_000);
    assert.ok(messages(history(w.bob)).includes('welcome back'), 'Bob\'s history came back from the log');
    await chatBothWays('after Bob reloads', 'hello again');
    console.log(`      Bob's window reopened → connected: ${rejoinMs} ms`);
  });

  it('a stranger holding Alice\'s resume record cannot take her session; Alice\'s own window still can', async () => {
    const sessionId = w.alice.session!.model.sessionId;
    await w.close(w.alice);
    const mallory = new Party('mallory', 'Mallory', w.work);
    mkdirSync(mallory.storage, { recursive: true });
    copyFileSync(join(w.alice.storage, RESUME_FILE), join(mallory.storage, RESUME_FILE));
    // Mallory's window activates with Alice's record (her client id) but Mallory's own account.
    await w.open(mallory);
    assert.strictEqual(mallory.window.found?.sessionId, sessionId, 'Mallory read the copied record');
    assert.strictEqual(mallory.window.client.clientId, w.alice.window.client.clientId, 'and uses Alice\'s client id');
    assert.deepStrictEqual(mallory.window.client.sessions, [], 'the server gives her no session');
    assert.strictEqual(mallory.session, undefined);
    assert.strictEqual(await errorCode(mallory.window.client.sendSignal(sessionId, JSON.stringify({ type: 'rejoin', fresh: true }))), 'ERR_NO_SUCH_SESSION');
    assert.strictEqual(await errorCode(mallory.window.client.endSession(sessionId)), 'ERR_NO_SUCH_SESSION');
    // Alice on another device (her token, another client id) does not get it either.
    const other = w.fx.client({ clientId: 'another-device-1234' });
    await other.connect(w.server.url, { token: w.alice.token! });
    assert.deepStrictEqual(other.sessions, []);
    assert.strictEqual(await errorCode(other.endSession(sessionId)), 'ERR_NO_SUCH_SESSION');
    other.dispose();
    await w.close(mallory);

    await w.open(w.alice);
    await until(() => w.bothConnected(), 'Alice\'s own window resumed', 40_000);
    assert.strictEqual(w.alice.session!.model.sessionId, sessionId);
    assert.strictEqual(w.alice.resumeAsked.length, 2, 'asked again, as every time');
    await until(() => w.seesDesktop(), 'Alice\'s desktop again', 30_000);
  });

  it('Alice\'s window reloads while the display has two monitors: the monitor is asked again after Yes, and only the one she picks is shared', async () => {
    const xrandr = (args: string[]) => execFileAsync('xrandr', args, { env: w.env() });
    await xrandr(['--setmonitor', 'LEFT', '640/170x720/190+0+0', 'none']);
    await xrandr(['--setmonitor', 'RIGHT', '640/170x720/190+640+0', 'none']);
    try {
      w.alice.screenAnswer = { monitor: 'RIGHT' };
      await w.close(w.alice);
      await w.open(w.alice);
      await until(() => w.alice.screensOffered.length === 1, 'Alice asked which monitor to share');
      assert.strictEqual(w.alice.resumeAsked.length, 3, 'after the resume question');
      assert.ok(['LEFT', 'RIGHT'].every((m) => w.alice.screensOffered[0].includes(m)), `offered ${w.alice.screensOffered[0].join(', ')}`);
      await until(() => w.bothConnected(), 'both connected again', 40_000);
      await until(() => samplePicture(w.panel.page).then((p) => p?.width === 640 && p.height === 720), 'Bob\'s picture the right monitor only (640x720)', 30_000);
    } finally {
      w.alice.screenAnswer = undefined;
      await xrandr(['--delmonitor', 'LEFT']);
      await xrandr(['--delmonitor', 'RIGHT']);
    }
  });

  it('Alice\'s window reloads and she answers No: the session ends with a clear line on both sides, nothing shared', async () => {
    const bobSide = w.bob.session!;
    const hostsBefore = w.hosts.length;
    const askedBefore = w.alice.resumeAsked.length;
    w.alice.resumeAnswer = false;
    await w.reload(w.alice);
    await until(() => w.alice.resumeAsked.length === askedBefore + 1, 'Alice asked to resume');
    await until(() => bobSide.model.phase === 'ended', 'Bob\'s side ended', 20_000);
    assert.deepStrictEqual(statuses(bobSide.model.history).slice(-2), [T.peerDeclinedResume('Alice'), 'Disconnected from Alice.']);
    await until(() => w.alice.session === undefined, 'Alice\'s side ended');
    assert.strictEqual(w.hosts.length, hostsBefore, 'no host process started after No');
    await until(() => w.panelStatus().then((s) => s === 'Disconnected from Alice.'), 'Bob\'s panel');
    assert.deepStrictEqual(w.alice.window.client.sessions, [], 'the session is over on the server');
    w.alice.resumeAnswer = true;
  });

  it('Alice closes VS Code (no window within the grace): the session ends on both sides, and a late window does not bring it back', async () => {
    await w.connect();
    const bobSide = w.bob.session!;
    const closedAt = Date.now();
    await w.close(w.alice);
    await until(() => bobSide.model.phase === 'ended', 'Bob\'s side ended', GRACE_MS * 3);
    const endedAfter = Date.now() - closedAt;
    assert.ok(endedAfter >= GRACE_MS - 500, `ended after ${endedAfter} ms, not before the grace`);
    assert.ok(statuses(bobSide.model.history).includes(T.peerAway('Alice')));
    assert.deepStrictEqual(statuses(bobSide.model.history).slice(-2), [T.peerDidNotComeBack('Alice'), 'Disconnected from Alice.']);
    await until(() => w.panelStatus().then((s) => s === 'Disconnected from Alice.'), 'Bob\'s panel');
    // Alice starts VS Code again, still within the record's minute but after the server's grace.
    const asked = w.alice.resumeAsked.length;
    await w.open(w.alice);
    assert.ok(w.alice.window.found, 'the record was still fresh on Alice\'s side');
    assert.deepStrictEqual(w.alice.window.client.sessions, [], 'the server no longer holds it');
    assert.strictEqual(w.alice.session, undefined);
    assert.strictEqual(w.alice.resumeAsked.length, asked, 'nothing to resume, so no question');
    console.log(`      closed → Bob's side ended: ${endedAfter} ms (grace ${GRACE_MS} ms)`);
  });
});
