import type { Page } from 'playwright-core';

/**
 * Alice's blue desktop (#2040c0) as Bob's panel shows it at 80 % across and down — the lossless canvas while
 * it shows, else the video under it — or undefined while the panel shows something else.
 */
export function blueDesktopPixel(page: Page): Promise<number[] | undefined> {
  return page.evaluate(() => {
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
    const [r, g, b] = ctx.getImageData(Math.round(width * 0.8), Math.round(height * 0.8), 1, 1).data;
    return Math.abs(r - 0x20) < 40 && Math.abs(g - 0x40) < 40 && Math.abs(b - 0xc0) < 40 ? [r, g, b] : undefined;
  });
}
