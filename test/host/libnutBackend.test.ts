/**
 * The cross-platform backend (libnut capture and input, uiohook's local-ESC watcher: what Windows and macOS
 * use) exercised on X11, where both libraries run too: the screen reaches the viewer, changes are noticed
 * without DAMAGE, and control works as with XTEST — typing into an xterm whose input lands in a file, clicks,
 * the wheel, held keys released, and ESC on the sharer's keyboard ending control.
 */
import * as assert from 'assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { near, TEST_QUALITY, TestDisplay, TestSession } from './support/session';
import { until } from './support/poll';
import { helperEscapeThenSharerEscape } from './support/escapeScenario';
import { XProbe } from './support/xprobe';

describe('host: libnut backend (libnut capture and input, uiohook ESC)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let session: TestSession;
  let probe: XProbe;
  let dir: string;
  let typed: string;

  const read = () => (existsSync(typed) ? readFileSync(typed, 'latin1') : '');
  const page = () => session.viewer.page;
  const lastControl = () => session.record.controls.at(-1);

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), 'ra-libnut-input-'));
    typed = path.join(dir, 'typed.txt');
    display = await TestDisplay.start(1280, 720);
    await display.xterm(['-geometry', '60x20+100+100', '-bg', '#00c800', '-fg', '#00c800'], 'green');
    // The terminal writes each line typed into it to a file we read back.
    await display.xterm(['-geometry', '40x5+700+0', '-e', 'sh', '-c', `cat > ${typed}`], 'typing');
    probe = await XProbe.open(display.x.display);
    await display.run('xsetroot', ['-solid', '#2040c0']);
    session = await TestSession.open(display, TEST_QUALITY, { REMOTE_ASSIST_CAPTURE: 'libnut' });
  });

  after(async function () {
    await session?.close();
    probe?.close();
    await display?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the screen and its changes', async function () {
    await until('the green window', async () => near(await session.color(150, 150, 60, 60), [0, 200, 0]));
    await until('the blue desktop', async () => near(await session.color(900, 550, 40, 40), [0x20, 0x40, 0xc0]));
    await display.run('xsetroot', ['-solid', '#d02020']);
    await until('the change, found by comparing frames', async () => near(await session.color(900, 550, 40, 40), [0xd0, 0x20, 0x20]), 5000);
  });

  it('draws a cursor where the pointer is', async function () {
    await display.run('xdotool', ['mousemove', '500', '300']);
    await until('the arrow overlay at the pointer', async () => {
      const box = await session.viewer.page.evaluate(() => {
        const c = document.querySelector('.ra-cursor') as HTMLCanvasElement;
        const r = c.getBoundingClientRect();
        return c.style.display === 'none' ? undefined : { x: r.left, y: r.top };
      });
      return box?.x === 500 && box.y === 300;
    });
  });

  it('applies nothing before control is granted', async function () {
    await page().evaluate(() => window.remoteAssist.setKeyboardCapture(true));
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(800, 40, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await page().keyboard.type('not granted\n');
    assert.notDeepStrictEqual(await probe.pointer(), { x: 800, y: 40, buttons: 0 });
    assert.deepStrictEqual(session.record.controls, []);
  });

  it('types letters, capitals, digits and unshifted symbols once control is granted', async function () {
    const before = session.record.controlRequests;
    await page().evaluate(() => window.remoteAssist.requestControl());
    await until('the control request to reach the extension', () => session.record.controlRequests > before);
    session.supervisor.grantControl();
    await until('control granted', () => lastControl()?.granted === true);
    // focus follows the pointer (no window manager): point at the typing terminal through the viewer
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(800, 40, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await until('the X pointer over the xterm', async () => {
      const at = await probe.pointer();
      return at.x === 800 && at.y === 40;
    });
    // libnut's X11 typeString presses Shift for capitals only, so shifted symbols and characters the keymap
    // lacks are not typed here (XTEST's X11Input types them); on Windows and macOS it types Unicode directly.
    const text = 'Hello, World -=[];\',./` 0123456789';
    await page().keyboard.type(`${text}\n`);
    await until('the typed line in the file', () => read().endsWith(`${text}\n`), 20_000, 50, read);
    assert.strictEqual(read(), `${text}\n`, 'nothing typed before the grant');
  });

  it('clicks and scrolls through the viewer, leaving no button held', async function () {
    await probe.watchButtons();
    probe.buttonPresses.length = 0;
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(800, 40, 1280, 720));
    await page().mouse.down();
    await until('button 1 down on the display', async () => ((await probe.pointer()).buttons & 1) === 1);
    await page().mouse.up();
    await until('button 1 up on the display', async () => ((await probe.pointer()).buttons & 1) === 0);
    await page().mouse.move(p.x, p.y);
    await page().mouse.wheel(0, 200);
    await until('two notches down (button 5)', () => probe.buttonPresses.filter((b) => b === 5).length === 2, 20_000, 50, () => String(probe.buttonPresses));
    await page().mouse.wheel(0, -100);
    await until('one notch up (button 4)', () => probe.buttonPresses.filter((b) => b === 4).length === 1, 20_000, 50, () => String(probe.buttonPresses));
    assert.strictEqual(probe.buttonPresses.filter((b) => b === 1).length, 1);
  });

  it("does not revoke on the helper's ESC; the sharer's ESC ends control and releases held keys", async function () {
    await helperEscapeThenSharerEscape({ session, display, probe, read });
    await page().keyboard.type('after revoke\n');
    await display.run('xdotool', ['type', 'local']);
    await display.run('xdotool', ['key', 'Return']);
    await until('the local line', () => read().endsWith('local\n'), 20_000, 50, read);
    assert.ok(!read().includes('after revoke'));
  });
});
