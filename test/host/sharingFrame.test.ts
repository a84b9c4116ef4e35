/**
 * The sharing frame, through the real host process on a real Xvfb display: its pixels are on the X
 * screen while pixels are sent (green, orange while the helper controls), never in the helper's picture
 * (regions and video), it stays above windows mapped later, clicks fall through it to the window below,
 * and it is gone after Disconnect and after the host process dies.
 */
import * as assert from 'assert';
import { X11Display } from '../../src/host/x11/X11Display';
import { FRAME_COLORS, frameStrips } from '../../src/host/x11/X11SharingFrame';
import { until } from './support/poll';
import { countColour, screenImage } from './support/screenImage';
import { near, TestDisplay, TestSession } from './support/session';
import { clickTarget, destroyWindow, mapWindow } from './support/testWindows';

const WIDTH = 1280;
const HEIGHT = 800;
const GREEN = FRAME_COLORS.sharing;
const ORANGE = FRAME_COLORS.controlling;
/** Pixels the frame covers: four 4-pixel strips inside the screen's edges. */
const FRAME_AREA = frameStrips(WIDTH, HEIGHT).reduce((sum, [, , w, h]) => sum + w * h, 0);
/** A window under the frame's top-left corner that records the clicks it receives. */
const TARGET = { x: 0, y: 0, width: 400, height: 400, color: 0xd0d0d0 };

/** Pixels of a colour on the X server's root window (what `xwd -root` would show), read from the server itself. */
async function rootPixels(x: X11Display, rgb: number): Promise<number> {
  return countColour(await screenImage(x, WIDTH, HEIGHT), rgb);
}

/** Pixels near a colour in the helper's regions picture (the canvas, exact), over the whole screen. */
async function viewerPixels(session: TestSession, rgb: number): Promise<number> {
  const base64 = await session.viewer.page.evaluate(([w, h]) => window.remoteAssist.canvasPixels(0, 0, w, h), [WIDTH, HEIGHT] as const);
  const data = Buffer.from(base64, 'base64');
  const want = [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
  let count = 0;
  for (let i = 0; i + 3 < data.length; i += 4) if (near([data[i], data[i + 1], data[i + 2]], want, 24)) count++;
  return count;
}

describe('host: the sharing frame on the sharer screen', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let x: X11Display;
  let clicks: { x: number; y: number }[] = [];

  before(async function () {
    display = await TestDisplay.start(WIDTH, HEIGHT);
    // Connected first: Xvfb resets (and forgets the background) when its last client leaves.
    x = await X11Display.connect(display.x.display);
    await display.run('xsetroot', ['-solid', '#2040c0']);
    clicks = clickTarget(x, TARGET);
    await until('the target window on screen', async () => (await rootPixels(x, TARGET.color)) === TARGET.width * TARGET.height);
  });

  after(async function () {
    x?.dispose();
    await display?.close();
  });

  describe('regions path', function () {
    let session: TestSession;
    const page = () => session.viewer.page;

    before(async function () {
      assert.strictEqual(await rootPixels(x, GREEN), 0, 'no frame before sharing');
      session = await TestSession.open(display);
      await until('the regions canvas in the viewer', () => page().evaluate(() => window.remoteAssist.showsCanvas()));
    });

    after(async function () {
      await session?.close();
    });

    it('draws a green frame around the screen while sharing, and none of it reaches the helper', async function () {
      await until('the whole frame on the X display', async () => (await rootPixels(x, GREEN)) === FRAME_AREA, 20_000, 50, () => `expected ${FRAME_AREA}`);
      // The picture is real (the target window and the desktop show) and its edges are black, not green.
      await until('the target window in the helper picture', async () => near(await session.color(200, 200, 40, 40), [0xd0, 0xd0, 0xd0]));
      const desktop = await session.color(600, 600, 40, 40);
      assert.ok(near(desktop, [0x20, 0x40, 0xc0]), `the desktop shows ${desktop}`);
      assert.ok(near(await session.color(0, 300, 4, 200), [0, 0, 0], 8), 'the left strip is black in the picture');
      const inPicture = await viewerPixels(session, GREEN);
      console.log(`      frame: ${FRAME_AREA} px = ${((FRAME_AREA / (WIDTH * HEIGHT)) * 100).toFixed(2)} % of ${WIDTH}x${HEIGHT} on the display; ${inPicture} px (${((inPicture / (WIDTH * HEIGHT)) * 100).toFixed(2)} %) in the helper picture`);
      assert.strictEqual(inPicture, 0);
    });

    it('stays on top when another window is mapped over it', async function () {
      const cover = mapWindow(x, { x: 0, y: 500, width: 300, height: 200, color: 0x808080 });
      await until('the grey window on screen', async () => (await rootPixels(x, 0x808080)) > 0);
      await until('the whole frame on top again', async () => (await rootPixels(x, GREEN)) === FRAME_AREA);
      destroyWindow(x, cover);
    });

    it('lets a click on a pixel under the frame reach the window below', async function () {
      // Local: the sharer clicks on the strip itself.
      await display.run('xdotool', ['mousemove', '2', '150', 'click', '1']);
      await until('the local click in the window under the frame', () => clicks.some((c) => c.x === 2 && c.y === 150));
    });

    it('turns orange while the helper controls, and clicks from the helper fall through too', async function () {
      const before = session.record.controlRequests;
      await page().evaluate(() => window.remoteAssist.requestControl());
      await until('the control request to reach the extension', () => session.record.controlRequests > before);
      session.supervisor.grantControl();
      await until('the frame orange on the X display', async () => (await rootPixels(x, ORANGE)) === FRAME_AREA && (await rootPixels(x, GREEN)) === 0);
      const p = await page().evaluate(() => window.remoteAssist.pagePoint(1, 250, 1280, 800));
      await page().mouse.click(p.x, p.y);
      await until("the helper's click in the window under the frame", () => clicks.some((c) => c.x === 1 && c.y === 250));
      assert.strictEqual(await viewerPixels(session, ORANGE), 0, 'no orange in the helper picture');
      session.supervisor.revokeControl();
      await until('the frame green again', async () => (await rootPixels(x, GREEN)) === FRAME_AREA && (await rootPixels(x, ORANGE)) === 0);
    });

    it('is gone after Disconnect', async function () {
      const started = performance.now();
      const stopped = session.supervisor.stop();
      await until('no frame on the X display', async () => (await rootPixels(x, GREEN)) === 0 && (await rootPixels(x, ORANGE)) === 0, 5_000, 10);
      console.log(`      frame gone ${Math.round(performance.now() - started)} ms after Disconnect`);
      await stopped;
    });
  });

  describe('video path', function () {
    let session: TestSession;

    before(async function () {
      session = await TestSession.open(display, undefined, { REMOTE_ASSIST_SCREEN: 'video' });
    });

    after(async function () {
      await session?.close();
    });

    it('keeps the frame out of the video too', async function () {
      await until('the frame on the X display', async () => (await rootPixels(x, GREEN)) === FRAME_AREA);
      await until('the target window in the video', async () => near(await session.color(200, 200, 40, 40), [0xd0, 0xd0, 0xd0]));
      // Each strip as the video shows it: dark (compression may blur its inner edge), never green.
      for (const [sx, sy, w, h] of frameStrips(WIDTH, HEIGHT, 2)) {
        const c = await session.color(sx, sy, w, h);
        assert.ok(near(c, [0, 0, 0], 48), `strip at ${sx},${sy} shows ${c}`);
      }
    });

    it('is gone the moment the host process dies', async function () {
      const pid = session.supervisor.pid;
      assert.ok(pid);
      process.kill(pid, 'SIGKILL');
      await until('no frame on the X display', async () => (await rootPixels(x, GREEN)) === 0, 5_000, 10);
    });
  });
});
