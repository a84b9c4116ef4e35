/** The X server's own picture of the screen (core GetImage, independent of the host's MIT-SHM capture). */
import { X11Display } from '../../../src/host/x11/X11Display';
import { frameStrips } from '../../../src/host/x11/X11SharingFrame';

export async function screenImage(x: X11Display, width: number, height: number, left = 0, top = 0): Promise<Buffer> {
  const ZPixmap = 2;
  const client = x.client as unknown as { GetImage(f: number, d: number, x: number, y: number, w: number, h: number, planes: number, cb: (err: Error | null, image: { data: Buffer }) => void): void };
  const image = await x.call<{ data: Buffer }>((cb) => client.GetImage(ZPixmap, x.root, left, top, width, height, 0xffffffff, cb));
  return image.data;
}

/**
 * What the host sends of a screen rectangle: the X server's picture with the sharing frame's strips (around
 * `shared`, the whole screen unless a monitor is shared) black, since the frame is kept out of capture.
 */
export async function sentImage(x: X11Display, width: number, height: number, left = 0, top = 0, shared = { x: 0, y: 0, width: x.screen.pixel_width, height: x.screen.pixel_height }): Promise<Buffer> {
  const image = await screenImage(x, width, height, left, top);
  for (const [sx, sy, sw, sh] of frameStrips(shared.width, shared.height)) {
    const x0 = Math.max(shared.x + sx, left);
    const x1 = Math.min(shared.x + sx + sw, left + width);
    for (let y = Math.max(shared.y + sy, top); y < Math.min(shared.y + sy + sh, top + height); y++) {
      if (x1 > x0) image.fill(0, ((y - top) * width + (x0 - left)) * 4, ((y - top) * width + (x1 - left)) * 4);
    }
  }
  return image;
}

/** Puts a photo-like picture (a gradient with noise: thousands of colours) on the root window at x,y. */
export function drawPhoto(x: X11Display, left: number, top: number, width: number, height: number, seed = 1): void {
  const ZPixmap = 2;
  const client = x.client as unknown as {
    CreateGC(id: number, drawable: number, values: object): void;
    PutImage(format: number, drawable: number, gc: number, w: number, h: number, x: number, y: number, pad: number, depth: number, data: Buffer): void;
    FreeGC(id: number): void;
  };
  const data = Buffer.alloc(width * height * 4);
  let r = seed;
  for (let i = 0; i < width * height; i++) {
    r = (Math.imul(r, 1103515245) + 12345) >>> 0;
    const px = i % width;
    const py = Math.floor(i / width);
    data[i * 4] = (px + (r & 31)) & 255;
    data[i * 4 + 1] = (py * 2 + ((r >> 5) & 31)) & 255;
    data[i * 4 + 2] = (px + py + ((r >> 10) & 31)) & 255;
  }
  const gc = x.client.AllocID();
  // IncludeInferiors: drawn over any windows there, as a picture on the screen would be.
  client.CreateGC(gc, x.root, { subwindowMode: 1 });
  // One request stays under the core protocol's 256 KiB limit: a band of rows at a time.
  const rows = Math.max(1, Math.floor(200_000 / (width * 4)));
  for (let y = 0; y < height; y += rows) {
    const h = Math.min(rows, height - y);
    client.PutImage(ZPixmap, x.root, gc, width, h, left, top + y, 0, 24, data.subarray(y * width * 4, (y + h) * width * 4));
  }
  client.FreeGC(gc);
}

/** Pixels of exactly `rgb` (0xRRGGBB) in a BGRX image, e.g. the sharing frame's colour on the X screen. */
export function countColour(bgrx: Buffer, rgb: number): number {
  const [r, g, b] = [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
  let count = 0;
  for (let i = 0; i + 3 < bgrx.length; i += 4) if (bgrx[i] === b && bgrx[i + 1] === g && bgrx[i + 2] === r) count++;
  return count;
}
