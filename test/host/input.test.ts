/**
 * Control as a user would exercise it: the helper types in a Chromium viewer and the text appears in an
 * xterm on the sharer's display — only while the sharer granted control; ESC on the sharer's keyboard ends it.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { TestDisplay, TestSession } from './support/session';
import { until } from './support/poll';
import { helperEscapeThenSharerEscape } from './support/escapeScenario';
import { XProbe } from './support/xprobe';

describe('host: control (viewer keyboard and mouse → XTEST, gated)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let session: TestSession;
  let probe: XProbe;
  let dir: string;
  let typed: string;

  const read = () => (existsSync(typed) ? readFileSync(typed, 'latin1') : '');
  const page = () => session.viewer.page;
  const lastControl = () => session.record.controls.at(-1);

  async function viewerControl(granted: boolean): Promise<void> {
    await until(`viewer to see control ${granted ? 'granted' : 'revoked'}`, async () => {
      const events = await session.viewerEvents('control');
      return events.at(-1)?.granted === granted;
    });
  }

  async function grant(): Promise<void> {
    const before = session.record.controlRequests;
    await page().evaluate(() => window.remoteAssist.requestControl());
    // The extension's part: the request arrives, the sharer consents, the extension grants.
    await until('the control request to reach the extension', () => session.record.controlRequests > before);
    session.supervisor.grantControl();
    await until('control granted', () => lastControl()?.granted === true);
    await viewerControl(true);
  }

  /** Points at the xterm through the viewer (focus follows the pointer without a window manager). */
  async function pointAtTerminal(): Promise<void> {
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(200, 60, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await until('the X pointer over the xterm', async () => {
      const at = await probe.pointer();
      return Math.abs(at.x - 200) <= 1 && Math.abs(at.y - 60) <= 1;
    });
  }

  /** Moves the viewer down by `px` without resizing it, as a page layout change would. */
  async function shiftViewer(px: number): Promise<void> {
    await page().evaluate((px) => {
      const screen = document.getElementById('screen')!;
      screen.style.top = `${px}px`;
      screen.style.bottom = `${-px}px`;
    }, px);
  }

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), 'ra-host-input-'));
    typed = path.join(dir, 'typed.txt');
    display = await TestDisplay.start(1280, 720);
    // The terminal writes each line typed into it to a file we read back.
    await display.xterm(['-geometry', '80x12+0+0', '-e', 'sh', '-c', `cat > ${typed}`], 'typing');
    probe = await XProbe.open(display.x.display);
    session = await TestSession.open(display);
    await page().evaluate(() => window.remoteAssist.setKeyboardCapture(true));
  });

  after(async function () {
    await session?.close();
    probe?.close();
    await display?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('types nothing and moves nothing before control is granted', async function () {
    const pointerBefore = await probe.pointer();
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(300, 80, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await page().keyboard.type('not granted\n');
    // A later, granted line proves the terminal was reading all along; the first line never arrived.
    await grant();
    await pointAtTerminal();
    await page().keyboard.type('first\n');
    await until('the granted line in the file', () => read().includes('first\n'), 20_000, 50, read);
    assert.strictEqual(read(), 'first\n');
    assert.notDeepStrictEqual(pointerBefore, { x: 300, y: 80 });
  });

  it('types text exactly as typed, shifted symbols included', async function () {
    const text = 'Hello, World! ~`@#$%^&*()_+-={}[]|\\:";\'<>?,./ 0123456789';
    await page().keyboard.type(`${text}\n`);
    await until('the typed line in the file', () => read().endsWith(`${text}\n`), 20_000, 50, read);
  });

  it('a key held past the autorepeat delay types once: the helper\'s browser repeats, not the sharer\'s X server', async function () {
    assert.match(execFileSync('xset', ['q'], { env: { ...process.env, DISPLAY: display.x.display }, encoding: 'utf8' }), /auto repeat:\s+on/);
    // Shift+' is ", and X would repeat the bare ' once Shift is lifted: the slow key-up of a busy link.
    await page().keyboard.down('"');
    await new Promise((r) => setTimeout(r, 1200)); // the user holds the key (X's default delay: 660 ms)
    await page().keyboard.up('"');
    await page().keyboard.type('!\n');
    await until('the held line in the file', () => read().endsWith('!\n'), 20_000, 50, read);
    assert.strictEqual(read().split('\n').at(-2), '"!');
    // What the helper's keyboard repeats does repeat: a held key's second keydown (repeat: true) types again.
    await page().keyboard.down('"');
    await page().keyboard.down('"');
    await page().keyboard.up('"');
    await page().keyboard.type('\n');
    await until('the repeated line in the file', () => read().split('\n').length >= 2 && read().endsWith('\n') && read().split('\n').at(-2) !== '"!', 20_000, 50, read);
    assert.strictEqual(read().split('\n').at(-2), '""');
    // The sharer's own keys still repeat afterwards.
    assert.match(execFileSync('xset', ['q'], { env: { ...process.env, DISPLAY: display.x.display }, encoding: 'utf8' }), /auto repeat:\s+on/);
  });

  it('types characters the sharer keymap lacks, and AltGr characters from another layout', async function () {
    // A helper on a French/German keyboard: the browser reports the character in `key`.
    const keys = [['é', 'Digit2'], ['€', 'KeyE'], ['@', 'KeyQ'], ['ß', 'Minus'], ['Enter', 'Enter']];
    // A plain script (not a transpiled function) so the test runner's helpers do not leak into the page.
    await page().evaluate(`(() => {
      const target = document.querySelector('.ra-viewer');
      for (const [key, code] of ${JSON.stringify(keys)}) {
        for (const type of ['keydown', 'keyup']) target.dispatchEvent(new KeyboardEvent(type, { key, code, bubbles: true, cancelable: true }));
      }
    })()`);
    const expected = Buffer.from('é€@ß\n', 'utf8').toString('latin1');
    await until('the non-US characters in the file', () => read().endsWith(expected), 20_000, 50, read);
  });

  it('clicks through the viewer and leaves no button held', async function () {
    await pointAtTerminal();
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(200, 60, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await page().mouse.down();
    await until('button 1 down on the display', async () => ((await probe.pointer()).buttons & 1) === 1);
    await page().mouse.up();
    await until('button 1 up on the display', async () => ((await probe.pointer()).buttons & 1) === 0);
  });

  it('scrolls with the wheel, one X button click per notch', async function () {
    await probe.watchButtons();
    await pointAtTerminal();
    await page().mouse.wheel(0, 300);
    await until('three notches down (button 5)', () => probe.buttonPresses.filter((b) => b === 5).length === 3, 20_000, 50, () => String(probe.buttonPresses));
    await page().mouse.wheel(0, -100);
    await until('one notch up (button 4)', () => probe.buttonPresses.filter((b) => b === 4).length === 1, 20_000, 50, () => String(probe.buttonPresses));
    // Each notch is a press and its release; the probe may look between the two, so it waits for the release.
    await until('no button held after the wheel', async () => (await probe.pointer()).buttons === 0);
  });

  it('turns one click in the viewer into exactly one X button press', async function () {
    await probe.watchButtons();
    await pointAtTerminal();
    probe.buttonPresses.length = 0;
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(200, 60, 1280, 720));
    await page().mouse.click(p.x, p.y);
    // A wheel notch after the click travels the same ordered channel: once it lands, every press of the click has.
    await page().mouse.wheel(0, 100);
    await until('the wheel notch after the click', () => probe.buttonPresses.includes(5), 20_000, 50, () => String(probe.buttonPresses));
    assert.deepStrictEqual(probe.buttonPresses, [1, 5]);
  });

  it('releases where it pressed when the layout shifts under a still pointer (no drag, so no xterm selection)', async function () {
    // A terminal of its own (xterm would take a click soon after the other tests' for a double click): 40 lines
    // of text, then it echoes what is typed on its last row.
    await display.xterm(['-geometry', '60x20+640+360', '-e', 'sh', '-c', 'yes "some selectable text" | head -40; exec cat'], 'selecting');
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(900, 500, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await until('the X pointer at the click point', async () => (await probe.pointer()).y === 500);
    probe.buttonPresses.length = 0;
    await page().mouse.down();
    await until('button 1 down on the display', async () => ((await probe.pointer()).buttons & 1) === 1);
    // The panel does this on a first click: focus changes its header text, which wraps and moves the desktop down.
    await shiftViewer(24);
    await page().mouse.up();
    await until('button 1 up on the display', async () => ((await probe.pointer()).buttons & 1) === 0);
    const at = await probe.pointer();
    // Released 24 px higher, xterm would select (highlight) the full-width lines in between.
    assert.deepStrictEqual([at.x, at.y, probe.buttonPresses], [900, 500, [1]], 'a click released where it was pressed');
    // Typed after the click, "zzz" echoes once xterm has handled the click; then any highlight would be drawn.
    await page().keyboard.type('zzz');
    await until('the echo on the last row', async () => (await probe.darkPixels(648, 610, 12, 13)) > 4, 20_000, 50);
    assert.strictEqual(await probe.darkPixels(850, 478, 140, 30), 0, 'no highlighted line right of the text');
    // The pointer's next real move maps through the new layout.
    await page().mouse.move(p.x, p.y + 10);
    await until('the pointer to follow the new layout', async () => (await probe.pointer()).y === 500 + 10 - 24);
    await shiftViewer(0);
    await pointAtTerminal();
  });

  it("does not revoke on the helper's own ESC, but does on the sharer's", async function () {
    await helperEscapeThenSharerEscape({ session, display, probe, read });
    await viewerControl(false);
    // The sharer's ESC still reached their application (it was not stolen).
    await display.run('xdotool', ['type', 'y']);
    await display.run('xdotool', ['key', 'Return']);
    await until('the local ESC line', () => read().endsWith('\x1by\n'), 20_000, 50, read);
  });

  it('drops viewer input after revocation', async function () {
    await page().keyboard.type('after revoke\n');
    await display.run('xdotool', ['type', 'local']);
    await display.run('xdotool', ['key', 'Return']);
    await until('the local line', () => read().endsWith('local\n'), 20_000, 50, read);
    assert.ok(!read().includes('after revoke'));
  });
});
