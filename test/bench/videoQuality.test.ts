/**
 * The video scene's arithmetic: PSNR of a viewer frame against its clip frame (the crop leaves the marker and
 * the border out) and the frame number read back from a grabbed picture's marker cells.
 */
import * as assert from 'assert';
import { psnrRgb } from '../../bench/vnc/psnr';
import { markerInGrab } from '../../bench/vnc/scenes';
import { LAYOUT } from '../../bench/vnc/ScenePlayer';

describe('bench vs-vnc video quality', () => {
  it('is infinite for identical pictures and 10·log10(255²/MSE) otherwise', () => {
    const ref = new Uint8Array(4 * 2 * 3).fill(100);
    assert.strictEqual(psnrRgb(ref, ref.slice(), 4, 2), Infinity);
    const off = ref.map((v) => v + 5);
    assert.ok(Math.abs(psnrRgb(ref, off, 4, 2) - 10 * Math.log10((255 * 255) / 25)) < 1e-9);
  });

  it('leaves the cropped rows and columns out, and refuses mismatched sizes', () => {
    const ref = new Uint8Array(4 * 4 * 3).fill(50);
    const test = ref.slice();
    test.fill(255, 0, 4 * 3); // the whole top row differs
    test.fill(255, 4 * 3, 4 * 3 + 3); // and the first pixel of the second row
    assert.strictEqual(psnrRgb(ref, test, 4, 4, { top: 1, bottom: 0, left: 1, right: 0 }), Infinity);
    assert.ok(psnrRgb(ref, test, 4, 4) < 20);
    assert.throws(() => psnrRgb(ref, test.subarray(3), 4, 4), /expected 4x4 RGB/);
  });

  it('reads the frame number from the marker cells of a grab whose origin is the screen', () => {
    const width = LAYOUT.markerBits * 32;
    const rgb = new Uint8Array(width * 40 * 3);
    const n = 0b1010_0000_0000_0101;
    for (let bit = 0; bit < LAYOUT.markerBits; bit++) {
      if (!((n >> (LAYOUT.markerBits - 1 - bit)) & 1)) continue;
      const c = LAYOUT.markerCell(bit);
      for (let y = c.y; y < c.y + c.h; y++) rgb.fill(255, (y * width + c.x) * 3, (y * width + c.x + c.w) * 3);
    }
    assert.strictEqual(markerInGrab(rgb, width), n);
  });
});
