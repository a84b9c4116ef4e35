/** What the helper sees in the panel: the lossless canvas while it shows, else the video under it. */
import type { Page } from 'playwright-core';

export interface PictureSample {
  readonly width: number;
  readonly height: number;
  /** The pixel at (fx·width, fy·height). */
  readonly rgb: [number, number, number];
}

/** Samples the helper's picture at a fraction of its size; undefined before there is one. */
export function samplePicture(page: Page, fx = 0.8, fy = 0.8): Promise<PictureSample | undefined> {
  return page.evaluate(
    ([x, y]) => {
      const screen = document.querySelector<HTMLCanvasElement>('canvas.ra-screen');
      const video = document.querySelector('video');
      const source = screen && screen.style.display !== 'none' ? screen : video;
      const width = source instanceof HTMLVideoElement ? source.videoWidth : (source?.width ?? 0);
      const height = source instanceof HTMLVideoElement ? source.videoHeight : (source?.height ?? 0);
      if (!source || width === 0) return undefined;
      const c = document.createElement('canvas');
      c.width = width;
      c.height = height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(source, 0, 0);
      const [r, g, b] = ctx.getImageData(Math.round(width * x), Math.round(height * y), 1, 1).data;
      return { width, height, rgb: [r, g, b] as [number, number, number] };
    },
    [fx, fy] as const,
  );
}

/** True when the colours differ by less than `tolerance` in every channel. */
export function near(rgb: readonly number[], expected: readonly number[], tolerance = 40): boolean {
  return rgb.every((v, i) => Math.abs(v - expected[i]) < tolerance);
}
