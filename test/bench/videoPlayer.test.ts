/**
 * The video scene's player on a real Xvfb: what the window shows is the clip frame the player says it shows,
 * also when playing again after a stop (a stopped decoder's buffered bytes once shifted every later frame:
 * the picture wrapped around, and PSNR against the clip read ~8 dB for every play but a system's first).
 */
import * as assert from 'assert';
import { startXvfb, XDisplay } from '../support/xvfb';
import { VideoPlayer } from '../../bench/vnc/VideoPlayer';
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
  });

  after(async () => {
    await player?.dispose();
    conn?.client.close();
    await display?.stop();
  });

  const shown = async (frames: number): Promise<void> => {
    const start = player.counts().shown;
    while (player.counts().shown < start + frames) await new Promise((r) => setTimeout(r, 50));
  };

  /** The window's picture as RGB, and the best PSNR against the clip frames of the last two shown frames. */
  const quality = async (): Promise<number> => {
    const n = player.counts().shown;
    const image = await new Promise<Buffer>((resolve, reject) =>
      conn.client.GetImage(2, conn.screen[0].root, 0, 0, RECT.w, RECT.h, 0xffffffff, (err, img) => (err ? reject(err) : resolve(img.data))),
    );
    const rgb = Buffer.alloc(RECT.w * RECT.h * 3);
    for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) [rgb[o], rgb[o + 1], rgb[o + 2]] = [image[i + 2], image[i + 1], image[i]];
    const wanted = new Set([n, n - 1, n + 1].map((k) => player.frame(k)?.index).filter((i): i is number => i !== undefined));
    let best = -Infinity;
    await player.visitSourceFrames(wanted, (_, source) => (best = Math.max(best, psnrRgb(source, rgb, RECT.w, RECT.h, { top: LAYOUT.markerCell(0).h, bottom: 0, left: 0, right: 0 }))));
    return best;
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
