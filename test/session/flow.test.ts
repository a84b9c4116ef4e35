/**
 * The whole Remote Assistance flow as two users live it, every part real: the assistance server on
 * loopback, Alice's SharerSession starting the real host process on an Xvfb display, Bob's HelperSession
 * driving the real panel page in headless Chromium (through the product's WebviewRouter and ToolbarDispatch)
 * over real WebRTC. Only the answers to the two modal questions come from the test, as Alice's clicks.
 */
import assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import type { Quality } from '../../src/protocol/host';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { RunningServer, startServer } from '../../src/server/startServer';
import { ChatLog } from '../../src/session/ChatLog';
import { HelperSession } from '../../src/session/HelperSession';
import { QualityPreset, qualityFor } from '../../src/session/QualityPresets';
import { SessionFeatures } from '../../src/session/SessionFeatures';
import { SessionTexts } from '../../src/session/SessionTexts';
import { SharerSession } from '../../src/session/SharerSession';
import { ToolbarDispatch } from '../../src/views/ToolbarDispatch';
import { WebviewRouter } from '../../src/views/WebviewRouter';
import { buildHost } from '../host/support/buildHost';
import { aliceAndBob } from '../support/contacts';
import { displayEnv, runOnDisplay, startXvfb, XDisplay } from '../support/xvfb';
import { near, samplePicture } from '../webview/support/helperPicture';
import { until, WebviewHarness } from '../webview/support/WebviewHarness';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'session');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The real supervisor and host process; it also keeps the qualities the session told it to apply. */
class RecordingHost extends HostSupervisor {
  readonly qualities: Quality[] = [];
  override setQuality(quality: Quality): void {
    this.qualities.push(quality);
    super.setQuality(quality);
  }
}

function statuses(history: readonly { kind: string; text: string }[]): string[] {
  return history.filter((e) => e.kind === 'status').map((e) => e.text);
}

describe('Remote Assistance flow (server + host on Xvfb + panel in Chromium, real WebRTC)', function () {
  this.timeout(120_000);
  let display: XDisplay;
  const xclients: ChildProcess[] = [];
  let server: RunningServer;
  let alice: NetworkClient;
  let bob: NetworkClient;
  let panel: WebviewHarness;
  let work: string;
  let hostScript: string;
  let allowRemoteControl = false;
  let sharerQuality: QualityPreset = 'Best';
  let answerControl = true;
  /** Whom the sharer's consent and control questions named. */
  const asked: string[] = [];
  let hostDisplay: string | undefined;
  const hosts: RecordingHost[] = [];
  let sharer: SharerSession | undefined;
  let helper: HelperSession | undefined;
  let router: WebviewRouter;

  const env = () => displayEnv(display);
  const x = (cmd: string, args: string[]) => runOnDisplay(display, cmd, args);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'ra-flow-'));
    [display, hostScript, server] = await Promise.all([startXvfb(1280, 720), buildHost(), startServer({ port: 0, logger: quiet })]);
    // An xterm whose keystrokes land in a file: what Bob types with control granted must arrive there.
    xclients.push(spawn('xterm', ['-name', 'typed', '-geometry', '60x10+100+100', '-e', 'sh', '-c', `cat > ${join(work, 'typed.txt')}`], { env: env(), stdio: 'ignore' }));
    await x('xdotool', ['search', '--sync', '--onlyvisible', '--classname', 'typed']);
    // After the xterm: Xvfb resets the root window when its last client leaves.
    await x('xsetroot', ['-solid', '#2040c0']);

    ({ alice, bob } = await aliceAndBob(server.url, quiet));
    panel = await WebviewHarness.open('panel');
  });

  after(async () => {
    sharer?.dispose();
    helper?.dispose();
    for (const h of hosts) await h.stop(500).catch(() => undefined);
    await panel?.close();
    alice?.dispose();
    bob?.dispose();
    await server?.close();
    for (const c of xclients) c.kill('SIGKILL');
    await display?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Alice invites Bob, Bob accepts from the toast; both extensions build their session objects. */
  async function startSession(consent: boolean): Promise<{ invitationToast: string }> {
    const received = new Promise<string>((resolve) => {
      const d = bob.onDidReceiveInvitation((inv) => {
        d.dispose();
        resolve(inv.id);
      });
    });
    const started = (client: NetworkClient) => new Promise<Session>((resolve) => {
      const d = client.onDidStartSession((s) => {
        d.dispose();
        resolve(s);
      });
    });
    const aliceStarted = started(alice);
    const bobStarted = started(bob);
    const invitation = await alice.invite('bob', 'tests fail only on my machine');
    const invitationId = await received;
    const toast = SessionTexts.invitationToast(invitation.from.displayName);
    await bob.acceptInvitation(invitationId);
    const [aliceSession, bobSession] = await Promise.all([aliceStarted, bobStarted]);

    helper = new HelperSession(bobSession, bob, { myName: 'Bob', historyDir: join(work, 'bob') }, (m) => router.post(m), quiet);
    const features = new SessionFeatures();
    const dispatch = new ToolbarDispatch(() => helper, features, { settings: async () => undefined, help: async () => undefined });
    router = new WebviewRouter({ post: (m) => void panel.send(m), toolbar: (a) => dispatch.run(a), viewerReport: (r) => helper?.handleViewerReport(r), log: quiet });
    panel.listener = (m) => router.receive(m);
    router.receive({ type: 'ready' });
    router.show(helper);

    sharer = new SharerSession(
      aliceSession,
      alice,
      { myName: 'Alice', historyDir: join(work, 'alice') },
      {
        askConsent: async (helper) => (asked.push(helper), consent),
        askControl: async (helper) => (asked.push(helper), answerControl),
      },
      { allowRemoteControl: () => allowRemoteControl, qualityPreset: () => sharerQuality },
      () => {
        const h = new RecordingHost({ hostScript, env: hostDisplay ? { ...env(), DISPLAY: hostDisplay } : env(), logger: quiet });
        hosts.push(h);
        return h;
      },
      quiet,
    );
    await sharer.start();
    return { invitationToast: toast };
  }

  const panelText = (selector: string) => panel.page.locator(selector).textContent();
  const lastStatusInPanel = () => panel.page.locator('.chat-history .entry.status .text').last().textContent();

  it('invitation → consent → connected: Bob sees Alice\'s real desktop', async () => {
    const { invitationToast } = await startSession(true);
    assert.strictEqual(invitationToast, 'Alice is inviting you to start using Remote Assistance. Do you want to Accept (Alt+T) or Decline (Alt+D) the invitation?');
    // the question names the helper by display name and by the alias the server vouches for
    assert.strictEqual(asked.at(-1), 'Bob (bob)');
    await until(() => helper!.model.phase === 'connected' && sharer!.model.phase === 'connected', 'both sides connected', 40_000);
    await until(() => panelText('.session-status .status-line').then((t) => t === 'Connected to Alice.'), 'the panel status line');
    const pixel = await until(
      () => samplePicture(panel.page).then((p) => p && near(p.rgb, [0x20, 0x40, 0xc0]) && p.rgb),
      'Alice\'s blue desktop in Bob\'s panel',
      30_000,
    );
    assert.ok(pixel);
    assert.deepStrictEqual(statuses(helper!.model.history), [
      'You have accepted the invitation from Alice to start using Remote Assistance.',
      'Connected to Alice.',
      'Screen View Only',
    ]);
    assert.deepStrictEqual(statuses(sharer!.model.history), ['You allowed Bob to view your screen and chat with you.', 'Connected to Bob.', 'Screen View Only']);
    await panel.page.screenshot({ path: join(SHOTS, 'helper-connected.png') });
  });

  it('chat goes both ways peer to peer and lands in both histories', async () => {
    const input = panel.page.locator('vscode-text-field.chat-input input');
    await input.click();
    await panel.page.keyboard.type('Hi Alice, I can see your screen.');
    await panel.page.keyboard.press('Enter');
    await until(() => sharer!.model.history.some((e) => e.kind === 'message' && e.from === 'peer' && e.author === 'Bob' && e.text === 'Hi Alice, I can see your screen.'), 'Bob\'s message at Alice');
    await sharer!.sendChat('The tests fail only here.');
    await until(() => panel.page.locator('.chat-history .from-peer .text').last().textContent().then((t) => t === 'The tests fail only here.'), 'Alice\'s message in Bob\'s panel');
  });

  it('Bob\'s quality request is recorded in Alice\'s history and capped by her own setting', async () => {
    const host = hosts.at(-1)!;
    const lines = () => statuses(sharer!.model.history).filter((t) => t.includes('quality'));
    sharerQuality = 'Balanced';
    try {
      await helper!.setQuality('Best');
      await until(() => lines().length === 1, 'the capped request in Alice\'s history');
      assert.deepStrictEqual(lines(), [SessionTexts.qualityCapped('Bob', 'Best', 'Balanced')]);
      assert.strictEqual(lines()[0], 'Bob asked for Best quality; your setting "Remote Assist: Quality" allows Balanced at most, so Balanced it is.');
      assert.deepStrictEqual(host.qualities, [qualityFor('Balanced')]);
      assert.strictEqual(sharer!.quality, 'Balanced');
      await helper!.setQuality('Low');
      await until(() => lines().length === 2, 'the request for less in Alice\'s history');
      assert.strictEqual(lines()[1], 'Bob asked for Low quality.');
      // Asking again for what is already applied changes nothing and is not recorded again.
      await helper!.setQuality('Low');
      await helper!.setQuality('Balanced');
      await until(() => lines().length === 3, 'the next request in Alice\'s history');
      assert.deepStrictEqual(lines().slice(2), ['Bob asked for Balanced quality.']);
      assert.deepStrictEqual(host.qualities, [qualityFor('Balanced'), qualityFor('Low'), qualityFor('Balanced')]);
      assert.strictEqual(host.state, 'running');
      assert.deepStrictEqual(statuses(helper!.model.history).filter((t) => t.includes('quality')), []);
    } finally {
      sharerQuality = 'Best';
    }
  });

  it('Take Control when the sharer\'s machine does not allow it: "Remote Control of this computer is not allowed."', async () => {
    allowRemoteControl = false;
    await panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => lastStatusInPanel().then((t) => t === 'Remote Control of this computer is not allowed.'), 'the refusal in Bob\'s panel');
    assert.strictEqual(helper!.model.control, 'viewOnly');
    assert.match(statuses(sharer!.model.history).at(-1)!, /^Bob asked to take control\. Remote Control of this computer is not allowed/);
    await panel.page.screenshot({ path: join(SHOTS, 'helper-not-allowed.png') });
  });

  it('Take Control when allowed and Alice says Yes: Bob\'s keystrokes reach Alice\'s xterm; ESC on Alice\'s machine ends it', async () => {
    allowRemoteControl = true;
    answerControl = true;
    await panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => helper!.model.control === 'granted' && sharer!.model.control === 'granted', 'control granted on both sides', 20_000);
    assert.strictEqual(asked.at(-1), 'Bob (bob)');
    assert.strictEqual(statuses(sharer!.model.history).at(-1), 'Bob is sharing control of your computer. Press ESC or choose Stop Control to stop.');
    // Click into the xterm (screen 300,150) through the video, then type.
    const box = (await panel.page.locator('video').boundingBox())!;
    await panel.page.mouse.click(box.x + (300 / 1280) * box.width, box.y + (150 / 720) * box.height);
    await until(() => panelText('.keyboard-hint').then((t) => /^Your keyboard and mouse control Alice's computer/.test(t ?? '')), 'the keyboard captured');
    await panel.page.keyboard.type('echo from Bob');
    await panel.page.keyboard.press('Enter');
    await until(() => {
      try {
        return readFileSync(join(work, 'typed.txt'), 'utf8') === 'echo from Bob\n';
      } catch {
        return false;
      }
    }, 'Bob\'s keystrokes in Alice\'s xterm', 20_000);
    await panel.page.screenshot({ path: join(SHOTS, 'helper-in-control.png') });

    await x('xdotool', ['key', 'Escape']);
    await until(() => helper!.model.control === 'viewOnly' && sharer!.model.control === 'viewOnly', 'control ended by ESC', 10_000);
    assert.deepStrictEqual(statuses(sharer!.model.history).slice(-2), ['You pressed ESC: control ended.', 'Screen View Only']);
    await until(() => lastStatusInPanel().then((t) => t === 'Screen View Only'), 'Screen View Only in Bob\'s panel');
    assert.strictEqual(statuses(helper!.model.history).at(-2), 'Alice pressed ESC: control ended.');
  });

  it('Disconnect from the helper ends everything, host process included, and both histories survive a restart', async () => {
    const host = hosts.at(-1)!;
    await panel.page.locator('vscode-button[data-action="disconnect"]').press('Enter');
    await until(() => sharer!.model.phase === 'ended' && helper!.model.phase === 'ended', 'both sides ended', 20_000);
    await until(() => host.state === 'exited', 'the host process gone', 10_000);
    await until(() => panelText('.session-status .status-line').then((t) => t === 'Disconnected from Alice.'), 'the panel status line');
    assert.strictEqual(statuses(sharer!.model.history).at(-1), 'Disconnected from Bob.');
    const [bobLog] = ChatLog.readAll(join(work, 'bob'));
    const [aliceLog] = ChatLog.readAll(join(work, 'alice'));
    assert.deepStrictEqual(bobLog.entries, helper!.model.history);
    assert.deepStrictEqual(aliceLog.entries, sharer!.model.history);
    await panel.page.screenshot({ path: join(SHOTS, 'helper-disconnected.png') });
    assert.deepStrictEqual(panel.problems, []);
  });

  it('consent No: no host process starts and Bob reads that Alice did not allow it', async () => {
    const before = hosts.length;
    await startSession(false);
    await until(() => helper!.model.phase === 'ended', 'Bob\'s session ended', 20_000);
    assert.strictEqual(hosts.length, before, 'no host process was created');
    assert.deepStrictEqual(statuses(sharer!.model.history), ['You did not allow Bob to view your screen.']);
    assert.deepStrictEqual(statuses(helper!.model.history).slice(-2), ['Alice did not allow the connection.', 'Disconnected from Alice.']);
  });

  it('sharing that cannot start (no X display) says why on the sharer\'s side and ends on both', async () => {
    hostDisplay = ':999';
    try {
      await startSession(true);
      await until(() => sharer!.model.phase === 'ended' && helper!.model.phase === 'ended', 'both sides ended', 30_000);
    } finally {
      hostDisplay = undefined;
    }
    const lines = statuses(sharer!.model.history);
    assert.match(lines.at(-2)!, /^Screen sharing stopped: /);
    assert.strictEqual(lines.at(-1), 'Disconnected from Bob.');
    assert.strictEqual(statuses(helper!.model.history).at(-1), 'Disconnected from Alice.');
  });
});
