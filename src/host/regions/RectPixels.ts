/** Reading one rectangle out of a full-screen BGRX frame: its solid colour if it has one, or its RGBA bytes. */
import { Rect } from '../../protocol/screen';

/** The rectangle's colour as 0xRRGGBB when every pixel has it, else -1. */
export function solidColor(bgrx: Buffer, width: number, r: Rect): number {
  const px = new Uint32Array(bgrx.buffer, bgrx.byteOffset, bgrx.byteLength >> 2);
  const first = px[r.y * width + r.x] & 0xffffff;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * width;
    for (let i = row + r.x; i < row + r.x + r.w; i++) if ((px[i] & 0xffffff) !== first) return -1;
  }
  return first;
}

/** Writes the rectangle as RGBA (alpha 255) into `out` at `offset`; returns the bytes written. */
export function writeRgba(bgrx: Buffer, width: number, r: Rect, out: Buffer, offset: number): number {
  const src = new Uint32Array(bgrx.buffer, bgrx.byteOffset, bgrx.byteLength >> 2);
  if ((out.byteOffset + offset) % 4 !== 0) throw new Error('RGBA output must be 4-byte aligned');
  const dst = new Uint32Array(out.buffer, out.byteOffset + offset, r.w * r.h);
  let o = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * width;
    // Little-endian words: BGRX reads as 0x..RRGGBB, RGBA must read as 0xAABBGGRR.
    for (let i = row + r.x; i < row + r.x + r.w; i++) {
      const v = src[i];
      dst[o++] = (0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff)) >>> 0;
    }
  }
  return r.w * r.h * 4;
}
