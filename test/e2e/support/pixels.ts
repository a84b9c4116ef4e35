/** Reads real pixels from screenshots: how much of an image is the known colour. */
import { PNG } from 'pngjs';

export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Fraction (0..1) of the image's pixels within `tolerance` of `colour` on every channel (video is lossy). */
export function colourFraction(png: Buffer, colour: Rgb, tolerance = 48): number {
  const image = PNG.sync.read(png);
  let matching = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (
      Math.abs(image.data[i] - colour.r) <= tolerance &&
      Math.abs(image.data[i + 1] - colour.g) <= tolerance &&
      Math.abs(image.data[i + 2] - colour.b) <= tolerance
    ) {
      matching++;
    }
  }
  return matching / (image.width * image.height);
}
