/**
 * A dragged window goes as a COPY from its old place (two dimensions), not as its pixels again, and the
 * reference decoder's picture stays exact: the region encoder on synthetic BGRX desktops (the X path of a
 * real drag is in regions.test.ts).
 */
import * as assert from 'assert';
import { MoveDetector } from '../../src/host/regions/MoveDetector';
import { EncodedFrame, RegionEncoder } from '../../src/host/regions/RegionEncoder';
import { ScreenDecoder } from './support/ScreenDecoder';

const W = 480;
const H = 320;
const WIN = { w: 160, h: 120 };

/** A desktop of "text" strokes on white with a photo-like window (gradient and noise) at x, y. */
function desktop(wx: number, wy: number): Buffer {
  const frame = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      const ink = y % 16 < 10 && (x * 7 + y * 3) % 5 < 2;
      frame.fill(ink ? 0x20 : 0xff, o, o + 3);
    }
  }
  let r = 7;
  for (let y = 0; y < WIN.h; y++) {
    for (let x = 0; x < WIN.w; x++) {
      r = (Math.imul(r, 1103515245) + 12345) >>> 0;
      const o = ((wy + y) * W + wx + x) * 4;
      frame[o] = (x + (r & 15)) & 255;
      frame[o + 1] = (y * 2 + ((r >> 4) & 15)) & 255;
      frame[o + 2] = (x + y + ((r >> 8) & 15)) & 255;
    }
  }
  return frame;
}

async function apply(decoder: ScreenDecoder, frame: EncodedFrame | undefined): Promise<void> {
  for (const m of frame?.messages ?? []) await decoder.push(m);
}

describe('host: a dragged window goes as a two-dimensional COPY (region encoder)', function () {
  it('sends each step of a drag as a copy and little else, and ends exact', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    await apply(decoder, await encoder.reset(desktop(20, 20)));
    // Diagonal, left, up, and a step that overlaps the old place.
    for (const [x, y] of [
      [57, 41],
      [120, 90],
      [60, 90],
      [60, 30],
      [75, 38],
      [110, 70],
    ]) {
      const screen = desktop(x, y);
      const copies = decoder.opCounts.copy;
      const frame = await encoder.encode(screen);
      await apply(decoder, frame);
      assert.strictEqual(decoder.differences(screen), 0, `exact after the move to ${x},${y}`);
      assert.ok(decoder.opCounts.copy > copies, `a COPY for the move to ${x},${y}`);
      // The window's pixels (77 KB raw) are not sent again: only the uncovered desktop (text compresses well).
      assert.ok(frame && frame.bytes < (WIN.w * WIN.h * 4) / 8, `${frame?.bytes} bytes for the move to ${x},${y}`);
    }
  });

  it('on a plain desktop, keeps the move within what changed (a plain colour matches at any offset)', function () {
    const plain = (wx: number, wy: number): Buffer => {
      const frame = desktop(wx, wy);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inWindow = x >= wx && x < wx + WIN.w && y >= wy && y < wy + WIN.h;
          if (!inWindow) frame.fill(0x10, (y * W + x) * 4, (y * W + x) * 4 + 3);
        }
      }
      return frame;
    };
    const band = { x: 40, y: 30, w: WIN.w + 24, h: WIN.h + 10 };
    const move = new MoveDetector(W, H).detect(plain(64, 40), plain(40, 30), band);
    assert.ok(move, 'the move is found');
    assert.deepStrictEqual([move.x - move.srcX, move.y - move.srcY], [24, 10]);
    assert.ok(move.x >= band.x && move.y >= band.y && move.x + move.w <= band.x + band.w && move.y + move.h <= band.y + band.h, JSON.stringify(move));
  });

  it('leaves a change that is not a move to the pixel path (a new window), exact', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    const blank = desktop(20, 20);
    await apply(decoder, await encoder.reset(blank));
    const screen = Buffer.from(blank);
    // Another photo appears elsewhere without the first one moving.
    const other = desktop(250, 150);
    for (let y = 150; y < 150 + WIN.h; y++) other.copy(screen, (y * W + 250) * 4, (y * W + 250) * 4, (y * W + 250 + WIN.w) * 4);
    const copies = decoder.opCounts.copy;
    await apply(decoder, await encoder.encode(screen));
    assert.strictEqual(decoder.differences(screen), 0);
    // A copy of the same photo from its first place would be exact too; either way the picture is exact.
    assert.ok(decoder.opCounts.copy - copies <= 1);
  });
});
