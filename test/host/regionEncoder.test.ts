/**
 * The region encoder on a slow link's settings: photo-like blocks go as JPEG and text at a reduced colour
 * depth, both remembered as approximate; `refine` then brings the reference decoder's picture to the
 * exact screen. Frames are synthetic BGRX buffers (the X path is covered by regions.test.ts).
 */
import * as assert from 'assert';
import { EncodedFrame, EXACT, RegionEncoder } from '../../src/host/regions/RegionEncoder';
import { ScreenDecoder } from './support/ScreenDecoder';

const W = 320;
const H = 192;

/** Left 192 columns: a photo-like gradient with noise; right: dark "text" strokes on white. */
function desktop(seed = 1): Buffer {
  const frame = Buffer.alloc(W * H * 4);
  let r = seed;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      if (x < 192) {
        r = (Math.imul(r, 1103515245) + 12345) >>> 0;
        frame[o] = (x + (r & 15)) & 255;
        frame[o + 1] = (y * 2 + ((r >> 4) & 15)) & 255;
        frame[o + 2] = (x + y + ((r >> 8) & 15)) & 255;
      } else {
        const ink = y % 16 < 10 && (x * 7 + y * 3) % 5 < 2;
        frame.fill(ink ? 0x20 : 0xff, o, o + 3);
      }
    }
  }
  return frame;
}

async function apply(decoder: ScreenDecoder, frame: EncodedFrame | undefined): Promise<void> {
  for (const m of frame?.messages ?? []) await decoder.push(m);
}

describe('host: region encoder on a slow link (JPEG, colour depth, lossless refresh)', function () {
  it('sends photo-like blocks as JPEG and text at reduced depth, then refines both to the exact screen', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    const screen = desktop();
    encoder.setSettings({ jpegQuality: 40, depth: 5, level: 9 });
    await apply(decoder, await encoder.reset(screen));
    assert.ok(decoder.opCounts.jpeg >= 3, `JPEG ops: ${decoder.opCounts.jpeg}`);
    assert.ok(decoder.opCounts.pixels >= 1, 'the text part goes as pixels');
    assert.ok(decoder.differences(screen) > 0, 'the first picture is approximate');
    assert.ok(encoder.approximateTiles > 0);
    // Nothing changed on the screen: encode has nothing, refine sends the approximate tiles exactly.
    assert.strictEqual(await encoder.encode(screen), undefined);
    encoder.setSettings(EXACT);
    let rounds = 0;
    for (let frame = await encoder.refine(screen, 64 * 1024); frame; frame = await encoder.refine(screen, 64 * 1024)) {
      await apply(decoder, frame);
      rounds++;
    }
    assert.ok(rounds >= 3, `refined in ${rounds} bounded steps`);
    assert.strictEqual(encoder.approximateTiles, 0);
    assert.strictEqual(decoder.differences(screen), 0);
  });

  it('stays exact with the default settings: no JPEG, nothing to refine', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    const screen = desktop(7);
    await apply(decoder, await encoder.reset(screen));
    assert.strictEqual(decoder.opCounts.jpeg, 0);
    assert.strictEqual(decoder.differences(screen), 0);
    assert.strictEqual(encoder.approximateTiles, 0);
    assert.strictEqual(await encoder.refine(screen, 1 << 20), undefined);
  });

  it('keeps what a later exact update covers exact, and what moved approximate', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    encoder.setSettings({ jpegQuality: 40, depth: 5, level: 9 });
    await apply(decoder, await encoder.reset(desktop()));
    const before = encoder.approximateTiles;
    encoder.setSettings(EXACT);
    const next = desktop(2);
    await apply(decoder, await encoder.encode(next));
    // The photo part changed everywhere and went exact; the text part did not change and is still approximate.
    assert.ok(encoder.approximateTiles > 0 && encoder.approximateTiles < before, `${encoder.approximateTiles} of ${before}`);
    for (let frame = await encoder.refine(next, 1 << 20); frame; frame = await encoder.refine(next, 1 << 20)) await apply(decoder, frame);
    assert.strictEqual(decoder.differences(next), 0);
  });
});
