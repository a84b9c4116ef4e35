/**
 * The whole Remote Assistance scenario (issue 5, steps 1–9, Send a File, Start Talking) in two real VS Code workbenches
 * (code-server) driven in headless Chromium: Alice asks Bob for help through the real assistance server, the
 * real host process shares a real X display over real WebRTC, and Bob chats, takes control, types into it,
 * exchanges files with Alice and talks with her (PulseAudio null sinks as their microphones and speakers).
 * Alice stays in charge (issue 15): she compares the verification code, stops control from every place (each
 * timed to her host's revoke), grants 30 seconds that run out, and pauses; Bob points and draws on her real
 * display without any input reaching it (issue 16).
 * Steps run in order and stop at the first failure; every step leaves screenshots under test-results/e2e/.
 */
import assert from 'assert';
import { execFileSync } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { Frame, Locator } from 'playwright-core';
import { PollAborted, pollUntil } from '../../scripts/stack/poll';
import { ALICE, BOB } from '../../scripts/stack/EmbeddedStack';
import { KNOWN_COLOUR } from '../../scripts/stack/SharedDisplay';
import { HEARD, hearSentence, speak } from '../audio/support/speech';
import { colourFraction } from './support/pixels';
import { X11Display } from '../../src/host/x11/X11Display';
import { FRAME_COLORS, frameStrips } from '../../src/host/x11/X11SharingFrame';
import { countColour, screenImage } from '../host/support/screenImage';
import { ExtensionLog } from './support/ExtensionLog';
import { processesMatching } from './support/processes';
import { XProbe } from '../host/support/xprobe';
import { OVERLAY_COLOR } from '../../src/host/x11/X11Overlay';
import { SpawnedProcess } from '../../scripts/stack/SpawnedProcess';
import { RESULTS_DIR, Scene } from './support/Scene';
import { UI_TIMEOUT_MS, Workbench } from './support/Workbench';

/** The helper's panel: the only webview with a remote desktop. */
const PANEL = '.desktop';
/** The remote desktop as shown: the stage holding the video, the canvas over it and the cursor. */
const REMOTE_DESKTOP = '.desktop .ra-stage';
/** The save dialog's button: the web workbench's own dialog says OK whatever saveLabel asks for. */
const SAVE_BUTTON = /^(OK|Save)$/;
/** The chat box, in the panel and in the sidebar chat view. */
const CHAT_VIEW = '.chat-pane';

describe('Remote Assistance end to end in two VS Code workbenches', function () {
  const scene = new Scene();
  let failedStep: string | undefined;

  // Each step builds on the one before: after a failure the later steps are not attempted.
  // (mocha's per-suite bail would also stop the other e2e files.)
  beforeEach(function () {
    if (failedStep) this.skip();
  });

  before(async function () {
    this.timeout(600_000);
    await scene.start();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'pending') return;
    const title = this.currentTest?.title ?? 'step';
    await scene.screenshots(title);
    if (this.currentTest?.state === 'failed' && !failedStep) {
      failedStep = title;
      console.error(`\n  e2e stopped at step: ${title}\n  screenshots and logs: ${RESULTS_DIR}\n`);
    }
  });

  after(async function () {
    this.timeout(120_000);
    await scene.stop();
    if (failedStep) console.error(`  (kept screenshots and logs of the failed run in ${RESULTS_DIR})`);
  });

  const aliceHostScript = () => join(scene.stack.installedExtensionDir(ALICE), 'dist/host.js');
  /** Alice's Remote Assist log (her extension's output channel, with the host process's lines). */
  const aliceLog = new ExtensionLog(() => scene.stack.workbench(ALICE).logsDir);
  /** Stop Control, each way: ms from the click or key press to the host's revoke (in Alice's log). */
  const stopFigures: Partial<Record<'helperButton' | 'sharerStatusBar' | 'sharerNotification' | 'keybinding' | 'esc', number>> = {};

  it('0. the installed extension loads its native modules (@roamhq/wrtc, the WebAssembly SQLite)', function () {
    const dir = scene.stack.installedExtensionDir(ALICE);
    const script = `
      const wrtc = require(${JSON.stringify(join(dir, 'node_modules/@roamhq/wrtc'))});
      const pc = new wrtc.RTCPeerConnection(); pc.close();
      const { Database } = require(${JSON.stringify(join(dir, 'node_modules/node-sqlite3-wasm'))});
      const db = new Database(':memory:'); const row = db.get('select 6*7 as answer'); db.close();
      process.stdout.write(JSON.stringify(row)); process.exit(0);`;
    assert.strictEqual(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }), '{"answer":42}');
  });

  it('1. Alice and Bob sign in, become contacts and see each other online', async function () {
    await signIn(scene.alice, ALICE.alias);
    await signIn(scene.bob, BOB.alias);
    await scene.alice.runCommand('Remote Assist: Add Contact…');
    await scene.alice.answerInput('Alias of the person to add', BOB.alias);
    // Bob accepts the contact request from his Contacts view.
    await scene.bob.openActivity('Assistance');
    const request = await scene.bob.treeItem('Contacts', 'Alice');
    await request.hover();
    await request.getByRole('button', { name: 'Accept Contact Request' }).click();
    for (const [wb, other] of [[scene.alice, 'Bob'], [scene.bob, 'Alice']] as const) {
      await wb.openActivity('Assistance');
      const row = await wb.treeItem('Contacts', other);
      await pollUntil(`${wb.name} to see ${other} online`, async () => /online/i.test((await row.getAttribute('aria-label')) ?? ''), { timeoutMs: UI_TIMEOUT_MS });
    }
  });

  it('2. Alice runs "Ask for Help…" from the command palette, picks Bob and attaches the problem after reviewing it', async function () {
    await scene.alice.runCommand('Remote Assist: Ask for Help…');
    await scene.alice.pick('Bob');
    // The optional note: what is wrong.
    await scene.alice.answerInput('What is wrong?', 'tests fail only on my machine');
    // The last lines of an output channel (her Remote Assist log), then each part reviewed before it goes.
    const outputs = scene.alice.quickInput().filter({ hasText: 'the last lines of which output?' });
    await outputs.locator('.quick-input-list .monaco-list-row', { hasText: /^Remote Assist/ }).first().click();
    const review = scene.alice.quickInput().filter({ hasText: 'attach to the invitation' });
    await review.waitFor({ state: 'visible' });
    await review.locator('.quick-input-list .monaco-list-row', { hasText: 'Output: Remote Assist' }).first().click();
    await review.locator('.quick-input-box input').press('Enter');
    await review.waitFor({ state: 'hidden' });
  });

  // ── issue 21 (clarity): quiet notices ──
  it('2a. what happened without a question (signed in, contact request sent, invitation sent) is in the status bar, not a toast', async function () {
    await scene.alice.page.locator('.part.statusbar', { hasText: 'Invitation sent to Bob.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    for (const wb of [scene.alice, scene.bob]) {
      const toasts = wb.page.locator('.notifications-toasts .notification-toast', { hasText: /Signed in to|Contact request sent|Invitation sent/ });
      assert.strictEqual(await toasts.count(), 0, `${wb.name} has no toast for what needs no answer`);
    }
  });
  // ── end issue 21 ──

  it('3. Bob sees the seed\'s toast with the note and the count on the Assistance icon, reads the problem, and accepts with Alt+T', async function () {
    await scene.bob.toast('Alice is inviting you to start using Remote Assistance. Do you want to Accept (Alt+T) or Decline (Alt+D) the invitation? “tests fail only on my machine”');
    const badge = scene.bob.page.locator('.part.activitybar .action-item', { has: scene.bob.page.locator('[aria-label^="Assistance"]') }).first().locator('.badge-content');
    await pollUntil('the badge to count one invitation', async () => (await badge.textContent().catch(() => '')) === '1', { timeoutMs: UI_TIMEOUT_MS });
    await scene.bob.openActivity('Assistance');
    await (await scene.bob.treeItem('Invitations', 'From Alice')).click();
    const problem = scene.bob.page.locator('.editor-instance .view-lines');
    for (const line of ['Alice (alice) is asking for help', '## Note', '## Environment', '## Output: Remote Assist']) {
      await problem.filter({ hasText: line }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
    await scene.bob.page.keyboard.press('Alt+t');
  });

  let bobPanel: Frame;
  let bobsFileSha256 = '';

  // ── issue 21 (clarity): the panel while Alice decides ──
  it("3a. Bob's panel says it waits for Alice; nothing is shared and no frame is drawn yet", async function () {
    const panel = await scene.bob.webviewFrame(PANEL, 'Remote Assistance panel');
    await panel.locator('.phase-card[data-phase="waiting"]', { hasText: 'Waiting for Alice to say yes' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.strictEqual(await framePixels(FRAME_COLORS.sharing), 0, "no sharing frame on Alice's display before she says Yes");
  });
  // ── end issue 21 ──

  it("4. Alice says Yes; Bob's panel shows \"Connected to Alice.\" and Alice's display", async function () {
    await scene.alice.clickDialogButton(/Do you want to let Bob \(\S+\) view your screen/, 'Yes');
    bobPanel = await scene.bob.webviewFrame(PANEL, 'Remote Assistance panel');
    await bobPanel.locator('.status-line', { hasText: 'Connected to Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    // The known-colour window on Alice's display, found in the remote desktop as Bob's browser paints it
    // (the lossless canvas, or the video while the sharer's screen moves too much for it).
    const desktop = bobPanel.locator(REMOTE_DESKTOP);
    await desktop.waitFor({ state: 'visible' });
    const share = await pollUntil('the known-colour window in the rendered remote desktop', async () => {
      const fraction = colourFraction(await desktop.screenshot(), KNOWN_COLOUR);
      return fraction > 0.05 ? fraction : undefined;
    }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 1000 });
    console.log(`      known colour covers ${(share * 100).toFixed(1)} % of the rendered remote desktop`);
    // The host process that captures Alice's display runs from her installed extension.
    assert.strictEqual(processesMatching(aliceHostScript()).size, 1, "Alice's host process runs");
  });

  // ── issue 21 (clarity): the sharing frame while connected ──
  it("4a. a green frame around Alice's display while it is shared, never in Bob's picture; Bob's panel says what he can do", async function () {
    const { width, height } = scene.stack.sharedDisplay;
    const area = frameStrips(width, height).reduce((sum, [, , w, h]) => sum + w * h, 0);
    await pollUntil("the whole green frame on Alice's display", async () => (await framePixels(FRAME_COLORS.sharing)) === area, { timeoutMs: UI_TIMEOUT_MS });
    const inPicture = colourFraction(await bobPanel.locator(REMOTE_DESKTOP).screenshot(), rgb(FRAME_COLORS.sharing), 24);
    console.log(`      frame: ${((area / (width * height)) * 100).toFixed(2)} % of Alice's ${width}x${height} display, ${(inPicture * 100).toFixed(2)} % of Bob's picture`);
    assert.strictEqual(inPicture, 0, "no frame colour in Bob's picture");
    await bobPanel.locator('.phase-card[data-phase="connected"]', { hasText: 'Connected to Alice' }).waitFor({ timeout: UI_TIMEOUT_MS });
  });
  // ── end issue 21 ──

  it('5. chat both ways, in the panel and the sidebar chat view, with ENTER and with Send', async function () {
    await sendChat(bobPanel, 'Hi Alice, I can see your screen.', 'enter');
    const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    await waitForChatLine(aliceChat, 'Hi Alice, I can see your screen.');
    await sendChat(aliceChat, 'Thanks Bob! The tests fail in the terminal.', 'button');
    await waitForChatLine(bobPanel, 'Thanks Bob! The tests fail in the terminal.');
    await sendChat(aliceChat, 'Pressing ENTER works too.', 'enter');
    await waitForChatLine(bobPanel, 'Pressing ENTER works too.');
    await scene.bob.openActivity('Assistance');
    const bobChat = await scene.bob.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    await sendChat(bobChat, 'Sent from my sidebar with Send.', 'button');
    await waitForChatLine(aliceChat, 'Sent from my sidebar with Send.');
    await waitForChatLine(bobPanel, 'Sent from my sidebar with Send.');
  });

  it('5a. Alice gets a second monitor and chooses which one Bob sees; Bob\'s picture follows, then all again', async function () {
    const display = scene.stack.sharedDisplay;
    const x = (args: string[]) => execFileSync('xrandr', args, { env: { ...process.env, DISPLAY: display.display } });
    const half = display.width / 2;
    x(['--setmonitor', 'LEFT', `${half}/100x${display.height}/100+0+0`, 'none']);
    x(['--setmonitor', 'RIGHT', `${half}/100x${display.height}/100+${half}+0`, 'none']);
    const desktop = bobPanel.locator(REMOTE_DESKTOP);
    const aspect = async () => {
      const box = await desktop.boundingBox();
      return box ? box.width / box.height : 0;
    };
    const whole = display.width / display.height;
    try {
      await scene.alice.runCommand('Remote Assist: Choose Screen to Share…');
      await scene.alice.pick('Monitor RIGHT');
      // Bob's remote desktop takes the right monitor's shape, and the known-colour window (right of the middle) fills more of it.
      await pollUntil('Bob\'s remote desktop in the right monitor\'s shape', async () => Math.abs((await aspect()) - half / display.height) < 0.05, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500 });
      const right = await pollUntil('the known-colour window filling the right monitor', async () => {
        const fraction = colourFraction(await desktop.screenshot(), KNOWN_COLOUR);
        return fraction > 0.2 ? fraction : undefined;
      }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 1000 });
      console.log(`      known colour covers ${(right * 100).toFixed(1)} % of the right monitor in Bob's panel`);
      await scene.screenshots('5a. Bob sees the right monitor only');
      await scene.alice.runCommand('Remote Assist: Choose Screen to Share…');
      await scene.alice.pick('All monitors');
      await pollUntil('Bob\'s remote desktop whole again', async () => Math.abs((await aspect()) - whole) < 0.05, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500 });
    } finally {
      x(['--delmonitor', 'LEFT']);
      x(['--delmonitor', 'RIGHT']);
    }
  });

  // Issue 13 (Faults): a window reload on either side rejoins the live session.
  it('5b. each window reloads mid-session: Alice is asked to resume sharing, Bob\'s panel comes back connected', async function () {
    await reloadWindow(scene.alice);
    await waitForChatLine(bobPanel, "Alice's VS Code window is reloading or closing.");
    // Nothing is shared again until Alice says Yes.
    await scene.alice.clickDialogButton(/Resume sharing with Bob \(\S+\)\?/, 'Yes');
    await bobPanel.locator('.status-line', { hasText: 'Connected to Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await seesKnownColour(bobPanel);

    await reloadWindow(scene.bob);
    // VS Code restores the panel (its serializer); the session comes back to it and a new connection is made.
    bobPanel = await scene.bob.webviewFrame(PANEL, 'restored Remote Assistance panel');
    await bobPanel.locator('.status-line', { hasText: 'Connected to Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await waitForChatLine(bobPanel, 'Thanks Bob! The tests fail in the terminal.');
    await seesKnownColour(bobPanel);
    const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    await waitForChatLine(aliceChat, "Bob's VS Code window is reloading or closing.");
    assert.strictEqual(processesMatching(aliceHostScript()).size, 1, "one host process runs for Alice");
  });

  it('5c. Bob points at code: README.md:1 is a link in Alice\'s chat that opens her file; a path outside her workspace stays text', async function () {
    await sendChat(bobPanel, 'Look at README.md:1 and ../../etc/passwd:1', 'enter');
    const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    const line = aliceChat.locator('.chat-history li', { hasText: 'Look at README.md:1' }).first();
    await line.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepStrictEqual(await line.locator('a.code-link').allTextContents(), ['README.md:1']);
    await line.locator('a.code-link').click();
    await scene.alice.page.locator('.tabs-container .tab.active', { hasText: 'README.md' }).waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('6. Take Control: refused while disabled, then allowed; Bob types into the xterm on Alice\'s display', async function () {
    await toolbarButton(bobPanel, 'Take Control').click();
    await bobPanel.getByText('Remote Control of this computer is not allowed.').first().waitFor({ timeout: UI_TIMEOUT_MS });

    await enableRemoteControl(scene.alice);
    // The workbench saves the setting at once but Alice's extension host sees it a few seconds later
    // (about 3 s here): Bob asks again until Alice is asked, as a user would.
    const controlQuestion = scene.alice.page.locator('.monaco-dialog-box', { hasText: /would like to share control/ });
    await pollUntil('Alice to be asked for control', async () => {
      await toolbarButton(bobPanel, 'Take Control').click({ timeout: 5_000 }).catch(() => undefined);
      return controlQuestion.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    }, { timeoutMs: UI_TIMEOUT_MS });
    // The question carries the connection's verification code; Bob's panel shows the same one: six digits.
    const asked = (await controlQuestion.textContent()) ?? '';
    const code = /read out the code in their panel: ([\d ]+)\./.exec(asked)?.[1];
    assert.ok(code, `the control question shows a verification code: ${asked}`);
    const bobsCode = /^Verification code: ([\d ]+)$/.exec((await bobPanel.locator('.verification-code').textContent()) ?? '')?.[1];
    console.log(`      verification code: Alice's question ${code}, Bob's panel ${bobsCode}`);
    assert.strictEqual(code.replace(/ /g, '').length, 6, 'six digits');
    assert.strictEqual(bobsCode, code, "Bob's panel shows the code of Alice's question");
    await scene.screenshots('6. the verification code in Alice\'s question and in Bob\'s panel');
    // A reflex Enter is a No: the workbench focuses the dialog's first button, which must be the safe one.
    assert.strictEqual(await focusedButton(controlQuestion), 'No', "the control question's default button is No");
    await scene.alice.page.keyboard.press('Enter');
    await controlQuestion.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await bobPanel.getByText('Alice did not allow you to take control.').first().waitFor({ timeout: UI_TIMEOUT_MS });
    assert.ok(!(await toolbarButton(bobPanel, 'Stop Control').isVisible()), 'Enter did not grant control');
    assert.ok(!(await scene.alice.page.locator('.part.statusbar', { hasText: 'Bob is in control' }).isVisible()), 'Alice is not controlled after Enter');
    await pollUntil('Alice to be asked for control again', async () => {
      await toolbarButton(bobPanel, 'Take Control').click({ timeout: 5_000 }).catch(() => undefined);
      return controlQuestion.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    }, { timeoutMs: UI_TIMEOUT_MS });
    await scene.alice.clickDialogButton(/would like to share control/, 'Allow Until Stopped');
    await toolbarButton(bobPanel, 'Stop Control').waitFor({ timeout: UI_TIMEOUT_MS });
    await scene.alice.page.locator('.part.statusbar', { hasText: 'Bob is in control' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // Bob clicks into the xterm as he sees it and types; the shell computes 6*7, so "e2e-42" appears only if
    // the typed command really ran on Alice's display.
    await typeIntoXterm('echo e2e-$((6*7))');
    const display = scene.stack.sharedDisplay;
    await pollUntil('"e2e-42" in the xterm on Alice\'s display', () => display.transcript().includes('e2e-42'), { timeoutMs: UI_TIMEOUT_MS });
  });

  // ── issue 21 (clarity): the frame while Bob controls ──
  it("6a. the frame on Alice's display is orange while Bob controls", async function () {
    const { width, height } = scene.stack.sharedDisplay;
    const area = frameStrips(width, height).reduce((sum, [, , w, h]) => sum + w * h, 0);
    await pollUntil("the orange frame on Alice's display", async () => (await framePixels(FRAME_COLORS.controlling)) === area, { timeoutMs: UI_TIMEOUT_MS });
    assert.strictEqual(colourFraction(await bobPanel.locator(REMOTE_DESKTOP).screenshot(), rgb(FRAME_COLORS.controlling), 24), 0, "no frame colour in Bob's picture");
    await bobPanel.locator('.phase-card[data-phase="connected"]', { hasText: "You control Alice's computer" }).waitFor({ timeout: UI_TIMEOUT_MS });
  });
  // ── end issue 21 ──

  it('7. ESC on Alice\'s display ends control on both sides', async function () {
    const revokes = aliceLog.count(CONTROL_ENDED);
    const pressedAt = Date.now();
    execFileSync('xdotool', ['key', 'Escape'], { env: { ...process.env, DISPLAY: scene.stack.sharedDisplay.display } });
    const ended = async (what: string, wait: Promise<unknown>) => {
      await wait;
      return `${what} ${Date.now() - pressedAt} ms`;
    };
    const figures = await Promise.all([
      ended("Bob's panel", toolbarButton(bobPanel, 'Take Control').waitFor({ timeout: UI_TIMEOUT_MS })),
      ended("Alice's status bar", scene.alice.page.locator('.part.statusbar', { hasText: 'Bob is in control' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS })),
    ]);
    console.log(`      control ended after ESC (as seen by UI polling): ${figures.join(', ')}`);
    stopFigures.esc = (await aliceLog.next(CONTROL_ENDED, revokes, 'localEscape')) - pressedAt;
    // Her ESC also reached the xterm, whose shell now reads the next key as Meta+key: Ctrl+C gives a fresh line.
    execFileSync('xdotool', ['key', 'ctrl+c'], { env: { ...process.env, DISPLAY: scene.stack.sharedDisplay.display } });
  });

  // ── issue 15: the sharer stays in charge ──
  it("7a. Stop Control from every place: Bob's button, Alice's status bar item, her notification and her keybinding (each timed to the host's revoke)", async function () {
    const alice = scene.alice.page;
    // Each way starts from a fresh grant; the time runs from the click or key press as the browser dispatched it.
    const ways: [keyof typeof stopFigures, string, () => Promise<number>][] = [
      ['helperButton', 'helperReleased', () => stamped(bobPanel, 'click', () => toolbarButton(bobPanel, 'Stop Control').click())],
      ['sharerStatusBar', 'revoked', () => stamped(alice.mainFrame(), 'click', () => alice.locator('.part.statusbar .statusbar-item', { hasText: 'Bob is in control' }).first().click())],
      ['sharerNotification', 'revoked', async () => {
        const toast = alice.locator('.notifications-toasts .notification-toast', { hasText: 'Bob is sharing control of your computer.' }).last();
        return stamped(alice.mainFrame(), 'click', () => toast.getByRole('button', { name: 'Stop Control', exact: true }).click());
      }],
      ['keybinding', 'revoked', async () => {
        // The keybinding works wherever Alice's keyboard is in the workbench: here, her editor.
        await alice.locator('.editor-instance .view-lines').first().click();
        return stamped(alice.mainFrame(), 'keydown', () => alice.keyboard.press('Control+Alt+End'), 'End');
      }],
    ];
    for (const [way, reason, stop] of ways) {
      if (way === 'sharerNotification') await scene.alice.runCommand('Notifications: Clear All Notifications');
      await grantControl('Allow Until Stopped');
      const revokes = aliceLog.count(CONTROL_ENDED);
      const at = await stop();
      stopFigures[way] = (await aliceLog.next(CONTROL_ENDED, revokes, reason)) - at;
      await toolbarButton(bobPanel, 'Take Control').waitFor({ timeout: UI_TIMEOUT_MS });
      await alice.locator('.part.statusbar', { hasText: 'Bob is in control' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    }
    // Figures only (the issue asks ≤ 100 ms each): this machine's load decides them, so nothing is asserted.
    console.log(JSON.stringify({ stopControlToHostRevokeMs: stopFigures }));
  });

  it('7b. Alice offers 30 seconds of control (her setting) and allows it: the countdown shows on both sides, and at zero control ends as with ESC', async function () {
    // Her remote settings.json, as "Preferences: Open Remote Settings (JSON)" edits it: the time limits offered.
    setMachineSetting(scene.stack.workbench(ALICE).userDataDir, 'remoteAssist.controlTimeLimits', [0.5, 5, 15]);
    const revokes = aliceLog.count(CONTROL_ENDED);
    // The setting is read when Bob asks: he asks until Alice's question offers the new limit, as with Allow Remote Control.
    const offered = scene.alice.page.locator('.monaco-dialog-box', { hasText: /would like to share control/ }).getByRole('button', { name: 'Allow for 30 Seconds', exact: true });
    await pollUntil("Alice's question to offer 30 seconds", async () => {
      await toolbarButton(bobPanel, 'Take Control').click({ timeout: 5_000 }).catch(() => undefined);
      if (await offered.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) return true;
      // An older question (before her extension read the setting) is answered No, and Bob asks again.
      await scene.alice.clickDialogButton(/would like to share control/, 'No').catch(() => undefined);
      return false;
    }, { timeoutMs: UI_TIMEOUT_MS });
    await offered.click();
    const aliceCountdown = scene.alice.page.locator('.part.statusbar .statusbar-item', { hasText: /Bob is in control.* · 0:[0-3]\d left/ }).first();
    await aliceCountdown.waitFor({ timeout: UI_TIMEOUT_MS });
    const bobCountdown = bobPanel.locator('.control-countdown', { hasText: /^Control ends in 0:[0-3]\d$/ });
    await bobCountdown.waitFor({ timeout: UI_TIMEOUT_MS });
    console.log(`      countdown: Alice's status bar "${(await aliceCountdown.textContent())?.trim()}", Bob's panel "${await bobCountdown.textContent()}"`);
    await waitForChatLine(bobPanel, 'Control ends by itself in 30 seconds.');
    await scene.screenshots('7b. the countdown in Alice\'s status bar and Bob\'s panel');

    // Bob's keys reach the xterm while the time runs.
    await typeIntoXterm('echo timed-$((5*5))');
    await pollUntil('"timed-25" in the xterm on Alice\'s display', () => scene.stack.sharedDisplay.transcript().includes('timed-25'), { timeoutMs: UI_TIMEOUT_MS });

    // At zero the host ends control, as if Alice had pressed ESC; both sides say so.
    await aliceLog.next(CONTROL_ENDED, revokes, 'expired');
    await toolbarButton(bobPanel, 'Take Control').waitFor({ timeout: UI_TIMEOUT_MS });
    await scene.alice.page.locator('.part.statusbar', { hasText: 'Bob is in control' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await waitForChatLine(bobPanel, 'The time allowed for control ran out: control ended.');
    await waitForChatLine(await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL), 'The time allowed for control ran out: control ended.');

    // Bob's keys no longer reach the xterm: Alice's own command, typed after his, shows and his does not.
    await typeIntoXterm('echo late-$((6*9))');
    execFileSync('xdotool', ['type', '--delay', '20', 'echo alice-$((7*7))'], { env: { ...process.env, DISPLAY: scene.stack.sharedDisplay.display } });
    execFileSync('xdotool', ['key', 'Return'], { env: { ...process.env, DISPLAY: scene.stack.sharedDisplay.display } });
    await pollUntil('"alice-49" in the xterm on Alice\'s display', () => scene.stack.sharedDisplay.transcript().includes('alice-49'), { timeoutMs: UI_TIMEOUT_MS });
    assert.ok(!scene.stack.sharedDisplay.transcript().includes('late-54'), "Bob's keys after the time ran out did not reach the xterm");
  });

  it('7c. Alice pauses sharing: Bob sees "Alice paused sharing." over a frozen picture; a window opened meanwhile reaches him only after she resumes', async function () {
    const display = scene.stack.sharedDisplay;
    await scene.alice.runCommand('Remote Assist: Pause Sharing');
    await bobPanel.locator('.paused-veil', { hasText: 'Alice paused sharing.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await scene.alice.page.locator('.part.statusbar', { hasText: 'Sharing paused' }).waitFor({ timeout: UI_TIMEOUT_MS });
    // A yellow window, below the xterm, opened on Alice's display while she is paused.
    const w = { x: Math.round(display.width * 0.05), y: Math.round(display.height * 0.6), width: Math.round(display.width * 0.3), height: Math.round(display.height * 0.22) };
    const yellow = new SpawnedProcess('yellow window', 'xlogo', ['-geometry', `${w.width}x${w.height}+${w.x}+${w.y}`, '-bg', PAUSED_COLOUR.hex, '-fg', PAUSED_COLOUR.hex], {
      logFile: join(RESULTS_DIR, 'logs', 'windows-paused.log'),
      env: { ...process.env, DISPLAY: display.display },
    });
    try {
      await pollUntil("the yellow window on Alice's display", async () => (await displayPixels(PAUSED_COLOUR.value)) >= w.width * w.height * 0.9, { timeoutMs: UI_TIMEOUT_MS });
      // Alice's chat reaches Bob while paused: the connection works, and the picture still is the one from before.
      const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
      await sendChat(aliceChat, 'I paused for a moment.', 'enter');
      await waitForChatLine(bobPanel, 'I paused for a moment.');
      const desktop = bobPanel.locator(REMOTE_DESKTOP);
      for (let look = 0; look < 5; look++) {
        assert.strictEqual(colourFraction(await desktop.screenshot(), PAUSED_COLOUR, 24), 0, `no yellow in Bob's picture while paused (look ${look + 1})`);
        await seesKnownColour(bobPanel);
      }
      await scene.screenshots('7c. paused: Alice has a yellow window Bob does not see');
      await scene.alice.runCommand('Remote Assist: Resume Sharing');
      await waitForChatLine(bobPanel, 'Alice resumed sharing.');
      await bobPanel.locator('.paused-veil').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
      const share = await pollUntil('the yellow window in Bob\'s picture after resuming', async () => {
        const fraction = colourFraction(await desktop.screenshot(), PAUSED_COLOUR, 24);
        return fraction > 0.03 ? fraction : undefined;
      }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500 });
      console.log(`      after resuming the yellow window covers ${(share * 100).toFixed(1)} % of Bob's picture`);
      await scene.screenshots('7c. resumed: Bob sees the yellow window');
    } finally {
      await yellow.stop();
    }
  });
  // ── end issue 15 ──

  // ── issue 16: look here and drawing ──
  it("7d. Bob Alt+clicks on Alice's screen and draws with the Pen: a marker and his stroke appear on her real display, and neither is input", async function () {
    const display = scene.stack.sharedDisplay;
    const probe = await XProbe.open(display.display);
    try {
      await probe.watchButtons();
      const desktop = bobPanel.locator(REMOTE_DESKTOP);
      /** Where a point of Alice's screen is on Bob's page, as his remote desktop shows it now. */
      const toPage = async (sx: number, sy: number) => {
        const box = await desktop.boundingBox();
        assert.ok(box, 'the remote desktop has a size');
        return { x: box.x + (sx / display.width) * box.width, y: box.y + (sy / display.height) * box.height };
      };
      const page = scene.bob.page;
      // Look here: Alt+click on the remote desktop (no control is granted now).
      const [px, py] = [Math.round(display.width * 0.75), Math.round(display.height * 0.72)];
      const point = await toPage(px, py);
      const asked = Date.now();
      await page.keyboard.down('Alt');
      await page.mouse.click(point.x, point.y);
      await page.keyboard.up('Alt');
      await pollUntil("the marker at the point on Alice's display", async () => (await displayPixels(OVERLAY_COLOR, px - 6, py - 6, 12, 12)) >= 36, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 20 });
      console.log(`      marker on Alice's display ${Date.now() - asked} ms after the Alt+click`);
      scene.displayScreenshot(join(RESULTS_DIR, '7d-look-here-marker-display.png'));
      // It pulses: the ring around the point takes different sizes.
      const sizes = new Set<number>();
      await pollUntil('the marker to pulse', async () => {
        sizes.add(await displayPixels(OVERLAY_COLOR, px - 40, py - 40, 80, 80));
        return sizes.size >= 3;
      }, { timeoutMs: 3_000, intervalMs: 20 });
      await pollUntil('the marker to go', async () => (await displayPixels(OVERLAY_COLOR)) === 0, { timeoutMs: UI_TIMEOUT_MS });

      // The Pen: a drag across the remote desktop draws a stroke on Alice's display.
      const pen = bobPanel.locator('.annotation-bar vscode-button[data-annotate="pen"]');
      await pen.click();
      await pollUntil('the Pen to be on', async () => (await pen.getAttribute('aria-pressed')) === 'true', { timeoutMs: UI_TIMEOUT_MS });
      const [x0, x1, sy] = [Math.round(display.width * 0.55), Math.round(display.width * 0.9), Math.round(display.height * 0.85)];
      const from = await toPage(x0, sy);
      const to = await toPage(x1, sy);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 20 });
      await page.mouse.up();
      const length = x1 - x0;
      await pollUntil("the stroke on Alice's display", async () => (await displayPixels(OVERLAY_COLOR, x0, sy - 10, length, 20)) > length * 6, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 50 });
      scene.displayScreenshot(join(RESULTS_DIR, '7d-pen-stroke-display.png'));
      await scene.screenshots("7d. Bob's pen stroke on Alice's display");
      await pen.click();
      await bobPanel.locator('.annotation-bar vscode-button[data-annotate="clear"]').click();
      await pollUntil('no mark after Clear', async () => (await displayPixels(OVERLAY_COLOR)) === 0, { timeoutMs: UI_TIMEOUT_MS });
      // Neither the marker nor the stroke was input: no button press reached Alice's display.
      assert.deepStrictEqual(probe.buttonPresses, [], 'no button press reached the display');
    } finally {
      probe.close();
    }
  });
  // ── end issue 16 ──

  it('8. Send a File both ways: the receiver chooses Save As…, the file arrives intact and both histories say so', async function () {
    // Each side's dialogs open in their Downloads folder (remoteAssist.files.defaultFolder).
    const aliceDownloads = scene.stack.downloads(ALICE);
    const bobDownloads = scene.stack.downloads(BOB);
    const bobsFile = writeRandomFile(join(bobDownloads, 'build-log.txt'), 300_000);
    bobsFileSha256 = bobsFile.sha256;
    await toolbarButton(bobPanel, 'Send a File').click();
    await scene.bob.answerFileDialog('Send a File to Alice', 'Send', 'build-log.txt');
    await scene.alice.clickDialogButton(/Bob wants to send you "build-log.txt" \(300 KB\)/, 'Save As…');
    await scene.alice.answerFileDialog('Save "build-log.txt" from Bob', SAVE_BUTTON);
    const alicesCopy = join(aliceDownloads, 'build-log.txt');
    await waitForChatLine(bobPanel, '"build-log.txt" (300 KB) was sent to Alice; its SHA-256 matched.');
    const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    await waitForChatLine(aliceChat, `"build-log.txt" (300 KB) from Bob was saved to ${alicesCopy}; its SHA-256 matched.`);
    assert.strictEqual(sha256(readFileSync(alicesCopy)), bobsFile.sha256, "Alice's copy is Bob's file");

    const alicesFile = writeRandomFile(join(aliceDownloads, 'core.dump'), 2_500_000);
    await scene.alice.runCommand('Remote Assist: Send a File');
    await scene.alice.answerFileDialog('Send a File to Bob', 'Send', 'core.dump');
    await scene.bob.clickDialogButton(/Alice wants to send you "core.dump" \(2.5 MB\)/, 'Save As…');
    await scene.bob.answerFileDialog('Save "core.dump" from Alice', SAVE_BUTTON);
    const bobsCopy = join(bobDownloads, 'core.dump');
    await waitForChatLine(bobPanel, `"core.dump" (2.5 MB) from Alice was saved to ${bobsCopy}; its SHA-256 matched.`);
    await waitForChatLine(aliceChat, '"core.dump" (2.5 MB) was sent to Bob; its SHA-256 matched.');
    assert.strictEqual(sha256(readFileSync(bobsCopy)), alicesFile.sha256, "Bob's copy is Alice's file");
  });

  it('9. Start Talking: Bob asks, Alice accepts, each hears the other, Bob stops', async function () {
    await toolbarButton(bobPanel, 'Start Talking').click();
    await scene.alice.clickDialogButton('Bob wants to start a voice conversation. Do you want to accept?', 'Accept');
    const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    await waitForChatLine(bobPanel, 'Voice conversation with Alice started.');
    await waitForChatLine(aliceChat, 'Voice conversation with Bob started.');
    // Speech played into each microphone must come out of the other side's speaker.
    const speech = scene.stack.downloads(ALICE);
    const sentenceA = await speak(speech, 'alice', 'The build fails when the cache is cold.');
    const sentenceB = await speak(speech, 'bob', 'Try clearing the cache and run it again.');
    const toBob = await hearSentence(scene.pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(toBob.correlation >= HEARD, `Bob hears Alice (correlation ${toBob.correlation.toFixed(2)}, lag ${toBob.latencyMs.toFixed(0)} ms, ear ${toBob.earDb.toFixed(0)} dBFS)`);
    const toAlice = await hearSentence(scene.pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(toAlice.correlation >= HEARD, `Alice hears Bob (correlation ${toAlice.correlation.toFixed(2)}, lag ${toAlice.latencyMs.toFixed(0)} ms, ear ${toAlice.earDb.toFixed(0)} dBFS)`);
    console.log(`      mouth-to-ear: Alice→Bob ${toBob.latencyMs.toFixed(0)} ms, Bob→Alice ${toAlice.latencyMs.toFixed(0)} ms`);
    await toolbarButton(bobPanel, 'Stop Talking').click();
    await waitForChatLine(bobPanel, 'Voice conversation ended.');
    await waitForChatLine(aliceChat, 'Bob ended the voice conversation.');
  });

  it('10. Bob disconnects: "Disconnected from Alice." on both sides and the host process is gone', async function () {
    await toolbarButton(bobPanel, 'Disconnect').click();
    await bobPanel.locator('.status-line', { hasText: 'Disconnected from Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const aliceChat = await scene.alice.webviewFrame(CHAT_VIEW, 'sidebar chat', PANEL);
    await waitForChatLine(aliceChat, 'Disconnected from Bob.');
    await pollUntil("Alice's host process to exit", () => processesMatching(aliceHostScript()).size === 0, { timeoutMs: UI_TIMEOUT_MS });
  });

  // ── issue 21 (clarity): after Disconnect ──
  it("10a. Bob's panel says the session ended, and the frame is gone from Alice's display", async function () {
    await bobPanel.locator('.phase-card[data-phase="ended"]', { hasText: 'Disconnected from Alice' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.strictEqual(await framePixels(FRAME_COLORS.sharing), 0, 'no green frame');
    assert.strictEqual(await framePixels(FRAME_COLORS.controlling), 0, 'no orange frame');
  });
  // ── end issue 21 ──

  it('10b. Alice exports the session as markdown: who, when, control with its duration, voice, files with SHA-256', async function () {
    await scene.alice.runCommand('Remote Assist: Export Session…');
    const record = scene.alice.page.locator('.editor-instance .view-lines');
    for (const line of ['# Remote Assistance session: Bob helping Alice', '- Helper: Bob', /-\sControl\sgranted\s\d\d:\d\d:\d\d\s–\s\d\d:\d\d:\d\d\s\(/, /-\sVoice\son\s\d\d:\d\d:\d\d\s–\s/, `\`${bobsFileSha256}\``]) {
      await record.filter({ hasText: line }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
  });

  it('11. an invitation link: a wrong password is refused, the right one joins, and it works only once', async function () {
    await scene.alice.runCommand('Remote Assist: Create Invitation Link…');
    const { link, password } = await readInvitationLink(scene.alice);

    await openLink(scene.bob, link, `${password}x`);
    await scene.bob.toast('The invitation password is wrong.');
    // Refused, and nothing changed: Alice is not asked, Bob's panel still shows the ended session.
    assert.strictEqual(await scene.alice.page.locator('.monaco-dialog-box').count(), 0, 'Alice is not asked anything');
    await bobPanel.locator('.status-line', { hasText: 'Disconnected from Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await openLink(scene.bob, link, password);
    await scene.alice.clickDialogButton(/Do you want to let Bob \(\S+\) view your screen/, 'Yes');
    const panel = await scene.bob.webviewFrame(PANEL, 'Remote Assistance panel');
    await panel.locator('.status-line', { hasText: 'Connected to Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await toolbarButton(panel, 'Disconnect').click();
    await panel.locator('.status-line', { hasText: 'Disconnected from Alice.' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await openLink(scene.bob, link, password);
    await scene.bob.toast('This invitation link has already been used.');
    assert.strictEqual(await scene.alice.page.locator('.monaco-dialog-box').count(), 0, 'Alice is not asked again');
  });

  // ── issue 21 (clarity): the sharer says No ──
  it("12. Alice asks for help again but then says No: Bob's panel says so, and nothing was shared", async function () {
    await scene.alice.runCommand('Remote Assist: Ask for Help…');
    await scene.alice.pick('Bob');
    await scene.alice.answerInput('What is wrong?', 'never mind, it works now');
    // No output lines this time; the review is sent as it stands.
    const outputs = scene.alice.quickInput().filter({ hasText: 'the last lines of which output?' });
    await outputs.locator('.quick-input-list .monaco-list-row', { hasText: 'No output' }).first().click();
    const review = scene.alice.quickInput().filter({ hasText: 'attach to the invitation' });
    await review.waitFor({ state: 'visible' });
    await review.locator('.quick-input-box input').press('Enter');
    await review.waitFor({ state: 'hidden' });
    await scene.bob.clickToastButton('Alice is inviting you to start using Remote Assistance. Do you want to Accept (Alt+T) or Decline (Alt+D) the invitation?', 'Accept');
    const panel = await scene.bob.webviewFrame(PANEL, 'Remote Assistance panel');
    await panel.locator('.phase-card[data-phase="waiting"]', { hasText: 'Waiting for Alice to say yes' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await scene.alice.clickDialogButton(/Do you want to let Bob \(\S+\) view your screen/, 'No');
    await panel.locator('.phase-card[data-phase="refused"]', { hasText: 'Alice said no' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.strictEqual(await framePixels(FRAME_COLORS.sharing), 0, "no frame on Alice's display");
    assert.strictEqual(processesMatching(aliceHostScript()).size, 0, 'no host process ran');
  });
  // ── end issue 21 ──

  /** Pixels of the sharing frame's colour on Alice's display, read from her X server. */
  function framePixels(colour: number): Promise<number> {
    return displayPixels(colour);
  }

  /** Pixels of one colour in a rectangle of Alice's display (the whole screen by default), read from her X server. */
  async function displayPixels(colour: number, left = 0, top = 0, width = scene.stack.sharedDisplay.width, height = scene.stack.sharedDisplay.height): Promise<number> {
    const x = await X11Display.connect(scene.stack.sharedDisplay.display);
    try {
      return countColour(await screenImage(x, width, height, left, top), colour);
    } finally {
      x.dispose();
    }
  }

  /** Bob asks for control and Alice answers `answer`; resolves once both sides show it granted. */
  async function grantControl(answer: string): Promise<void> {
    await toolbarButton(bobPanel, 'Take Control').click();
    await scene.alice.clickDialogButton(/would like to share control/, answer);
    await toolbarButton(bobPanel, 'Stop Control').waitFor({ timeout: UI_TIMEOUT_MS });
    await scene.alice.page.locator('.part.statusbar', { hasText: 'Bob is in control' }).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Bob clicks into the xterm as he sees it and types a command line (focus follows the pointer on Alice's display). */
  async function typeIntoXterm(line: string): Promise<void> {
    const display = scene.stack.sharedDisplay;
    const desktop = bobPanel.locator(REMOTE_DESKTOP);
    const box = await desktop.boundingBox();
    assert.ok(box, 'the remote desktop has a size');
    const xterm = display.layout.xterm;
    await desktop.click({ position: { x: ((xterm.x + xterm.width / 2) / display.width) * box.width, y: ((xterm.y + xterm.height / 2) / display.height) * box.height } });
    await bobPanel.page().keyboard.type(line, { delay: 40 });
    await bobPanel.page().keyboard.press('Enter');
  }
});

/** The host's line in Alice's log when control ends: "host: control ended (reason)". */
const CONTROL_ENDED = /host: control ended \((\w+)\)/;
/** A colour nothing else on Alice's display or in the workbenches has: the window opened while paused. */
const PAUSED_COLOUR = { r: 255, g: 255, b: 0, hex: '#ffff00', value: 0xffff00 } as const;

/**
 * Runs `action` and returns when the browser dispatched its `type` event in `frame` (ms since the epoch, the
 * clock the logs use): the moment of the click or key press itself, without the driver's own time.
 */
async function stamped(frame: Frame, type: 'click' | 'keydown', action: () => Promise<void>, key?: string): Promise<number> {
  // Page code as text: the test runner's transform would add helpers to a function that the page lacks.
  await frame.evaluate(`(() => {
    window.raStamp = undefined;
    const listener = (e) => {
      if (${JSON.stringify(key ?? '')} && e.key !== ${JSON.stringify(key ?? '')}) return;
      window.raStamp = Date.now();
      window.removeEventListener(${JSON.stringify(type)}, listener, true);
    };
    window.addEventListener(${JSON.stringify(type)}, listener, true);
  })()`);
  const before = Date.now();
  await action();
  const at = await frame.evaluate(() => (window as unknown as { raStamp?: number }).raStamp);
  return at ?? before;
}

/** Alice's remote settings.json (machine-scoped settings live there in code-server), with one setting changed. */
function setMachineSetting(userDataDir: string, key: string, value: unknown): void {
  const file = join(userDataDir, 'Machine', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, [key]: value }, null, 2));
}

function rgb(colour: number): { r: number; g: number; b: number } {
  return { r: (colour >> 16) & 0xff, g: (colour >> 8) & 0xff, b: colour & 0xff };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function writeRandomFile(path: string, size: number): { path: string; sha256: string } {
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return { path, sha256: sha256(bytes) };
}

async function signIn(wb: Workbench, alias: string): Promise<void> {
  await wb.runCommand('Remote Assist: Sign In…');
  await wb.answerInput('Your alias on', alias);
  await wb.openActivity('Assistance');
  await wb.view('Contacts');
}

/** The label of the button that has the keyboard focus in `dialog` (the one Enter presses). */
async function focusedButton(dialog: Locator): Promise<string | undefined> {
  return dialog.locator('.dialog-buttons .monaco-button').evaluateAll((buttons) => buttons.find((b) => b === document.activeElement)?.textContent?.trim());
}

function toolbarButton(panel: Frame, label: string) {
  return panel.locator(`.toolbar vscode-button[aria-label="${label}"]`);
}

async function sendChat(frame: Frame, text: string, how: 'enter' | 'button'): Promise<void> {
  const pane = frame.locator(CHAT_VIEW).first();
  const field = pane.locator('vscode-text-field.chat-input');
  await pollUntil('the chat box to be enabled', async () => (await field.getAttribute('disabled')) === null, { timeoutMs: UI_TIMEOUT_MS });
  await field.click();
  await frame.page().keyboard.type(text);
  if (how === 'enter') await frame.page().keyboard.press('Enter');
  else await pane.locator('vscode-button.chat-send').click();
  await waitForChatLine(frame, text);
}

/** VS Code's "Reload Window" as the browser does it: the page reloads, the workbench and its extension host start again. */
async function reloadWindow(wb: Workbench): Promise<void> {
  await wb.page.reload({ waitUntil: 'domcontentloaded' });
  await wb.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 120_000 });
}

/** The known-colour window of Alice's display shows in Bob's rendered remote desktop. */
async function seesKnownColour(panel: Frame): Promise<void> {
  const desktop = panel.locator(REMOTE_DESKTOP);
  await pollUntil('the known-colour window in the rendered remote desktop', async () => colourFraction(await desktop.screenshot(), KNOWN_COLOUR) > 0.05, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 1000 });
}

async function waitForChatLine(frame: Frame, text: string): Promise<void> {
  await frame.locator('.chat-history li', { hasText: text }).first().waitFor({ timeout: UI_TIMEOUT_MS });
}

/**
 * Alice turns on "Allow Remote Control" in her Remote settings (the setting is machine-scoped). The settings editor
 * filters a moment after typing and renders its rows again: the checkbox is found by its setting's label once the
 * search has settled on that one setting, or a click could land on another row or on one being replaced.
 */
async function enableRemoteControl(wb: Workbench): Promise<void> {
  await wb.runCommand('Preferences: Open Remote Settings');
  const search = wb.page.locator('.settings-editor .suggest-input-container textarea, .settings-editor .settings-header input').first();
  await search.waitFor({ state: 'visible' });
  await search.fill('remoteAssist.allowRemoteControl');
  await wb.page.locator('.settings-editor .settings-count-widget', { hasText: '1 Setting Found' }).waitFor({ state: 'visible' });
  const row = wb.page.locator('.settings-editor .setting-item-bool').filter({ has: wb.page.locator('.setting-item-label', { hasText: /^Allow Remote Control$/ }) });
  const checkbox = row.locator('.setting-value-checkbox');
  await checkbox.waitFor({ state: 'visible' });
  if ((await checkbox.getAttribute('aria-checked')) !== 'true') await checkbox.click();
  await pollUntil('the setting to be saved', async () => (await checkbox.getAttribute('aria-checked')) === 'true', { timeoutMs: UI_TIMEOUT_MS });
}

/** The link and password from the modal Alice sees after "Create Invitation Link…". */
async function readInvitationLink(wb: Workbench): Promise<{ link: string; password: string }> {
  const dialog = await wb.dialog('Your Remote Assistance invitation is ready.');
  const text = await dialog.innerText();
  const link = /Link: (\S+)/.exec(text)?.[1];
  const password = /Password: (\S+)/.exec(text)?.[1];
  if (!link || !password) throw new PollAborted(`no link and password in: ${text}`);
  await dialog.getByRole('button', { name: 'Copy Link and Password' }).click();
  await dialog.waitFor({ state: 'hidden' });
  return { link, password };
}

async function openLink(wb: Workbench, link: string, password: string): Promise<void> {
  await wb.runCommand('Remote Assist: Open Invitation Link…');
  await wb.answerInput('Paste the Remote Assistance invitation link you received.', link);
  await wb.answerInput("The invitation's password", password);
}
