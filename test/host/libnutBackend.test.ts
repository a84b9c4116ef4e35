/**
 * The cross-platform backend (libnut, what Windows and macOS use) exercised on X11, where it can run here:
 * the screen reaches the viewer, changes are noticed without DAMAGE, and control is refused clearly.
 */
import * as assert from 'assert';
import { near, TEST_QUALITY, TestDisplay, TestSession } from './support/session';
import { until } from './support/poll';

describe('host: libnut backend (view only)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let session: TestSession;

  before(async function () {
    display = await TestDisplay.start(1280, 720);
    await display.xterm(['-geometry', '60x20+100+100', '-bg', '#00c800', '-fg', '#00c800'], 'green');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    session = await TestSession.open(display, TEST_QUALITY, { REMOTE_ASSIST_CAPTURE: 'libnut' });
  });

  after(async function () {
    await session?.close();
    await display?.close();
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

  it('refuses remote control clearly', async function () {
    session.supervisor.grantControl();
    await until('the refusal', () => session.record.errors.some((e) => e.code === 'ERR_PLATFORM_UNSUPPORTED'));
    assert.match(session.record.errors.find((e) => e.code === 'ERR_PLATFORM_UNSUPPORTED')?.message ?? '', /not supported on this system yet/);
    assert.deepStrictEqual(session.record.controls, []);
    assert.strictEqual(session.record.exited, false);
  });
});
