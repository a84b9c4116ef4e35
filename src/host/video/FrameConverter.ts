/**
 * X11 BGRX pixels → I420 for libwebrtc, optionally scaled down (nearest neighbour). One reused pair of
 * buffers per output size; wrtc reads a typed array's whole underlying buffer, so they are never views.
 */
import { wrtc } from '../wrtc';

export interface I420Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Output size for a source size and scale: even, at least 2×2. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
  return { width: even(width * scale), height: even(height * scale) };
}

export class FrameConverter {
  private rgba: Uint8ClampedArray<ArrayBuffer> = new Uint8ClampedArray(0);
  private i420: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  private xIndex = new Uint32Array(0);
  private key = '';

  /** Converts `bgrx` (stride width*4) at `scale`; the returned frame is valid until the next call. */
  convert(bgrx: Buffer, width: number, height: number, scale: number): I420Frame {
    const out = scaledSize(width, height, scale);
    const key = `${width}x${height}>${out.width}x${out.height}`;
    if (key !== this.key) {
      this.key = key;
      this.rgba = new Uint8ClampedArray(out.width * out.height * 4);
      this.i420 = new Uint8Array(out.width * out.height + 2 * Math.ceil(out.width / 2) * Math.ceil(out.height / 2));
      this.xIndex = Uint32Array.from({ length: out.width }, (_, i) => Math.min(width - 1, Math.floor((i * width) / out.width)));
    }
    const src = new Uint32Array(bgrx.buffer, bgrx.byteOffset, width * height);
    const dst = new Int32Array(this.rgba.buffer);
    // Little-endian words: BGRX reads as 0x..RRGGBB and RGBA must read as 0x..BBGGRR (alpha is ignored).
    if (out.width === width && out.height === height) {
      for (let i = 0; i < dst.length; i++) {
        const v = src[i];
        dst[i] = ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff);
      }
    } else {
      const xIndex = this.xIndex;
      for (let y = 0; y < out.height; y++) {
        const srcRow = Math.min(height - 1, Math.floor((y * height) / out.height)) * width;
        const dstRow = y * out.width;
        for (let x = 0; x < out.width; x++) {
          const v = src[srcRow + xIndex[x]];
          dst[dstRow + x] = ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff);
        }
      }
    }
    wrtc.nonstandard.rgbaToI420({ width: out.width, height: out.height, data: this.rgba }, { width: out.width, height: out.height, data: this.i420 });
    return { width: out.width, height: out.height, data: this.i420 };
  }
}
