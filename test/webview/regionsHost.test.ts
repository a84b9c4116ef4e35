/**
 * Screen regions end to end, as a helper sees them: the real host process on Xvfb shares the screen over
 * real WebRTC to the viewer page in headless Chromium. What the viewer's canvas holds must equal the X
 * server's own picture (core GetImage) pixel for pixel — after connecting, a window of known colour,
 * typing in an xterm, a scroll — and under full-screen motion over budget the viewer shows the video,
 * then the canvas again once the screen calms down.
 */
import assert from 'assert';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { X11Display } from '../../src/host/x11/X11Display';
import { startScene } from '../../bench/host/scene';
import { until } from '../host/support/poll';
import { screenImage, sentImage } from '../host/support/screenImage';
import { near, TEST_QUALITY, TestDisplay, TestSession } from '../host/support/session';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');
const W = 1024;
const H = 768;

describe('viewer: screen regions end to end (Xvfb → host → WebRTC → canvas in Chromium)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let session: TestSession;
  let x: X11Display;
  let lastDiff = '';

  const page = () => session.viewer.page;
  const showsCanvas = () => page().evaluate(() => window.remoteAssist.showsCanvas());
  const xdotool = (...args: string[]) => display.run('xdotool', args);

  /** Pixels where the viewer's canvas (RGBA) and the X screen (BGRX) differ, and the first of them. */
  async function differences(): Promise<{ count: number; first?: string }> {
    const [b64, bgrx] = await Promise.all([page().evaluate(([w, h]) => window.remoteAssist.canvasPixels(0, 0, w, h), [W, H] as const), sentImage(x, W, H)]);
    const rgba = Buffer.from(b64, 'base64');
    let count = 0;
    let first: string | undefined;
    for (let i = 0; i < W * H * 4; i += 4) {
      if (rgba[i] !== bgrx[i + 2] || rgba[i + 1] !== bgrx[i + 1] || rgba[i + 2] !== bgrx[i]) {
        count++;
        first ??= `${(i / 4) % W},${Math.floor(i / 4 / W)}: canvas ${[...rgba.subarray(i, i + 3)]} screen ${[bgrx[i + 2], bgrx[i + 1], bgrx[i]]}`;
      }
    }
    return { count, first };
  }

  /** Polls until the canvas shows and equals the X screen exactly. */
  const converged = (what: string, timeoutMs = 30_000) =>
    until(
      what,
      async () => {
        if (!(await showsCanvas())) {
          lastDiff = 'the canvas is not showing';
          return false;
        }
        const d = await differences();
        lastDiff = `${d.count} pixels differ${d.first ? `, first at ${d.first}` : ''}`;
        return d.count === 0;
      },
      timeoutMs,
      200,
      () => lastDiff,
    );

  before(async function () {
    display = await TestDisplay.start(W, H);
    // A window of a known colour; it also keeps a client connected, so Xvfb keeps the root background.
    await display.xterm(['-geometry', '40x10+60+60', '-bg', '#00c800', '-fg', '#00c800'], 'greenwindow');
    await display.xterm(['-geometry', '60x16+420+300', '-bg', 'black', '-fg', 'white', '-e', 'cat'], 'typeterm');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    x = await X11Display.connect(display.x.display);
    session = await TestSession.open(display);
  });

  after(async function () {
    await session?.close();
    x?.dispose();
    await display?.close();
  });

  it('shows the whole screen on the canvas, pixel for pixel, with the window of known colour in place', async function () {
    await converged('the canvas to equal the X screen');
    assert.ok(near(await session.color(100, 80, 60, 40), [0, 200, 0]), 'the green window');
    assert.ok(near(await session.color(900, 100, 40, 40), [0x20, 0x40, 0xc0]), 'the blue root');
    const layers = await page().evaluate(() => window.remoteAssist.layers());
    assert.deepStrictEqual(layers.boxes['ra-screen'], layers.boxes.video);
  });

  it('shows text typed in an xterm', async function () {
    // The viewer reports stats each second from its second sample on: type once that has begun, so a report covers it.
    await until('the viewer reporting stats', async () => (await session.viewerEvents('stats')).length > 0);
    const before = await screenImage(x, W, H);
    await xdotool('mousemove', '700', '400');
    await xdotool('type', '--delay', '20', 'hello, regions');
    await converged('the typed text on the canvas');
    assert.ok(!before.equals(await screenImage(x, W, H)), 'the text changed the screen');
    let seen = '';
    const stats = await until(
      'stats from the regions path',
      async () => {
        const all = await session.viewerEvents('stats');
        seen = JSON.stringify(all.map((s) => [s.mode, s.regionUpdates]));
        return all.find((s) => s.mode === 'regions' && (s.regionUpdates as number) > 0);
      },
      20_000,
      200,
      () => seen,
    );
    assert.ok((stats.regionKbps as number) > 0);
  });

  it('shows a scrolling xterm exactly', async function () {
    // cat echoes each line back: 2 × 30 lines through a 16-line terminal scrolls it many times.
    const lines = Array.from({ length: 30 }, (_, i) => `scrolling line ${i}\n`).join('');
    await xdotool('type', '--delay', '2', lines);
    await converged('the scrolled terminal on the canvas');
    mkdirSync(SHOTS, { recursive: true });
    await page().screenshot({ path: join(SHOTS, 'regions-scrolled.png') });
  });

  it('shows the video under full-screen motion over budget, and the canvas again once the screen is still', async function () {
    session.supervisor.setQuality({ maxKbps: 50, fps: 30, scale: 1 });
    const scene = await startScene(display.x.display, { fps: 30, area: { x: 0, y: 0, width: W, height: H } });
    try {
      await until('the viewer to show the video', async () => !(await showsCanvas()) && (await session.viewerEvents('regionsMode')).some((e) => e.mode === 'video'), 40_000);
      await page().screenshot({ path: join(SHOTS, 'regions-video-mode.png') });
    } finally {
      scene.close();
    }
    session.supervisor.setQuality(TEST_QUALITY);
    await converged('the canvas back and equal to the X screen', 40_000);
    assert.deepStrictEqual(
      (await session.viewerEvents('error')).map((e) => `${e.code}: ${e.message}`),
      [],
    );
  });

  it('runs under the strict content security policy without page errors', function () {
    assert.deepStrictEqual(session.viewer.problems, []);
  });
});
