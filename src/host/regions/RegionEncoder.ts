/**
 * Turns captured frames into screen-channel messages. It keeps a shadow of the screen as the viewer last
 * got it and diffs each frame against it (never against the previous capture), so changes held back by
 * flow control coalesce. Per frame: scrolled bands become COPY ops, solid rectangles FILL, the rest PIXELS
 * through one deflate stream; each UPDATE stays under SCREEN_MESSAGE_MAX_BYTES and the area the viewer accepts per update. On a slow link (the
 * settings say so) photo-like blocks go as JPEG and the rest at a reduced colour depth; those tiles are
 * remembered and `refine` later sends them losslessly.
 */
import sharp from 'sharp';
import { IDisposable } from '../../common/lifecycle';
import { encodeReset, encodeUpdate, Rect, ScreenOp, updateAreaLimit } from '../../protocol/screen';
import { COMPACT_LEVEL, DeflateStream, FAST_LEVEL } from './DeflateStream';
import { FrameDiff, TILE_H } from './FrameDiff';
import { LossyTiles } from './LossyTiles';
import { ColourDepth, manyColours, rgb, solidColor, writeRgba } from './RectPixels';
import { Move, MoveDetector } from './MoveDetector';
import { ScrollDetector } from './ScrollDetector';

/** How the encoder trades exactness for bytes; the link's quality controller picks one. */
export interface EncoderSettings {
  /** JPEG quality (1–100) for photo-like blocks, or undefined for none. */
  readonly jpegQuality?: number;
  /** Bits per colour channel for PIXELS (8: exact). */
  readonly depth: ColourDepth;
  /** A fixed zlib level, or undefined to pick by frame size (fast links: CPU matters more than bytes). */
  readonly level?: number;
  /** Pixel bytes per UPDATE at most (default UPDATE_PIXEL_BYTES): small on a slow link, so acks come often. */
  readonly updateBytes?: number;
}

export const EXACT: EncoderSettings = { depth: 8 };

/** Photo detection works on blocks of this size; a JPEG covers a run of up to JPEG_MAX_BLOCKS of them in a row. */
const BLOCK = 64;
const JPEG_MAX_BLOCKS = 4;
/** More distinct colours than this in a block: photo-like (text and UI, even anti-aliased, have far fewer). */
const PHOTO_COLOURS = 256;

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
  /** PIXELS plus JPEG bytes: the message budget. */
  bytes: number;
}

/** A piece of a changed rectangle, photo-like (JPEG) or not. */
interface Part {
  x: number;
  y: number;
  w: number;
  h: number;
  photo: boolean;
}

/** One op of a frame before packing into updates: PIXELS carry their RGBA, JPEG its encoding in flight. */
type Piece = { op: ScreenOp; pixels?: Buffer } | { jpeg: Rect; data: Promise<Buffer> };

/** What one frame changes, decided before any encoding: moves (already applied to the shadow) then rectangles. */
interface FramePlan {
  readonly moves: readonly Move[];
  readonly rects: readonly Rect[];
  readonly diffMs: number;
  readonly scrollMs: number;
}

export class RegionEncoder implements IDisposable {
  private readonly shadow: Buffer;
  private readonly diff: FrameDiff;
  private readonly scroll: ScrollDetector;
  private readonly mover: MoveDetector;
  private readonly stride: number;
  private deflate: DeflateStream | undefined;
  private seq = 0;
  /** Compressed / raw bytes of recent sizeable frames. */
  private ratio = 0;
  private settings: EncoderSettings = EXACT;
  private readonly lossy: LossyTiles;
  /** The band a scroll was found in, last frame (see steadyScroll). */
  private scrollBand: Rect | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
    /** A fixed zlib level (benchmarks compare them); by default it follows the frame's size. */
    private readonly fixedLevel?: number,
  ) {
    this.shadow = Buffer.alloc(width * height * 4);
    this.diff = new FrameDiff(width, height);
    this.scroll = new ScrollDetector(width);
    this.mover = new MoveDetector(width, height);
    this.stride = width * 4;
    this.lossy = new LossyTiles(width, height);
  }

  /** Applies from the next frame on; what was sent approximately stays marked for `refine`. */
  setSettings(settings: EncoderSettings): void {
    this.settings = settings;
  }

  /** Tiles the viewer shows only approximately (JPEG or reduced depth), waiting for `refine`. */
  get approximateTiles(): number {
    return this.lossy.count;
  }

  /**
   * Lossless refresh: sends approximate tiles again exactly, up to about `maxPixelBytes` of pixels (the rest
   * on later calls). Call when `encode` found nothing to send and the link has room.
   */
  async refine(current: Buffer, maxPixelBytes: number): Promise<EncodedFrame | undefined> {
    if (!this.deflate) throw new Error('RegionEncoder.refine before reset');
    const rects: Rect[] = [];
    let bytes = 0;
    for (const r of this.diff.tileRects(this.lossy.map)) {
      if (bytes >= maxPixelBytes) break;
      // A tall run is cut to the budget's rows so that one call stays about its size.
      const rows = Math.max(TILE_H, Math.floor((maxPixelBytes - bytes) / (r.w * 4 * TILE_H)) * TILE_H);
      const part = { ...r, h: Math.min(r.h, rows) };
      rects.push(part);
      bytes += part.w * part.h * 4;
    }
    if (rects.length === 0) return undefined;
    return this.encodePlan(current, { moves: [], rects, diffMs: 0, scrollMs: 0 }, [], EXACT);
  }

  /** RESET, then the whole screen (a new deflate stream; the viewer starts from a black canvas). */
  async reset(current: Buffer): Promise<EncodedFrame> {
    this.deflate?.dispose();
    this.deflate = new DeflateStream(this.fixedLevel);
    this.shadow.fill(0);
    this.lossy.reset();
    this.scrollBand = undefined;
    const started = performance.now();
    const rects = this.diff.rects(current, this.shadow);
    const plan: FramePlan = { moves: [], rects, diffMs: performance.now() - started, scrollMs: 0 };
    const black: ScreenOp = { op: 'fill', x: 0, y: 0, w: this.width, h: this.height, r: 0, g: 0, b: 0 };
    const frame = await this.encodePlan(current, plan, [black]);
    const reset = encodeReset(this.width, this.height);
    return { ...frame, messages: [reset, ...frame.messages], bytes: frame.bytes + reset.byteLength };
  }

  /**
   * The updates that bring the viewer to `current`, or undefined when it already shows it. `changed`: where
   * `current` may differ from the frame the last encode, observe or reset saw (undefined: anywhere).
   */
  async encode(current: Buffer, changed?: readonly Rect[]): Promise<EncodedFrame | undefined> {
    if (!this.deflate) throw new Error('RegionEncoder.encode before reset');
    const plan = this.plan(current, changed);
    if (plan.moves.length === 0 && plan.rects.length === 0) return undefined;
    return this.encodePlan(current, plan, []);
  }

  /**
   * Video mode: what the lossless path would send for `current`, in uncompressed pixel bytes, without
   * encoding; the shadow follows the screen so the estimate stays per frame.
   */
  observe(current: Buffer, changed?: readonly Rect[]): number {
    const plan = this.plan(current, changed);
    let bytes = 0;
    for (const r of plan.rects) {
      if (solidColor(current, this.width, r) < 0) bytes += r.w * r.h * 4;
      this.copyToShadow(current, r);
    }
    return bytes;
  }

  /**
   * Moves, then what still differs. A band that scrolled last frame is tried first at a recent offset (a
   * memcmp per row: see steadyScroll), so the diff looks only at what that move did not explain: at 4K a diff
   * of the whole changed screen before the scroll search cost as much as the search itself (~9 ms a frame),
   * also for a band half the screen wide (a log's lines). What still changed in tall runs (all of it when no
   * band went on scrolling) is searched for scrolls by other offsets (a pane beside it) and a moved window.
   */
  private plan(current: Buffer, changed: readonly Rect[] | undefined): FramePlan {
    let t = performance.now();
    const steady = this.steadyScroll(current);
    let scrollMs = performance.now() - t;
    t = performance.now();
    let rects = this.diffAfterMoves(current, steady, changed);
    let diffMs = performance.now() - t;
    let moves: Move[] = [];
    const band = bounds(rects.filter((r) => r.h >= 2 * TILE_H));
    if (steady.length === 0) this.scrollBand = undefined;
    if (band) {
      t = performance.now();
      moves = this.scroll.detect(current, this.shadow, band).map((m) => ({ ...m, srcX: m.x }));
      // A window dragged across the screen moved in two dimensions, its old place in the band; it wins over
      // vertical moves covering less (a desktop's pattern repeats vertically here and there).
      // Scrolls elsewhere (a terminal printing) stay: those clear of the moved window's old and new places.
      const moved = this.mover.detect(current, this.shadow, cluster(rects));
      if (moved) {
        const from = { x: moved.srcX, y: moved.srcY, w: moved.w, h: moved.h };
        const clear = (m: Move) => [m, { x: m.srcX, y: m.srcY, w: m.w, h: m.h }].every((r) => !overlaps(r, moved) && !overlaps(r, from));
        const kept = moves.filter(clear);
        if (moved.w * moved.h > moves.filter((m) => !clear(m)).reduce((n, m) => n + m.w * m.h, 0)) moves = [...kept, moved];
      }
      this.applyMoves(moves);
      scrollMs += performance.now() - t;
      if (moves.length > 0) {
        this.scrollBand ??= band;
        t = performance.now();
        rects = this.diffAfterMoves(current, [...steady, ...moves], changed);
        diffMs += performance.now() - t;
      }
    }
    return { moves: [...steady, ...moves], rects, diffMs, scrollMs };
  }

  /**
   * The band that scrolled last frame, moved by a recent offset if that holds nearly everywhere in it (the
   * moves, applied to the shadow), else nothing.
   */
  private steadyScroll(current: Buffer): Move[] {
    const band = this.scrollBand;
    if (!band) return [];
    const moves: Move[] = this.scroll.continued(current, this.shadow, band).map((m) => ({ ...m, srcX: m.x }));
    this.applyMoves(moves);
    return moves;
  }

  private applyMoves(moves: readonly Move[]): void {
    for (const m of moves) {
      this.moveInShadow(m);
      this.lossy.moved({ x: m.srcX, y: m.srcY, w: m.w, h: m.h }, m);
    }
  }

  /**
   * What still differs once `moves` are in the shadow: where each move landed was verified against the current
   * frame (the scroll detector row by row, the move detector column by column), so only the rest is compared.
   */
  private diffAfterMoves(current: Buffer, moves: readonly Move[], changed: readonly Rect[] | undefined): Rect[] {
    return this.diff.rects(current, this.shadow, moves, changed);
  }

  private async encodePlan(current: Buffer, plan: FramePlan, leading: ScreenOp[], settings = this.settings): Promise<EncodedFrame> {
    const started = performance.now();
    const pieces: Piece[] = leading.map((op) => ({ op }));
    for (const m of plan.moves) pieces.push({ op: { op: 'copy', x: m.x, y: m.y, w: m.w, h: m.h, srcX: m.srcX, srcY: m.srcY } });
    let pixelBytes = 0;
    for (const r of plan.rects) {
      const color = solidColor(current, this.width, r);
      if (color >= 0) {
        pieces.push({ op: { op: 'fill', ...r, r: (color >> 16) & 0xff, g: (color >> 8) & 0xff, b: color & 0xff } });
        this.lossy.clear(r);
      } else {
        for (const part of this.split(current, r, settings)) {
          if (part.photo) {
            pieces.push({ jpeg: part, data: sharp(rgb(current, this.width, part), { raw: { width: part.w, height: part.h, channels: 3 } }).jpeg({ quality: settings.jpegQuality }).toBuffer() });
            this.lossy.mark(part);
            continue;
          }
          // Tall rectangles go in bands of rows so that no update exceeds its pixel budget.
          const rows = Math.max(1, Math.floor(Math.min(UPDATE_PIXEL_BYTES, settings.updateBytes ?? UPDATE_PIXEL_BYTES) / (part.w * 4)));
          let exact = true;
          for (let y = part.y; y < part.y + part.h; y += rows) {
            const band = { x: part.x, y, w: part.w, h: Math.min(rows, part.y + part.h - y) };
            const out = Buffer.allocUnsafeSlow(band.w * band.h * 4);
            if (!writeRgba(current, this.width, band, out, 0, settings.depth)) exact = false;
            pieces.push({ op: { op: 'pixels', ...band }, pixels: out });
            pixelBytes += out.byteLength;
          }
          if (exact) this.lossy.clear(part);
          else this.lossy.mark(part);
        }
      }
      this.copyToShadow(current, r);
    }
    const updates = await this.pack(pieces, Math.min(UPDATE_PIXEL_BYTES, settings.updateBytes ?? UPDATE_PIXEL_BYTES));
    const deflate = this.deflate as DeflateStream;
    const level = settings.level ?? this.fixedLevel ?? (pixelBytes > LARGE_FRAME_BYTES || this.ratio > POOR_RATIO ? FAST_LEVEL : COMPACT_LEVEL);
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

  /**
   * A changed rectangle in parts: all of it as pixels, or (when JPEG is on) in bands of BLOCK rows, each cut
   * into runs of photo-like and other blocks, photo runs at most JPEG_MAX_BLOCKS wide.
   */
  private split(current: Buffer, r: Rect, settings: EncoderSettings): Part[] {
    if (settings.jpegQuality === undefined || r.w * r.h < BLOCK * BLOCK) return [{ ...r, photo: false }];
    const parts: Part[] = [];
    for (let y = r.y; y < r.y + r.h; y += BLOCK) {
      const h = Math.min(BLOCK, r.y + r.h - y);
      let run: Part | undefined;
      for (let x = r.x; x < r.x + r.w; x += BLOCK) {
        const block = { x, y, w: Math.min(BLOCK, r.x + r.w - x), h };
        const photo = block.w * block.h >= (BLOCK * BLOCK) / 4 && manyColours(current, this.width, block, PHOTO_COLOURS);
        if (run && run.photo === photo && (!photo || run.w < JPEG_MAX_BLOCKS * BLOCK)) run.w += block.w;
        else parts.push((run = { ...block, photo }));
      }
    }
    return parts;
  }

  /** Pieces in order into updates under the message budget, JPEG encodings awaited. */
  private async pack(pieces: Piece[], budget: number): Promise<PendingUpdate[]> {
    const updates: PendingUpdate[] = [];
    const areaLimit = updateAreaLimit(this);
    let pending: PendingUpdate = { ops: [], pixels: [], pixelBytes: 0, bytes: 0, area: 0 };
    for (const piece of pieces) {
      const op: ScreenOp = 'jpeg' in piece ? { op: 'jpeg', ...piece.jpeg, data: await piece.data } : piece.op;
      const pixels = 'jpeg' in piece ? undefined : piece.pixels;
      const bytes = op.op === 'jpeg' ? op.data.byteLength : (pixels?.byteLength ?? 0);
      const area = op.w * op.h;
      if (pending.ops.length > 0 && (pending.ops.length >= UPDATE_MAX_OPS || pending.bytes + bytes > budget || pending.area + area > areaLimit)) {
        updates.push(pending);
        pending = { ops: [], pixels: [], pixelBytes: 0, bytes: 0, area: 0 };
      }
      pending.area += area;
      pending.ops.push(op);
      pending.bytes += bytes;
      if (pixels) {
        pending.pixels.push(pixels);
        pending.pixelBytes += pixels.byteLength;
      }
    }
    if (pending.ops.length > 0) updates.push(pending);
    return updates;
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
  private moveInShadow(m: Move): void {
    if (m.x === 0 && m.w === this.width) {
      // Whole rows are one contiguous block: one memmove (overlap-safe) instead of a copy per row.
      this.shadow.copy(this.shadow, m.y * this.stride, m.srcY * this.stride, (m.srcY + m.h) * this.stride);
      return;
    }
    const down = m.y > m.srcY;
    for (let i = 0; i < m.h; i++) {
      const row = down ? m.h - 1 - i : i;
      const from = (m.srcY + row) * this.stride + m.srcX * 4;
      const to = (m.y + row) * this.stride + m.x * 4;
      this.shadow.copy(this.shadow, to, from, from + m.w * 4);
    }
  }

  dispose(): void {
    this.deflate?.dispose();
  }
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

const CLUSTER_MAX_RECTS = 256;

/**
 * The bounds of the changes around the largest one (those touching it, and those touching them): a dragged
 * window's old and new places, without other changes elsewhere on the screen (a terminal printing, a clock).
 */
function cluster(rects: readonly Rect[]): Rect {
  // Many changes: the whole screen is busy (and the search is skipped for large bands anyway).
  if (rects.length > CLUSTER_MAX_RECTS) return bounds(rects) as Rect;
  let band = rects.reduce((a, b) => (b.w * b.h > a.w * a.h ? b : a));
  const touches = (a: Rect, b: Rect) => a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
  let rest = rects.filter((r) => r !== band);
  for (let joined = rest.filter((r) => touches(r, band)); joined.length > 0; joined = rest.filter((r) => touches(r, band))) {
    band = bounds([band, ...joined]) as Rect;
    rest = rest.filter((r) => !joined.includes(r));
  }
  return band;
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
