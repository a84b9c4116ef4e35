/**
 * A reference decoder for the screen channel, independent of the viewer: parses each message with the
 * protocol's own parser, inflates PIXELS through one Node raw-inflate stream per RESET, decodes JPEG with
 * sharp, and applies the ops to an RGBA buffer, so tests can compare it with the X screen pixel for pixel.
 */
import sharp from 'sharp';
import * as zlib from 'zlib';
import { parseScreenMessage, ScreenMode } from '../../../src/protocol/screen';

export class ScreenDecoder {
  width = 0;
  height = 0;
  rgba = Buffer.alloc(0);
  mode: ScreenMode | undefined;
  modeSeq = -1;
  lastSeq = -1;
  resets = 0;
  readonly opCounts = { copy: 0, pixels: 0, fill: 0, jpeg: 0 };
  /** Where COPY ops landed, to tell which pane a move was found in. */
  readonly copies: { seq: number; x: number; w: number; dx: number; dy: number }[] = [];
  private inflate: zlib.InflateRaw | undefined;
  private chunks: Buffer[] = [];
  private tail: Promise<void> = Promise.resolve();

  /** Queues one message; messages apply strictly in order. `onApplied` runs after an UPDATE is painted. */
  push(data: ArrayBuffer | Uint8Array, onApplied?: (seq: number) => void): Promise<void> {
    const bytes = new Uint8Array(data instanceof Uint8Array ? data : new Uint8Array(data)).slice();
    this.tail = this.tail.then(() => this.apply(bytes, onApplied));
    return this.tail;
  }

  private async apply(bytes: Uint8Array, onApplied?: (seq: number) => void): Promise<void> {
    const message = parseScreenMessage(bytes, this.width ? { width: this.width, height: this.height } : undefined);
    if (message.type === 'reset') {
      this.width = message.width;
      this.height = message.height;
      this.rgba = Buffer.alloc(message.width * message.height * 4);
      this.inflate?.destroy();
      this.inflate = zlib.createInflateRaw();
      this.inflate.on('data', (c: Buffer) => this.chunks.push(c));
      this.resets++;
      return;
    }
    if (message.type === 'mode') {
      this.mode = message.mode;
      this.modeSeq = message.seq;
      return;
    }
    const pixels = message.pixelBytes > 0 ? await this.inflateExactly(message.compressed, message.pixelBytes) : Buffer.alloc(0);
    let at = 0;
    const stride = this.width * 4;
    for (const op of message.ops) {
      this.opCounts[op.op]++;
      if (op.op === 'copy') {
        this.copies.push({ seq: message.seq, x: op.x, w: op.w, dx: op.x - op.srcX, dy: op.y - op.srcY });
        const down = op.y > op.srcY;
        const rows = Array.from({ length: op.h }, (_, i) => (down ? op.h - 1 - i : i));
        for (const i of rows) {
          const from = (op.srcY + i) * stride + op.srcX * 4;
          this.rgba.copy(this.rgba, (op.y + i) * stride + op.x * 4, from, from + op.w * 4);
        }
      } else if (op.op === 'fill') {
        const px = new Uint32Array(this.rgba.buffer, this.rgba.byteOffset, this.width * this.height);
        const value = (0xff000000 | (op.b << 16) | (op.g << 8) | op.r) >>> 0;
        for (let y = op.y; y < op.y + op.h; y++) px.fill(value, y * this.width + op.x, y * this.width + op.x + op.w);
      } else if (op.op === 'jpeg') {
        const image = await sharp(op.data).ensureAlpha().raw().toBuffer();
        for (let y = 0; y < op.h; y++) image.copy(this.rgba, (op.y + y) * stride + op.x * 4, y * op.w * 4, (y + 1) * op.w * 4);
      } else {
        for (let y = 0; y < op.h; y++) pixels.copy(this.rgba, (op.y + y) * stride + op.x * 4, at + y * op.w * 4, at + (y + 1) * op.w * 4);
        at += op.w * op.h * 4;
      }
    }
    this.lastSeq = message.seq;
    onApplied?.(message.seq);
  }

  private inflateExactly(compressed: Uint8Array, expected: number): Promise<Buffer> {
    const inflate = this.inflate as zlib.InflateRaw;
    return new Promise((resolve, reject) => {
      inflate.write(compressed);
      inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out = Buffer.concat(this.chunks);
        this.chunks = [];
        if (out.byteLength !== expected) reject(new Error(`inflated ${out.byteLength} bytes, expected ${expected}`));
        else resolve(out);
      });
    });
  }

  /** Pixels that differ from a BGRX screen image of the same size (0 when identical). */
  differences(bgrx: Buffer): number {
    let n = 0;
    for (let i = 0; i < this.width * this.height * 4; i += 4) {
      if (this.rgba[i] !== bgrx[i + 2] || this.rgba[i + 1] !== bgrx[i + 1] || this.rgba[i + 2] !== bgrx[i]) n++;
    }
    return n;
  }
}
