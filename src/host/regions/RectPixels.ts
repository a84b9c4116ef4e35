/** Reading one rectangle out of a full-screen BGRX frame: its solid colour, its colour count, its RGBA or RGB bytes. */
import { Rect } from '../../protocol/screen';

/** Bits kept per colour channel: 8 is exact; fewer compress better on a slow link (lossy, refreshed later). */
export type ColourDepth = 8 | 5 | 3;

/** Channel value → value at `bits`, the kept high bits repeated into the low ones (so white stays white). */
const DEPTH_TABLES: Record<ColourDepth, Uint8Array> = { 8: depthTable(8), 5: depthTable(5), 3: depthTable(3) };

function depthTable(bits: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const high = v >> (8 - bits);
    let out = 0;
    for (let shift = 8 - bits; shift > -bits; shift -= bits) out |= shift >= 0 ? high << shift : high >> -shift;
    table[v] = out & 0xff;
  }
  return table;
}

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

/**
 * Whether the rectangle holds more than `limit` distinct colours: photos and video frames do, text and UI
 * (even anti-aliased, syntax-coloured) do not. Stops counting as soon as it knows.
 */
export function manyColours(bgrx: Buffer, width: number, r: Rect, limit: number): boolean {
  const px = new Uint32Array(bgrx.buffer, bgrx.byteOffset, bgrx.byteLength >> 2);
  // Open addressing in a table four times the limit; 0xffffffff marks a free slot (X pixels are 0x00RRGGBB).
  const size = 1 << Math.ceil(Math.log2(limit * 4));
  const table = new Uint32Array(size).fill(0xffffffff);
  let count = 0;
  let last = -1;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * width;
    for (let i = row + r.x; i < row + r.x + r.w; i++) {
      const c = px[i] & 0xffffff;
      if (c === last) continue;
      last = c;
      let slot = Math.imul(c, 0x9e3779b1) >>> (32 - Math.log2(size));
      while (table[slot] !== 0xffffffff && table[slot] !== c) slot = (slot + 1) & (size - 1);
      if (table[slot] === c) continue;
      table[slot] = c;
      if (++count > limit) return true;
    }
  }
  return false;
}

/**
 * Writes the rectangle as RGBA (alpha 255) into `out` at `offset`, at `depth` bits per channel; returns
 * whether that is exact (every channel value survived the reduced depth, as black-and-white text does).
 */
export function writeRgba(bgrx: Buffer, width: number, r: Rect, out: Buffer, offset: number, depth: ColourDepth = 8): boolean {
  const src = new Uint32Array(bgrx.buffer, bgrx.byteOffset, bgrx.byteLength >> 2);
  if ((out.byteOffset + offset) % 4 !== 0) throw new Error('RGBA output must be 4-byte aligned');
  const dst = new Uint32Array(out.buffer, out.byteOffset + offset, r.w * r.h);
  const t = DEPTH_TABLES[depth];
  let o = 0;
  let lossy = false;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * width;
    // Little-endian words: BGRX reads as 0x..RRGGBB, RGBA must read as 0xAABBGGRR.
    if (depth === 8) {
      for (let i = row + r.x; i < row + r.x + r.w; i++) {
        const v = src[i];
        dst[o++] = (0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff)) >>> 0;
      }
    } else {
      for (let i = row + r.x; i < row + r.x + r.w; i++) {
        const v = src[i];
        const reduced = (t[v & 0xff] << 16) | (t[(v >>> 8) & 0xff] << 8) | t[(v >>> 16) & 0xff];
        const exact = ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff);
        if (reduced !== exact) lossy = true;
        dst[o++] = (0xff000000 | reduced) >>> 0;
      }
    }
  }
  return !lossy;
}

/** The rectangle as packed RGB (for a JPEG encoder). */
export function rgb(bgrx: Buffer, width: number, r: Rect): Buffer {
  const out = Buffer.allocUnsafe(r.w * r.h * 3);
  let o = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let i = (y * width + r.x) * 4, end = i + r.w * 4; i < end; i += 4) {
      out[o++] = bgrx[i + 2];
      out[o++] = bgrx[i + 1];
      out[o++] = bgrx[i];
    }
  }
  return out;
}
