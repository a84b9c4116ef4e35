/** The X server's own picture of the screen (core GetImage, independent of the host's MIT-SHM capture). */
import { X11Display } from '../../../src/host/x11/X11Display';

export async function screenImage(x: X11Display, width: number, height: number, left = 0, top = 0): Promise<Buffer> {
  const ZPixmap = 2;
  const client = x.client as unknown as { GetImage(f: number, d: number, x: number, y: number, w: number, h: number, planes: number, cb: (err: Error | null, image: { data: Buffer }) => void): void };
  const image = await x.call<{ data: Buffer }>((cb) => client.GetImage(ZPixmap, x.root, left, top, width, height, 0xffffffff, cb));
  return image.data;
}
