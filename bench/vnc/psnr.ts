/**
 * Picture quality of a lossy frame against its source: PSNR over the R, G and B bytes of two same-sized RGB
 * images (what ffmpeg's psnr filter reports as "average" for rgb24), with rows or columns left out where the
 * viewer shows something else by design (the frame-number marker, our sharing frame's border).
 */
export interface Crop {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** PSNR in dB of `test` against `ref` (both `width`×`height` RGB), inside the crop; Infinity when identical. */
export function psnrRgb(ref: Uint8Array, test: Uint8Array, width: number, height: number, crop: Crop = { top: 0, bottom: 0, left: 0, right: 0 }): number {
  if (ref.length !== width * height * 3 || test.length !== ref.length) throw new Error(`psnr: expected ${width}x${height} RGB, got ${ref.length} and ${test.length} bytes`);
  let sum = 0;
  let n = 0;
  for (let y = crop.top; y < height - crop.bottom; y++) {
    for (let o = (y * width + crop.left) * 3, end = (y * width + width - crop.right) * 3; o < end; o++) {
      const d = ref[o] - test[o];
      sum += d * d;
      n++;
    }
  }
  if (n === 0) throw new Error('psnr: the crop leaves no pixels');
  const mse = sum / n;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
