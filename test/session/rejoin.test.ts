/**
 * Sessions that survive bad luck, as the two users live them, every part real: the assistance server as its
 * own process (killed and restarted), Alice's host process on Xvfb (killed with -9 while Bob holds a key),
 * Bob's panel page in headless Chromium (reloaded mid-session), real WebRTC between them.
 */
import assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HostSupervisor } from '../../src/host/supervisor';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { HelperSession } from '../../src/session/HelperSession';
import { SessionFeatures } from '../../src/session/SessionFeatures';
import { SharerSession } from '../../src/session/SharerSession';
import { ToolbarDispatch } from '../../src/views/ToolbarDispatch';
import { WebviewRouter } from '../../src/views/WebviewRouter';
import { freePort } from '../../scripts/stack/poll';
import { buildHost } from '../host/support/buildHost';
import { XK, XProbe } from '../host/support/xprobe';
import { Fixture, spawnServer, ServerProcess } from '../server/support';
import { startXvfb, XDisplay } from '../support/xvfb';
import { until, WebviewHarness } from '../webview/support/WebviewHarness';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'session');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const statuses = (history: readonly { kind: string; text: string }[]) => history.filter((e) => e.kind === 'status').map((e) => e.text);
const messages = (history: readonly { kind: string; text: string }[]) => history.filter((e) => e.kind === 'message').map((e) => e.text);

describe('Rejoin and faults (server process, host on Xvfb, panel in Chromium, real WebRTC)', function () {
  this.timeout(120_000);
  const fx = new Fixture();
  let display: XDisplay;
  let probe: XProbe;
  const xclients: ChildProcess[] = [];
  let server: ServerProcess;
  let serverArgs: string[];
  let alice: NetworkClient;
  let bob: NetworkClient;
  let panel: WebviewHarness;
  let work: string;
  let hostScript: string;
  const hosts: HostSupervisor[] = [];
  let sharer: SharerSession;
  let helper: HelperSession;
  let router: WebviewRouter;
  let restartOffered: (() => void) | undefined;

  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display.display };
    delete e.WAYLAND_DISPLAY;
    return e;
  };
  const panelStatus = () => panel.page.locator('.session-status .status-line').textContent();
  const bothConnected = () => sharer.model.phase === 'connected' && helper.model.phase === 'connected';
  /** Bob's panel shows Alice's blue desktop (the lossless canvas while it shows, else the video). */
  const seesDesktop = () =>
    panel.page.evaluate(() => {
      const screen = document.querySelector<HTMLCanvasElement>('canvas.ra-screen');
      const video = document.querySelector('video');
      const source = screen && screen.style.display !== 'none' ? screen : video;
      const width = source instanceof HTMLVideoElement ? source.videoWidth : (source?.width ?? 0);
      const height = source instanceof HTMLVideoElement ? source.videoHeight : (source?.height ?? 0);
      if (!source || width === 0) return false;
      const c = document.createElement('canvas');
      c.width = width;
      c.height = height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(source, 0, 0);
      const [r, g, b] = ctx.getImageData(Math.round(width * 0.8), Math.round(height * 0.8), 1, 1).data;
      return Math.abs(r - 0x20) < 40 && Math.abs(g - 0x40) < 40 && Math.abs(b - 0xc0) < 40;
    });
  async function chatBothWays(fromBob: string, fromAlice: string): Promise<void> {
    const input = panel.page.locator('vscode-text-field.chat-input input');
    await input.click();
    await panel.page.keyboard.type(fromBob);
    await panel.page.keyboard.press('Enter');
    await until(() => messages(sharer.model.history).includes(fromBob), `"${fromBob}" at Alice`);
    await sharer.sendChat(fromAlice);
    await until(() => panel.page.locator('.chat-history .from-peer .text').last().textContent().then((t) => t === fromAlice), `"${fromAlice}" in Bob's panel`);
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'ra-rejoin-'));
    serverArgs = ['--port', String(await freePort()), '--data', join(work, 'server')];
    [display, hostScript, server] = await Promise.all([startXvfb(1280, 720), buildHost(), spawnServer(fx, serverArgs)]);
    xclients.push(spawn('xterm', ['-name', 'typed', '-geometry', '60x10+100+100', '-e', 'sh', '-c', `cat > ${join(work, 'typed.txt')}`], { env: env(), stdio: 'ignore' }));
    await new Promise<void>((resolve, reject) =>
      spawn('xdotool', ['search', '--sync', '--onlyvisible', '--classname', 'typed'], { env: env(), stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`xdotool ${c}`)))),
    );
    await new Promise<void>((resolve) => spawn('xsetroot', ['-solid', '#2040c0'], { env: env(), stdio: 'ignore' }).on('exit', () => resolve()));
    probe = await XProbe.open(display.display);
    alice = fx.client({ logger: quiet });
    bob = fx.client({ logger: quiet });
    await alice.connect(server.url, { alias: 'alice', displayName: 'Alice' });
    await bob.connect(server.url, { alias: 'bob', displayName: 'Bob' });
    await alice.addContact('bob');
    await bob.acceptContact('alice');
    panel = await WebviewHarness.open('panel');

    const started = (client: NetworkClient) => new Promise<Session>((resolve) => client.onDidStartSession(resolve));
    const [aliceStarted, bobStarted] = [started(alice), started(bob)];
    const invited = new Promise<string>((resolve) => bob.onDidReceiveInvitation((inv) => resolve(inv.id)));
    await alice.invite('bob');
    await bob.acceptInvitation(await invited);
    const [aliceSession, bobSession] = await Promise.all([aliceStarted, bobStarted]);
    helper = new HelperSession(bobSession, bob, { myName: 'Bob', historyDir: join(work, 'bob') }, (m) => router.post(m), quiet);
    const dispatch = new ToolbarDispatch(() => helper, new SessionFeatures(), { settings: async () => undefined, help: async () => undefined });
    router = new WebviewRouter({ post: (m) => void panel.send(m), toolbar: (a) => dispatch.run(a), viewerReport: (r) => helper.handleViewerReport(r), log: quiet });
    panel.listener = (m) => router.receive(m);
    router.receive({ type: 'ready' });
    router.show(helper);
    sharer = new SharerSession(
      aliceSession,
      alice,
      { myName: 'Alice', historyDir: join(work, 'alice') },
      { askConsent: async () => true, askControl: async () => true, offerRestart: (restart) => (restartOffered = restart) },
      { allowRemoteControl: () => true, qualityPreset: () => 'Best' },
      () => {
        const h = new HostSupervisor({ hostScript, env: env(), logger: quiet });
        hosts.push(h);
        return h;
      },
      quiet,
    );
    await sharer.start();
    await until(bothConnected, 'both sides connected', 40_000);
    await until(seesDesktop, 'Alice\'s desktop in Bob\'s panel', 30_000);
  });

  after(async () => {
    sharer?.dispose();
    helper?.dispose();
    for (const h of hosts) await h.stop(500).catch(() => undefined);
    await panel?.close();
    probe?.close();
    await fx.dispose();
    for (const c of xclients) c.kill('SIGKILL');
    await display?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('the server killed and restarted mid-session: chat goes on peer to peer, presence returns, the session continues', async () => {
    await chatBothWays('before the server went down', 'still here');
    const presence = () => bob.contacts.find((c) => c.alias === 'alice')?.presence;
    assert.strictEqual(presence(), 'busy', 'Alice shows as busy (in a session) to Bob');
    server.child.kill('SIGKILL');
    await until(() => alice.connectionState !== 'signedIn' && bob.connectionState !== 'signedIn', 'both clients lost the server');
    await chatBothWays('the server is down', 'and we still talk');
    server = await spawnServer(fx, serverArgs);
    await until(() => alice.connectionState === 'signedIn' && bob.connectionState === 'signedIn', 'both signed in again', 30_000);
    await until(() => presence() === 'busy', 'Bob sees Alice busy (in this session) again');
    assert.ok(bothConnected(), `phases: ${sharer.model.phase} / ${helper.model.phase}`);
    assert.strictEqual(await panelStatus(), 'Connected to Alice.');
    assert.ok(!statuses(helper.model.history).includes('Connection lost. Reconnecting…'), 'the peer connection never dropped');
    await chatBothWays('the server is back', 'good');
  });

  it('the host process killed (-9) while Bob holds Shift: a clear line, the key released, Restart Sharing resumes the same session', async () => {
    await panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => helper.model.control === 'granted' && sharer.model.control === 'granted', 'control granted', 20_000);
    const box = (await panel.page.locator('video').boundingBox())!;
    await panel.page.mouse.click(box.x + (300 / 1280) * box.width, box.y + (150 / 720) * box.height);
    await until(() => panel.page.locator('.keyboard-hint').textContent().then((t) => /^Your keyboard and mouse control/.test(t ?? '')), 'keyboard captured');
    await panel.page.keyboard.down('Shift');
    await until(async () => (await probe.keysDown()).includes(XK.Shift_L), 'Shift held on Alice\'s display');

    const host = hosts.at(-1)!;
    process.kill(host.pid!, 'SIGKILL');
    await until(() => statuses(sharer.model.history).some((t) => t.startsWith('Screen sharing stopped unexpectedly (SIGKILL)')), 'the crash line at Alice', 20_000);
    assert.deepStrictEqual(await probe.keysDown(), [], 'nothing held on Alice\'s display');
    await panel.page.keyboard.up('Shift');
    assert.strictEqual(sharer.model.phase, 'reconnecting');
    assert.strictEqual(sharer.model.control, 'viewOnly');
    await until(() => helper.model.phase === 'reconnecting', 'Bob reconnecting', 30_000);
    await until(() => panelStatus().then((t) => t === 'Connection lost. Reconnecting…'), 'Bob\'s status line');
    assert.strictEqual(helper.model.control, 'viewOnly');
    await panel.page.screenshot({ path: join(SHOTS, 'helper-reconnecting.png') });

    const before = hosts.length;
    assert.ok(restartOffered, 'Restart Sharing offered');
    restartOffered!();
    await until(bothConnected, 'both connected again', 40_000);
    assert.strictEqual(hosts.length, before + 1, 'a new host process');
    await until(() => panelStatus().then((t) => t === 'Connected to Alice.'), 'Bob\'s status line');
    await until(seesDesktop, 'Alice\'s desktop again', 30_000);
    assert.strictEqual(helper.model.control, 'viewOnly', 'control needs a new grant');
    assert.deepStrictEqual(statuses(helper.model.history).slice(-2), ['Connected to Alice.', 'Screen View Only']);
    for (const m of ['before the server went down', 'the server is back']) assert.ok(messages(helper.model.history).includes(m), `history keeps "${m}"`);
    await chatBothWays('after the restart', 'welcome back');
    // The new grant works: Bob's keys reach the xterm again.
    await panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => helper.model.control === 'granted', 'control granted again', 20_000);
    await panel.page.mouse.click(box.x + (300 / 1280) * box.width, box.y + (150 / 720) * box.height);
    await panel.page.keyboard.type('back');
    await panel.page.keyboard.press('Enter');
    await until(() => readFileSync(join(work, 'typed.txt'), 'utf8').endsWith('back\n'), 'Bob\'s keys in Alice\'s xterm', 20_000);
    await panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => helper.model.control === 'viewOnly' && sharer.model.control === 'viewOnly', 'control back with Alice');
  });

  it('Bob\'s panel page reloaded mid-session: it comes back and rejoins the same session', async () => {
    const hostsBefore = hosts.length;
    await panel.page.reload();
    await until(() => panelStatus().then((t) => t === 'Connected to Alice.' || t === 'Connection lost. Reconnecting…'), 'the panel back with the session');
    await until(() => hosts.length > hostsBefore, 'a new peer connection asked for');
    await until(bothConnected, 'both connected again', 40_000);
    await until(seesDesktop, 'Alice\'s desktop in the reloaded panel', 30_000);
    await until(() => panel.page.locator('.chat-history .text').allTextContents().then((t) => t.includes('welcome back')), 'the history in the reloaded panel');
    await chatBothWays('after the reload', 'I see you again');
  });

  it('Disconnect still ends it on both sides', async () => {
    await panel.page.locator('vscode-button[data-action="disconnect"]').press('Enter');
    await until(() => sharer.model.phase === 'ended' && helper.model.phase === 'ended', 'both ended', 20_000);
    assert.strictEqual(statuses(sharer.model.history).at(-1), 'Disconnected from Bob.');
    assert.strictEqual(statuses(helper.model.history).at(-1), 'Disconnected from Alice.');
  });
});
