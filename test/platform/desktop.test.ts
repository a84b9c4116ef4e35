/**
 * The Windows/macOS control path on whatever desktop this machine has — a private Xvfb display on Linux, the
 * runner's own desktop on GitHub's Windows and macOS runners (.github/workflows/platforms.yml): libnut captures
 * the screen, the ControlGate lets input through only once granted, libnut moves the real pointer and presses
 * real keys (seen by the system-wide hook), and uiohook's ESC watcher ignores the helper's ESC but ends control
 * on an ESC from another process, as the sharer's own keyboard would.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import { promisify } from 'util';
import { loadLibnut, LibnutCapture } from '../../src/host/capture/LibnutCapture';
import { ControlGate } from '../../src/host/ControlGate';
import { LibnutControl, LibnutInput } from '../../src/host/input/LibnutInput';
import { loadUiohook, UiohookEscapeWatcher } from '../../src/host/input/UiohookEscapeWatcher';
import { pollUntil } from '../../scripts/stack/poll';

const WAIT = { timeoutMs: 20_000, intervalMs: 20 };
import { startXvfb, XDisplay } from '../support/xvfb';

const run = promisify(execFile);

describe(`platform (${process.platform}): libnut capture, ControlGate, libnut input, uiohook ESC`, function () {
  this.timeout(60_000);
  let xvfb: XDisplay | undefined;
  let previousDisplay: string | undefined;
  let capture: LibnutCapture;
  let input: LibnutInput;
  let escape: UiohookEscapeWatcher;
  let gate: ControlGate;
  const escapes: number[] = [];
  const keys: number[] = [];
  const hook = () => loadUiohook();

  before(async function () {
    if (process.platform === 'linux') {
      // libnut and uiohook keep their X connections for the life of this process, and Xlib ends a process
      // whose connection breaks: the display ends itself once this process (its last client) has gone
      xvfb = await startXvfb(1280, 720, ['-terminate']);
      previousDisplay = process.env.DISPLAY;
      process.env.DISPLAY = xvfb.display;
    }
    const libnut = loadLibnut();
    capture = LibnutCapture.open(libnut);
    input = new LibnutInput(libnut as unknown as LibnutControl, capture.density);
    escape = new UiohookEscapeWatcher(hook(), input);
    gate = new ControlGate(input, capture.region);
    // wired as HostSession wires them
    gate.onDidChange(({ granted }) => (granted ? escape.start() : escape.stop()));
    escape.onEscape(() => gate.revoke('localEscape'));
    hook().uIOhook.on('keydown', (e) => (e.keycode === hook().UiohookKey.Escape ? escapes : keys).push(e.keycode));
  });

  after(async function () {
    escape?.dispose();
    input?.dispose();
    capture?.dispose();
    if (!xvfb) return;
    if (previousDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = previousDisplay;
    // no client ever connected (the capture failed to open): -terminate would never fire
    if (!capture) await xvfb.stop();
  });

  it('captures the whole screen', async function () {
    const { width, height } = capture.region;
    assert.ok(width >= 640 && height >= 480, `${width}x${height}`);
    if (xvfb) assert.deepStrictEqual([width, height], [1280, 720]);
    assert.strictEqual((await capture.grab()).length, width * height * 4);
  });

  it('moves the pointer only once control is granted', async function () {
    const libnut = loadLibnut();
    const at = (x: number, y: number) => ({ x: Math.round(x / capture.density), y: Math.round(y / capture.density) });
    const before = libnut.getMousePos();
    const target = before.x === at(200, 150).x ? [300, 250] : [200, 150];
    assert.strictEqual(gate.handle({ type: 'pointerMove', x: target[0], y: target[1] }), false);
    assert.deepStrictEqual(libnut.getMousePos(), before);
    gate.grant();
    assert.strictEqual(gate.handle({ type: 'pointerMove', x: target[0], y: target[1] }), true);
    await pollUntil('the pointer at the target', async () => {
      const p = libnut.getMousePos();
      return p.x === at(target[0], target[1]).x && p.y === at(target[0], target[1]).y;
    }, WAIT);
  });

  it("presses real keys: the system-wide hook sees them, and the helper's ESC does not end control", async function () {
    const { UiohookKey } = hook() as unknown as { UiohookKey: Record<string, number> };
    for (const down of [true, false]) gate.handle({ type: 'key', code: 'KeyQ', key: 'q', down });
    await pollUntil('the hook to see Q', async () => keys.includes(UiohookKey.Q), WAIT);
    for (const down of [true, false]) gate.handle({ type: 'key', code: 'Escape', key: 'Escape', down });
    await pollUntil("the hook to see the helper's ESC", async () => escapes.length === 1, WAIT);
    assert.strictEqual(gate.granted, true);
  });

  it('ends control on an ESC from outside the session and releases what the helper held', async function () {
    gate.handle({ type: 'key', code: 'ShiftLeft', key: 'Shift', down: true });
    assert.strictEqual(input.holding, true);
    // another process presses ESC, as the sharer's own keyboard would
    await run(process.execPath, ['-e', "require('@nut-tree-fork/libnut/dist/import_libnut').libnut.keyTap('escape')"], { env: process.env });
    await pollUntil('control to end', async () => !gate.granted, WAIT);
    assert.strictEqual(input.holding, false);
    assert.strictEqual(gate.handle({ type: 'pointerMove', x: 10, y: 10 }), false);
  });
});
