/**
 * Turns captured frames into screen-channel messages. It keeps a shadow of what the viewer shows and diffs
 * each frame against it (never against the previous capture), so changes held back by flow control
 * coalesce. Per frame: scrolled bands become COPY ops, solid rectangles FILL, the rest PIXELS through one
 * deflate stream; each UPDATE stays under SCREEN_MESSAGE_MAX_BYTES and the area the viewer accepts per update.
 */
import { IDisposable } from '../../common/lifecycle';
import { encodeReset, encodeUpdate, Rect, ScreenOp, updateAreaLimit } from '../../protocol/screen';
import { COMPACT_LEVEL, DeflateStream, FAST_LEVEL } from './DeflateStream';
import { FrameDiff, TILE_H } from './FrameDiff';
import { solidColor, writeRgba } from './RectPixels';
import { ScrollDetector, ScrollMove } from './ScrollDetector';

/**
 * Pixel bytes and ops per UPDATE: even incompressible pixels (deflate's stored blocks add ~0.03 %) plus
 * 13-byte ops and the header stay under SCREEN_MESSAGE_MAX_BYTES (246 006 + 13 312 + 75 < 262 144).
 */
export const UPDATE_PIXEL_BYTES = 240 * 1024;
const UPDATE_MAX_OPS = 1024;
/** Frames with more pixel bytes than this compress at the fast level (see DeflateStream)… */
const LARGE_FRAME_BYTES = 256 * 1024;
/** …and so do all while recent frames compressed worse than this (photos, video: level 6 only costs time). */
const POOR_RATIO = 0.15;

export interface EncodedFrame {
  readonly messages: Uint8Array<ArrayBuffer>[];
  /** Seq of the last UPDATE; its ack means the viewer painted the whole frame. */
  readonly lastSeq: number;
  readonly bytes: number;
  /** Uncompressed PIXELS bytes (for the compression ratio). */
  readonly pixelBytes: number;
  readonly copies: number;
  readonly diffMs: number;
  readonly scrollMs: number;
  readonly encodeMs: number;
}

interface PendingUpdate {
  ops: ScreenOp[];
  pixels: Buffer[];
  pixelBytes: number;
  /** Pixels the ops draw (see updateAreaLimit). */
  area: number;
}

/** What one frame changes, decided before any encoding: moves (already applied to the shadow) then rectangles. */
interface FramePlan {
  readonly moves: readonly ScrollMove[];
  readonly rects: readonly Rect[];
  readonly diffMs: number;
  readonly scrollMs: number;
}

export class RegionEncoder implements IDisposable {
  private readonly shadow: Buffer;
  private readonly diff: FrameDiff;
  private readonly scroll: ScrollDetector;
  private readonly stride: number;
  private deflate: DeflateStream | undefined;
  private seq = 0;
  /** Compressed / raw bytes of recent sizeable frames. */
  private ratio = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    /** A fixed zlib level (benchmarks compare them); by default it follows the frame's size. */
    private readonly fixedLevel?: number,
  ) {
    this.shadow = Buffer.alloc(width * height * 4);
    this.diff = new FrameDiff(width, height);
    this.scroll = new ScrollDetector(width);
    this.stride = width * 4;
  }

  /** RESET, then the whole screen (a new deflate stream; the viewer starts from a black canvas). */
  async reset(current: Buffer): Promise<EncodedFrame> {
    this.deflate?.dispose();
    this.deflate = new DeflateStream(this.fixedLevel);
    this.shadow.fill(0);
    const started = performance.now();
    const rects = this.diff.rects(current, this.shadow);
    const plan: FramePlan = { moves: [], rects, diffMs: performance.now() - started, scrollMs: 0 };
    const black: ScreenOp = { op: 'fill', x: 0, y: 0, w: this.width, h: this.height, r: 0, g: 0, b: 0 };
    const frame = await this.encodePlan(current, plan, [black]);
    const reset = encodeReset(this.width, this.height);
    return { ...frame, messages: [reset, ...frame.messages], bytes: frame.bytes + reset.byteLength };
  }

  /** The updates that bring the viewer to `current`, or undefined when it already shows it. */
  async encode(current: Buffer): Promise<EncodedFrame | undefined> {
    if (!this.deflate) throw new Error('RegionEncoder.encode before reset');
    const plan = this.plan(current);
    if (plan.moves.length === 0 && plan.rects.length === 0) return undefined;
    return this.encodePlan(current, plan, []);
  }

  /**
   * Video mode: what the lossless path would send for `current`, in uncompressed pixel bytes, without
   * encoding; the shadow follows the screen so the estimate stays per frame.
   */
  observe(current: Buffer): number {
    const plan = this.plan(current);
    let bytes = 0;
    for (const r of plan.rects) {
      if (solidColor(current, this.width, r) < 0) bytes += r.w * r.h * 4;
      this.copyToShadow(current, r);
    }
    return bytes;
  }

  private plan(current: Buffer): FramePlan {
    let t = performance.now();
    let rects = this.diff.rects(current, this.shadow);
    let diffMs = performance.now() - t;
    let scrollMs = 0;
    let moves: ScrollMove[] = [];
    const band = bounds(rects.filter((r) => r.h >= 2 * TILE_H));
    if (band) {
      t = performance.now();
      moves = this.scroll.detect(current, this.shadow, band);
      for (const m of moves) this.moveInShadow(m);
      scrollMs = performance.now() - t;
      if (moves.length > 0) {
        t = performance.now();
        rects = this.diff.rects(current, this.shadow);
        diffMs += performance.now() - t;
      }
    }
    return { moves, rects, diffMs, scrollMs };
  }

  private async encodePlan(current: Buffer, plan: FramePlan, leading: ScreenOp[]): Promise<EncodedFrame> {
    const started = performance.now();
    const updates: PendingUpdate[] = [];
    const areaLimit = updateAreaLimit(this);
    let pending: PendingUpdate = { ops: [...leading], pixels: [], pixelBytes: 0, area: leading.reduce((n, op) => n + op.w * op.h, 0) };
    const push = (op: ScreenOp, pixels?: Buffer) => {
      const bytes = pixels?.byteLength ?? 0;
      const area = op.w * op.h;
      if (pending.ops.length >= UPDATE_MAX_OPS || pending.pixelBytes + bytes > UPDATE_PIXEL_BYTES || pending.area + area > areaLimit) {
        updates.push(pending);
        pending = { ops: [], pixels: [], pixelBytes: 0, area: 0 };
      }
      pending.area += area;
      pending.ops.push(op);
      if (pixels) {
        pending.pixels.push(pixels);
        pending.pixelBytes += bytes;
      }
    };
    for (const m of plan.moves) push({ op: 'copy', x: m.x, y: m.y, w: m.w, h: m.h, srcX: m.x, srcY: m.srcY });
    let pixelBytes = 0;
    for (const r of plan.rects) {
      const color = solidColor(current, this.width, r);
      if (color >= 0) push({ op: 'fill', ...r, r: (color >> 16) & 0xff, g: (color >> 8) & 0xff, b: color & 0xff });
      else {
        // Tall rectangles go in bands of rows so that no update exceeds its pixel budget.
        const rows = Math.max(1, Math.floor(UPDATE_PIXEL_BYTES / (r.w * 4)));
        for (let y = r.y; y < r.y + r.h; y += rows) {
          const part = { x: r.x, y, w: r.w, h: Math.min(rows, r.y + r.h - y) };
          const out = Buffer.allocUnsafeSlow(part.w * part.h * 4);
          writeRgba(current, this.width, part, out, 0);
          push({ op: 'pixels', ...part }, out);
          pixelBytes += out.byteLength;
        }
      }
      this.copyToShadow(current, r);
    }
    if (pending.ops.length > 0) updates.push(pending);
    const deflate = this.deflate as DeflateStream;
    const level = this.fixedLevel ?? (pixelBytes > LARGE_FRAME_BYTES || this.ratio > POOR_RATIO ? FAST_LEVEL : COMPACT_LEVEL);
    const messages: Uint8Array<ArrayBuffer>[] = [];
    let bytes = 0;
    for (const u of updates) {
      const compressed = u.pixelBytes > 0 ? await deflate.compress(u.pixels.length === 1 ? u.pixels[0] : Buffer.concat(u.pixels), level) : new Uint8Array(0);
      const message = encodeUpdate(++this.seq, u.ops, compressed);
      messages.push(message);
      bytes += message.byteLength;
    }
    if (pixelBytes > 64 * 1024) this.ratio = this.ratio * 0.7 + (bytes / pixelBytes) * 0.3;
    return { messages, lastSeq: this.seq, bytes, pixelBytes, copies: plan.moves.length, diffMs: plan.diffMs, scrollMs: plan.scrollMs, encodeMs: performance.now() - started };
  }

  /** Last seq sent: an ack above it is a lie. */
  get lastSeq(): number {
    return this.seq;
  }

  private copyToShadow(current: Buffer, r: Rect): void {
    for (let y = r.y; y < r.y + r.h; y++) {
      const a = y * this.stride + r.x * 4;
      current.copy(this.shadow, a, a, a + r.w * 4);
    }
  }

  /** Applies a COPY to the shadow exactly as the viewer applies it to its canvas (overlap-safe). */
  private moveInShadow(m: ScrollMove): void {
    const down = m.y > m.srcY;
    for (let i = 0; i < m.h; i++) {
      const row = down ? m.h - 1 - i : i;
      const from = (m.srcY + row) * this.stride + m.x * 4;
      const to = (m.y + row) * this.stride + m.x * 4;
      this.shadow.copy(this.shadow, to, from, from + m.w * 4);
    }
  }

  dispose(): void {
    this.deflate?.dispose();
  }
}

function bounds(rects: readonly Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = 0;
  let y1 = 0;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.w);
    y1 = Math.max(y1, r.y + r.h);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
