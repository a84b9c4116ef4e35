/**
 * The sharer stays in charge, as two users live it, every part real (assistance server process, Alice's
 * host process on Xvfb, Bob's panel in headless Chromium, real WebRTC): the verification code on both sides,
 * a timed grant that runs out, Stop Control from every place measured to the host's revoke, the panic key,
 * pausing (pixels drawn while paused never reach Bob), and questions that go unanswered.
 */
import assert from 'assert';
import { spawn } from 'child_process';
import { mkdirSync } from 'fs';
import { join } from 'path';
import type { ControlReason } from '../../src/protocol/host';
import { SessionFeatures } from '../../src/session/SessionFeatures';
import type { ControlAnswer } from '../../src/session/SharerSession';
import { ToolbarDispatch } from '../../src/views/ToolbarDispatch';
import { until } from '../webview/support/WebviewHarness';
import { near, samplePicture } from '../webview/support/helperPicture';
import { KEYSYM, SharerKeyboard } from './support/SharerKeyboard';
import { statuses, TwoParties } from './support/TwoParties';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'trust');
/** One "minute" of a timed grant or of Continue sharing? in these tests (the product's is 60 000 ms). */
const MINUTE_MS = 2000;
const never = <T>() => new Promise<T>(() => undefined);
/** Seconds the host's stats reports cover after the first (which began before anyone listened). */
const secondsAfterFirst = (stats: readonly { seconds: number }[]) => stats.slice(1).reduce((sum, s) => sum + s.seconds, 0);

describe('the sharer stays in charge (server + host on Xvfb + panel in Chromium, real WebRTC)', function () {
  this.timeout(180_000);
  let t: TwoParties;
  /** Alice's answer to the next control question; `undefined` leaves the question open. */
  let controlAnswer: ControlAnswer | undefined = true;
  const codesAsked: (string | undefined)[] = [];
  let continueAnswer: boolean | undefined = true;
  let continueAsked = 0;
  /** Every control change the host process reported, with the time it reached Alice's extension. */
  const revokes: { reason: ControlReason; at: number }[] = [];
  const figures: string[] = [];
  let keyboard: SharerKeyboard;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await TwoParties.connect({
      prompts: {
        askControl: (_helper, info) => {
          codesAsked.push(info.verificationCode);
          return controlAnswer === undefined ? never() : Promise.resolve(controlAnswer);
        },
        askContinue: () => {
          continueAsked++;
          return continueAnswer === undefined ? never() : Promise.resolve(continueAnswer);
        },
      },
      policy: { continueSharingMinutes: () => 4 },
      sharerTiming: { controlPromptMs: 1500, continuePromptMs: 1500, minuteMs: MINUTE_MS },
    });
    t.hosts.at(-1)!.onControl((c) => !c.granted && revokes.push({ reason: c.reason, at: performance.now() }));
    keyboard = await SharerKeyboard.open(t.display.display);
  });

  after(async () => {
    if (figures.length) console.log(`      stop control → host revoke: ${figures.join('; ')}`);
    keyboard?.dispose();
    await t?.dispose();
  });

  const lastPanelStatus = () => t.panel.page.locator('.chat-history .entry.status .text').last().textContent();
  /** Bob's toolbar button (Take Control turns into Stop Control while he has it: same button, same data-action). */
  const press = (action: string) => t.panel.page.locator(`vscode-button[data-action="${action}"]`).press('Enter');

  it('both sides show the same verification code, and Alice\'s control question carries it', async () => {
    await until(() => t.sharer.model.verificationCode !== undefined && t.helper.model.verificationCode !== undefined, 'both codes', 20_000);
    const code = t.sharer.model.verificationCode!;
    assert.match(code, /^\d{3} \d{3}$/);
    assert.strictEqual(t.helper.model.verificationCode, code);
    await until(() => t.panel.page.locator('.verification-code').textContent().then((x) => x === `Verification code: ${code}`), 'the code in Bob\'s panel');
    await t.takeControl();
    assert.strictEqual(codesAsked.at(-1), code);
    await t.panel.page.screenshot({ path: join(SHOTS, 'helper-code.png') });
  });

  it('Stop Control from every place reaches the host\'s revoke (the times are printed: a figure, not a timed assertion)', async () => {
    const sharerCommand = new ToolbarDispatch(() => t.sharer, new SessionFeatures(), { settings: async () => undefined, help: async () => undefined });
    const places: [string, () => Promise<unknown>][] = [
      // Bob's toolbar button in his panel
      ['helper button', () => press('takeControl')],
      // Alice's status bar item, her notification's Stop Control and the Ctrl+Alt+End keybinding all run remoteAssist.stopControl
      ['sharer command (status bar, notification, keybinding)', () => sharerCommand.run('stopControl')],
      // ESC on Alice's own keyboard
      ['ESC', () => keyboard.chord(KEYSYM.Escape)],
      // the Panic command (Ctrl+Shift+Alt+End while VS Code has the focus)
      ['panic command', async () => t.sharer.panic()],
      // the panic chord on Alice's own keyboard, wherever the focus is (the host watches for it)
      ['panic chord', () => keyboard.chord(KEYSYM.Control_L, KEYSYM.Shift_L, KEYSYM.Alt_L, KEYSYM.End)],
    ];
    for (const [place, act] of places) {
      if (t.helper.model.control !== 'granted') await t.takeControl();
      if (t.sharer.model.paused) {
        t.sharer.setPaused(false);
        await until(() => !t.sharer.model.paused && !t.helper.model.paused, 'resumed');
      }
      const before = revokes.length;
      const at = performance.now();
      await act();
      await until(() => revokes.length > before, `the host's revoke after ${place}`, 5000);
      const ms = revokes[before].at - at;
      figures.push(`${place} ${ms.toFixed(1)} ms`);
      await until(() => t.helper.model.control === 'viewOnly' && t.sharer.model.control === 'viewOnly', `control ended on both sides after ${place}`);
    }
    assert.deepStrictEqual(revokes.slice(-5).map((r) => r.reason), ['helperReleased', 'revoked', 'localEscape', 'panic', 'panic']);
  });

  it('the panic key ended control and paused sharing together, said on both sides', async () => {
    await until(() => t.helper.model.paused && t.sharer.model.paused, 'paused on both sides');
    assert.deepStrictEqual(statuses(t.sharer.model.history).slice(-3), ['You pressed the panic key: control ended.', 'Screen View Only', 'You paused sharing. Nothing on your screen is sent until you resume.']);
    assert.deepStrictEqual(statuses(t.helper.model.history).slice(-3), ['Alice ended control with the panic key.', 'Screen View Only', 'Alice paused sharing.']);
    t.sharer.setPaused(false);
    await until(() => !t.helper.model.paused, 'resumed at Bob');
  });

  it('pausing: Bob sees a frozen picture with "Alice paused sharing."; pixels drawn meanwhile never reach him', async () => {
    const host = t.hosts.at(-1)!;
    t.sharer.setPaused(true);
    await until(() => t.helper.model.paused, 'paused at Bob');
    const veil = t.panel.page.locator('.paused-veil');
    await until(() => veil.isVisible(), 'the veil over the picture');
    assert.strictEqual((await veil.textContent())?.trim(), 'Alice paused sharing.');
    // Red drawn on Alice's display while paused; the host's stats prove time passed with nothing sent.
    await runX(t, 'xsetroot', ['-solid', '#d02020']);
    const stats: { fps: number; regionFps?: number; seconds: number }[] = [];
    const d = host.onStats((s) => stats.push(s));
    try {
      const seen: [number, number, number][] = [];
      await until(async () => {
        const p = await samplePicture(t.panel.page);
        if (p) seen.push(p.rgb);
        return secondsAfterFirst(stats) >= 3;
      }, 'three seconds of host statistics while paused', 15_000);
      assert.ok(seen.length > 0);
      assert.ok(seen.every((rgb) => near(rgb, [0x20, 0x40, 0xc0])), `Bob saw something other than the frozen blue: ${JSON.stringify(seen.find((rgb) => !near(rgb, [0x20, 0x40, 0xc0])))}`);
      assert.ok(stats.slice(1).every((s) => s.fps === 0 && (s.regionFps ?? 0) === 0), `the host sent frames while paused: ${JSON.stringify(stats)}`);
    } finally {
      d.dispose();
    }
    await t.panel.page.screenshot({ path: join(SHOTS, 'helper-paused.png') });
    t.sharer.setPaused(false);
    await until(() => samplePicture(t.panel.page).then((p) => p !== undefined && near(p.rgb, [0xd0, 0x20, 0x20])), 'the red desktop after resuming', 15_000);
    await until(() => veil.isHidden(), 'the veil gone');
    assert.strictEqual(statuses(t.helper.model.history).at(-1), 'Alice resumed sharing.');
    await runX(t, 'xsetroot', ['-solid', '#2040c0']);
  });

  it('while paused, input from Bob (who sees a frozen picture) is dropped; after resuming it works again', async () => {
    await t.takeControl();
    const host = t.hosts.at(-1)!;
    const dropped: number[] = [];
    const d = host.onStats((s) => dropped.push(s.inputDropped));
    try {
      t.sharer.setPaused(true);
      await until(() => t.helper.model.paused, 'paused at Bob');
      const typed = t.typed;
      await until(() => dropped.length > 0, 'the host\'s statistics');
      const before = dropped.at(-1)!;
      await t.panel.page.keyboard.type('blind');
      // Ten key events (five down, five up) counted as dropped by the host's gate: none was applied.
      await until(() => dropped.at(-1)! >= before + 10, 'Bob\'s keys dropped by the gate', 10_000);
      assert.strictEqual(t.helper.model.control, 'granted');
      t.sharer.setPaused(false);
      await until(() => !t.helper.model.paused, 'resumed at Bob');
      await t.panel.page.keyboard.type('seen');
      await t.panel.page.keyboard.press('Enter');
      // The xterm's line arrives whole on Enter: "seen", and no letter of "blind" before it (the line may start
      // with the escape sequences of the ESC and End presses of the tests before).
      await until(() => t.typed.endsWith('seen\n') && t.typed.length > typed.length, 'Bob\'s keys in the xterm after resuming', 10_000);
      const line = t.typed.slice(typed.length, -'seen\n'.length);
      assert.ok(!/[a-z]/.test(line), `keys typed while paused reached the xterm: ${JSON.stringify(line)}`);
    } finally {
      d.dispose();
    }
    await t.panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => t.helper.model.control === 'viewOnly' && t.sharer.model.control === 'viewOnly', 'control given back');
  });

  it('a timed grant counts down on both sides and ends at zero as ESC does', async () => {
    controlAnswer = { minutes: 3 }; // 6 s here
    try {
      await t.takeControl();
      assert.ok(t.sharer.model.controlEndsAt !== undefined && t.helper.model.controlEndsAt !== undefined);
      assert.strictEqual(statuses(t.sharer.model.history).at(-1), 'Control ends by itself in 6 seconds.');
      const countdown = t.panel.page.locator('.control-countdown');
      await until(() => countdown.textContent().then((x) => /^Control ends in 0:0[1-6]$/.test(x ?? '')), 'the countdown in Bob\'s panel');
      await t.panel.page.screenshot({ path: join(SHOTS, 'helper-countdown.png') });
      const before = revokes.length;
      await until(() => revokes.length > before, 'the host ending control', 15_000);
      assert.strictEqual(revokes.at(-1)!.reason, 'expired');
      await until(() => t.helper.model.control === 'viewOnly' && t.sharer.model.control === 'viewOnly', 'control ended on both sides');
      assert.deepStrictEqual(statuses(t.sharer.model.history).slice(-2), ['The time allowed for control ran out: control ended.', 'Screen View Only']);
      assert.deepStrictEqual(statuses(t.helper.model.history).slice(-2), ['The time allowed for control ran out: control ended.', 'Screen View Only']);
      await until(() => countdown.isHidden(), 'the countdown gone');
    } finally {
      controlAnswer = true;
    }
  });

  it('a new connection while paused stays paused: what is drawn meanwhile never reaches Bob', async () => {
    t.sharer.setPaused(true);
    await until(() => t.helper.model.paused, 'paused at Bob');
    await runX(t, 'xsetroot', ['-solid', '#20c040']);
    // The host process dies (kill -9) and Alice chooses Restart Sharing: a new process and peer connection.
    const crashed = t.hosts.at(-1)!;
    process.kill(crashed.pid!, 'SIGKILL');
    await until(() => t.restartOffered !== undefined && t.sharer.model.phase === 'reconnecting', 'Restart Sharing offered');
    t.restartOffered!();
    await until(() => t.bothConnected() && t.hosts.at(-1) !== crashed, 'connected again', 40_000);
    const host = t.hosts.at(-1)!;
    const stats: { fps: number; regionFps?: number; seconds: number }[] = [];
    const d = host.onStats((s) => stats.push(s));
    try {
      const seen: [number, number, number][] = [];
      await until(async () => {
        const p = await samplePicture(t.panel.page);
        if (p) seen.push(p.rgb);
        return secondsAfterFirst(stats) >= 3;
      }, 'three seconds of the new host\'s statistics', 15_000);
      assert.ok(!seen.some((rgb) => near(rgb, [0x20, 0xc0, 0x40])), 'the green drawn while paused reached Bob');
      assert.ok(stats.every((s) => s.fps === 0 && (s.regionFps ?? 0) === 0), `the new host sent frames while paused: ${JSON.stringify(stats)}`);
    } finally {
      d.dispose();
    }
    assert.ok(t.sharer.model.paused && t.helper.model.paused);
    t.sharer.setPaused(false);
    await until(() => samplePicture(t.panel.page).then((p) => p !== undefined && near(p.rgb, [0x20, 0xc0, 0x40])), 'the green desktop after resuming', 15_000);
    await runX(t, 'xsetroot', ['-solid', '#2040c0']);
  });

  it('a control question nobody answers times out, and Bob reads why', async () => {
    controlAnswer = undefined;
    try {
      await press('takeControl');
      await until(() => lastPanelStatus().then((x) => x === 'Alice did not answer your request to take control in time.'), 'the time-out in Bob\'s panel', 10_000);
      assert.strictEqual(t.helper.model.control, 'viewOnly');
      assert.strictEqual(t.sharer.model.control, 'viewOnly');
      assert.strictEqual(statuses(t.sharer.model.history).at(-1), 'You did not answer Bob\'s request to take control in time; it was refused.');
    } finally {
      controlAnswer = true;
    }
  });

  it('Continue sharing? is asked every few minutes; no answer ends the session', async () => {
    await until(() => continueAsked >= 1, 'the first Continue sharing? question (answered Yes)', 20_000);
    assert.strictEqual(t.sharer.model.phase, 'connected');
    continueAnswer = undefined;
    await until(() => t.sharer.model.phase === 'ended' && t.helper.model.phase === 'ended', 'the session ended', 20_000);
    assert.deepStrictEqual(statuses(t.sharer.model.history).slice(-2), ['You did not answer whether to continue sharing: the session ended.', 'Disconnected from Bob.']);
    assert.strictEqual(statuses(t.helper.model.history).at(-1), 'Disconnected from Alice.');
  });
});

describe('refusals end the request on both sides (server + host on Xvfb + panel in Chromium)', function () {
  this.timeout(120_000);
  let t: TwoParties | undefined;

  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  it('an X display without XTEST is view only: Take Control ends with a clear line on both sides', async () => {
    t = await TwoParties.connect({ xvfbArgs: ['-extension', 'XTEST'] });
    await t.panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => t!.panel.page.locator('.chat-history .entry.status .text').last().textContent().then((x) => x === 'Alice\'s computer cannot be controlled remotely (view only).'), 'the refusal in Bob\'s panel', 20_000);
    assert.strictEqual(t.helper.model.control, 'viewOnly');
    assert.strictEqual(t.sharer.model.control, 'viewOnly');
    assert.match(statuses(t.sharer.model.history).at(-1)!, /^Bob asked to take control, but this computer cannot be controlled remotely: The X display :\d+ does not offer XTEST/);
    // Still watching: the session goes on.
    assert.ok(t.bothConnected());
  });

  it('a sharer\'s side that never answers Take Control: Bob stops waiting, and a grant that comes later is given straight back', async () => {
    let answer: ((a: boolean) => void) | undefined;
    t = await TwoParties.connect({ prompts: { askControl: () => new Promise<boolean>((resolve) => (answer = resolve)) }, sharerTiming: { controlPromptMs: 600_000 }, controlAnswerMs: 1500 });
    const host = t.hosts.at(-1)!;
    const controls: { granted: boolean; reason: string }[] = [];
    host.onControl((c) => controls.push(c));
    await t.panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => t!.panel.page.locator('.chat-history .entry.status .text').last().textContent().then((x) => x === 'Alice did not answer your request to take control in time.'), 'the time-out in Bob\'s panel', 10_000);
    assert.strictEqual(t.helper.model.control, 'viewOnly');
    answer!(true);
    await until(() => controls.length >= 2, 'the late grant and its return', 10_000);
    assert.deepStrictEqual(controls.slice(0, 2), [{ granted: true, reason: 'granted', remainingMs: undefined }, { granted: false, reason: 'helperReleased', remainingMs: undefined }]);
    assert.strictEqual(t.helper.model.control, 'viewOnly');
  });

  it('a consent question nobody answers times out: the session ends and Bob reads why', async () => {
    t = await TwoParties.connect({ prompts: { askConsent: never }, sharerTiming: { consentPromptMs: 1000 }, awaitConnected: false });
    await until(() => t!.sharer.model.phase === 'ended' && t!.helper.model.phase === 'ended', 'both sides ended', 20_000);
    assert.deepStrictEqual(statuses(t.sharer.model.history), ['You did not answer in time; Bob was not allowed to view your screen.', 'Disconnected from Bob.']);
    assert.deepStrictEqual(statuses(t.helper.model.history).slice(-2), ['Alice did not answer in time.', 'Disconnected from Alice.']);
    assert.strictEqual(t.hosts.length, 0, 'no host process was started');
  });
});

function runX(t: TwoParties, cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn(cmd, args, { env: t.env(), stdio: 'ignore' }).on('exit', (c: number) => (c === 0 ? resolve() : reject(new Error(`${cmd} exited ${c}`))));
  });
}
