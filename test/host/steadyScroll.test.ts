/**
 * A steady scroll through the region encoder: the scroll detector tries the recent offsets first (a memcmp
 * per row instead of hashing every strip), and rows a whole-width move copied are not diffed again. What the
 * reference decoder shows must stay the frame exactly while the offset holds, alternates (a late frame
 * scrolls two steps), changes, and when only one pane scrolls. Frames are synthetic BGRX buffers of a text
 * log; the X path is covered by regions.test.ts.
 */
import * as assert from 'assert';
import { EncodedFrame, RegionEncoder } from '../../src/host/regions/RegionEncoder';
import { ScreenDecoder } from './support/ScreenDecoder';
import { TILE_W } from '../../src/host/regions/FrameDiff';

const W = 512;
const H = 256;
const LINE = 12;
/** The scroll detector's strip width (ScrollDetector's STRIP_WIDTH). */
const STRIP = 256;

/** Line `n` of the log: distinctive "glyph" strokes on a dark background, rows [0, LINE). */
function drawLine(frame: Buffer, n: number, top: number, x0 = 0, x1 = W): void {
  for (let row = 0; row < LINE; row++) {
    const y = top + row;
    if (y < 0 || y >= H) continue;
    for (let x = x0; x < x1; x++) {
      const o = (y * W + x) * 4;
      const ink = row > 1 && row < LINE - 2 && ((x * 13 + n * 31) ^ (row * 7 + n)) % 11 < 3;
      frame[o] = ink ? 0xd0 : 0x10;
      frame[o + 1] = ink ? 0xd0 - (n & 63) : 0x10;
      frame[o + 2] = ink ? 0xd0 : 0x10;
    }
  }
}

/** The log scrolled so that `first` is its top line; in [x0, x1) only (the rest stays at `still`). */
function log(first: number, x0 = 0, x1 = W, still = 0): Buffer {
  const frame = Buffer.alloc(W * H * 4);
  for (let i = 0; i * LINE < H; i++) {
    drawLine(frame, still + i, i * LINE, 0, W);
    drawLine(frame, first + i, i * LINE, x0, x1);
  }
  return frame;
}

async function apply(decoder: ScreenDecoder, frame: EncodedFrame | undefined): Promise<void> {
  for (const m of frame?.messages ?? []) await decoder.push(m);
}

describe('host: a steady scroll through the region encoder', function () {
  it('goes as COPY frame after frame and stays exact while the offset holds, alternates, changes and reverses', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    await apply(decoder, await encoder.reset(log(0)));
    // one line per frame, then two (late frames), alternating, then three and four, then back up
    const steps = [1, 1, 1, 1, 2, 1, 2, 1, 2, 2, 3, 3, 1, 4, 1, -1, -1, -2, -1, 3];
    let first = 0;
    let copies = 0;
    for (const step of steps) {
      first += step;
      const frame = log(first);
      const encoded = await encoder.encode(frame);
      assert.ok(encoded, `frame at line ${first} changed the screen`);
      copies += encoded.copies;
      await apply(decoder, encoded);
      assert.strictEqual(decoder.differences(frame), 0, `frame at line ${first} (step ${step}) is not exact`);
      // a scroll sends the new lines, not the screen: at most the new lines' rows (plus a tile band) as pixels
      assert.ok(encoded.pixelBytes <= (Math.abs(step) * LINE + 16) * W * 4, `step ${step}: ${encoded.pixelBytes} pixel bytes`);
    }
    assert.strictEqual(copies, steps.length, 'each frame is one COPY');
  });

  it('a marker that stays put over a whole-screen scroll (a frame counter) costs its own pixels only, not the rows around it', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    // A block in the top rows, redrawn each frame in another shade: the scroll's rows beside it still move.
    const marked = (first: number) => {
      const frame = log(first);
      for (let y = 14; y < 30; y++) frame.fill(first * 37, y * W * 4, (y * W + 40) * 4);
      return frame;
    };
    await apply(decoder, await encoder.reset(marked(0)));
    for (let first = 1; first <= 12; first++) {
      const frame = marked(first);
      const encoded = await encoder.encode(frame);
      await apply(decoder, encoded);
      assert.strictEqual(decoder.differences(frame), 0, `frame at line ${first} is not exact`);
      // The new line across the screen, and the marker's rows (and the step that moved onto them) in its strip
      // only: the strips beside it go on moving. Whole-band runs alone sent those rows across the screen.
      const expected = (LINE * W + (16 + LINE) * STRIP) * 4;
      assert.ok((encoded?.pixelBytes ?? 0) <= expected, `frame ${first}: ${encoded?.pixelBytes} pixel bytes, expected ≤ ${expected}`);
    }
  });

  it('stays exact when only the left pane scrolls after the whole screen did', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    await apply(decoder, await encoder.reset(log(0)));
    let frame = log(1);
    await apply(decoder, await encoder.encode(frame));
    // The whole-width offset no longer holds: the right half stays as it was.
    for (let first = 2; first < 6; first++) {
      frame = log(first, 0, W / 2, 1);
      const encoded = await encoder.encode(frame);
      await apply(decoder, encoded);
      assert.strictEqual(decoder.differences(frame), 0, `left pane at line ${first} is not exact`);
      assert.ok((encoded?.copies ?? 0) >= 1, 'the left pane goes as COPY');
    }
  });

  it('a log scrolling in the left half while a clock on the right ticks: COPY frame after frame, exact', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    // The right half stays but for a clock in its top rows (a status line): the band is the left half only.
    const frame = (first: number) => {
      const f = log(first, 0, W / 2, 0);
      for (let y = 4; y < 12; y++) f.fill((first * 53) & 0xff, (y * W + W - 64) * 4, (y * W + W - 8) * 4);
      return f;
    };
    await apply(decoder, await encoder.reset(frame(0)));
    for (let first = 1; first <= 10; first++) {
      const current = frame(first);
      const encoded = await encoder.encode(current);
      await apply(decoder, encoded);
      assert.strictEqual(decoder.differences(current), 0, `frame at line ${first} is not exact`);
      assert.ok((encoded?.copies ?? 0) >= 1, `frame at line ${first}: the log goes as COPY`);
      // The new line in the left half and the clock's tile, not the log's rows again.
      const expected = (LINE * (W / 2) + 2 * TILE_W * 8) * 4;
      assert.ok((encoded?.pixelBytes ?? 0) <= expected, `frame ${first}: ${encoded?.pixelBytes} pixel bytes, expected ≤ ${expected}`);
    }
  });
});
