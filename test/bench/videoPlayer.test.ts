/**
 * The video scene's player on a real Xvfb: what the window shows is the clip frame the player says it shows,
 * also when playing again after a stop (a stopped decoder's buffered bytes once shifted every later frame:
 * the picture wrapped around, and PSNR against the clip read ~8 dB for every play but a system's first).
 */
import * as assert from 'assert';
import { startXvfb, XDisplay } from '../support/xvfb';
import { putRows, VideoPlayer } from '../../bench/vnc/VideoPlayer';
import { connectX, XDisplayConnection } from '../../bench/vnc/x11';
import { psnrRgb } from '../../bench/vnc/psnr';
import { LAYOUT } from '../../bench/vnc/ScenePlayer';

const RECT = { x: 0, y: 0, w: LAYOUT.markerBits * LAYOUT.markerCell(0).w, h: 288 };

describe('bench vs-vnc video player (Xvfb, ffmpeg)', function () {
  this.timeout(120_000);
  let display: XDisplay;
  let player: VideoPlayer;
  let conn: XDisplayConnection;

  before(async () => {
    display = await startXvfb(640, 360);
    player = await VideoPlayer.open(display.display, RECT);
    conn = await connectX(display.display);
    conn.client.on('error', () => undefined);
  });

  after(async () => {
    await player?.dispose();
    // Closed before the server stops: a connection still open when Xvfb exits is reset (an uncaught ECONNRESET).
    if (conn) await new Promise<void>((resolve) => conn.client.close(() => resolve()));
    await display?.stop();
  });

  const shown = async (frames: number): Promise<void> => {
    const start = player.counts().shown;
    while (player.counts().shown < start + frames) await new Promise((r) => setTimeout(r, 50));
  };

  /**
   * The window's picture as RGB, and its PSNR against the clip frames shown while it was read (and one on
   * either side). The player goes on while GetImage waits, and a frame reaches the X server as strips of
   * rows (PutImage requests another client's GetImage may fall between), so the picture may hold strips of
   * two neighbouring frames: each strip is compared with its best-matching frame.
   */
  const quality = async (): Promise<number> => {
    const shownBefore = player.counts().shown;
    const image = await new Promise<Buffer>((resolve, reject) =>
      conn.client.GetImage(2, conn.screen[0].root, 0, 0, RECT.w, RECT.h, 0xffffffff, (err, img) => (err ? reject(err) : resolve(img.data))),
    );
    const shownAfter = player.counts().shown;
    const rgb = Buffer.alloc(RECT.w * RECT.h * 3);
    for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) [rgb[o], rgb[o + 1], rgb[o + 2]] = [image[i + 2], image[i + 1], image[i]];
    const shownDuring = Array.from({ length: shownAfter - shownBefore + 3 }, (_, k) => shownBefore - 1 + k);
    const wanted = new Set(shownDuring.map((k) => player.frame(k)?.index).filter((i): i is number => i !== undefined));
    const top = LAYOUT.markerCell(0).h; // the frame-number cells are drawn over the clip
    const rows = putRows(RECT.w);
    const strips = Array.from({ length: Math.ceil(RECT.h / rows) }, (_, k) => ({ top: Math.max(top, k * rows), bottom: Math.min(RECT.h, (k + 1) * rows) })).filter((s) => s.bottom > s.top);
    const bestMse = strips.map(() => Infinity);
    await player.visitSourceFrames(wanted, (_, source) =>
      strips.forEach((s, k) => {
        const db = psnrRgb(source, rgb, RECT.w, RECT.h, { top: s.top, bottom: RECT.h - s.bottom, left: 0, right: 0 });
        bestMse[k] = Math.min(bestMse[k], (255 * 255) / 10 ** (db / 10));
      }),
    );
    const mse = strips.reduce((sum, s, k) => sum + bestMse[k] * (s.bottom - s.top), 0) / (RECT.h - top);
    return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  };

  it('shows the clip frame it reports, on the first play and on a play after a stop', async () => {
    await player.start();
    await shown(8);
    const first = await quality();
    await player.stop();
    await player.start();
    await shown(8);
    const second = await quality();
    await player.stop();
    assert.ok(first > 40, `first play: ${first} dB`);
    assert.ok(second > 40, `second play: ${second} dB`);
  });
});
