/** The sharer's screen reaches a real Chromium viewer over real WebRTC: known colours, then a change. */
import * as assert from 'assert';
import { near, TestDisplay, TestSession } from './support/session';
import { until } from './support/poll';

describe('host: screen to viewer (Xvfb → host → WebRTC → Chromium)', function () {
  this.timeout(90_000);
  let display: TestDisplay;
  let session: TestSession;

  before(async function () {
    display = await TestDisplay.start(1280, 720);
    // A window of a known colour: an xterm with a green background at a known place. It also keeps a
    // client connected, so Xvfb does not reset the root background set next.
    await display.xterm(['-geometry', '60x20+100+100', '-bg', '#00c800', '-fg', '#00c800'], 'greenwindow');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    session = await TestSession.open(display);
  });

  after(async function () {
    await session?.close();
    await display?.close();
  });

  it('shows the desktop and a window of known colour at the right place', async function () {
    let seen: number[] = [];
    const background = await until('the blue root window in the viewer', async () => {
      const c = (seen = await session.color(900, 550, 40, 40));
      return near(c, [0x20, 0x40, 0xc0]) && c;
    }, 20_000, 50, () => String(seen));
    const windowColor = await until('the green xterm in the viewer', async () => {
      const c = (seen = await session.color(150, 150, 60, 60));
      return near(c, [0, 200, 0]) && c;
    }, 20_000, 50, () => String(seen));
    assert.ok(near(background, [0x20, 0x40, 0xc0]), `background ${background}`);
    assert.ok(near(windowColor, [0, 200, 0]), `window ${windowColor}`);
  });

  it('shows a change on the display within a bounded time', async function () {
    const started = Date.now();
    await display.run('xsetroot', ['-solid', '#d02020']);
    const c = await until('the root turning red in the viewer', async () => {
      const color = await session.color(900, 550, 40, 40);
      return near(color, [0xd0, 0x20, 0x20]) && color;
    }, 5000, 20);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5000, `change took ${elapsed} ms`);
    assert.ok(near(c, [0xd0, 0x20, 0x20]));
    // The green window stayed where it was.
    assert.ok(near(await session.color(150, 150, 60, 60), [0, 200, 0]));
  });

  it('runs under a strict content security policy without page errors', async function () {
    assert.deepStrictEqual(session.viewer.problems, []);
  });
});
