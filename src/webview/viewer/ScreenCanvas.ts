/**
 * ScreenCanvas: the lossless picture of the shared screen, a <canvas> of the screen's size stacked exactly
 * over the <video> in the stage (same box, same scaling; the remote cursor stays above it). It paints the
 * ops of the screen channel's updates; the video shows through while it is hidden.
 *
 * The picture is kept in a typed array (RGBA, the screen's size) where every op is applied (COPY is a
 * memmove, PIXELS a copy of rows, FILL a fill of words), and what an update changed goes to the canvas
 * with putImageData. On Chromium's software canvas a 4K scroll as two drawImage blits (out to a scratch canvas
 * and back: a canvas drawn onto itself snapshots it first) cost ~20 ms; a memmove and one putImageData ~10.
 */
import type { ScreenOp } from '../../protocol/screen';
import { IDisposable } from '../../common/lifecycle';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Changed rectangles put one by one up to this many; past it (or when they add up to more), their bounds at once. */
const MAX_PUTS = 16;

export class ScreenCanvas implements IDisposable {
  readonly element: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  /** The picture, RGBA (alpha 255), and the same memory as words and as ImageData for putImageData. */
  private pixels = new Uint8ClampedArray(4);
  private words = new Uint32Array(1);
  private image: ImageData | undefined;

  /** Placed right after `below` (the video), so later siblings (the cursor) stay on top. */
  constructor(below: HTMLElement) {
    this.element = document.createElement('canvas');
    this.element.className = 'ra-screen';
    this.element.width = 1;
    this.element.height = 1;
    // Pointer events fall through to the stage, where pointer capture listens.
    this.element.style.cssText = 'position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none;display:none';
    below.after(this.element);
    this.context = this.element.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
    this.context.imageSmoothingEnabled = false;
    this.allocate();
  }

  get width(): number {
    return this.element.width;
  }

  get height(): number {
    return this.element.height;
  }

  get visible(): boolean {
    return this.element.style.display !== 'none';
  }

  /** Sizes the canvas for a new picture; returns whether the size changed (which clears it). */
  resize(width: number, height: number): boolean {
    if (this.element.width === width && this.element.height === height) return false;
    this.element.width = width;
    this.element.height = height;
    this.context.imageSmoothingEnabled = false;
    this.allocate();
    return true;
  }

  /** A black picture of the canvas's size (what a resized canvas shows). */
  private allocate(): void {
    const { width, height } = this.element;
    this.pixels = new Uint8ClampedArray(width * height * 4);
    this.words = new Uint32Array(this.pixels.buffer);
    this.words.fill(opaque(0, 0, 0));
    this.image = undefined;
  }

  show(on: boolean): void {
    this.element.style.display = on ? 'block' : 'none';
  }

  /**
   * Applies one update's ops in order. `pixels` holds the PIXELS ops' RGBA bytes back to back; `images`
   * holds the JPEG ops' decoded images in order. Rectangles were checked against the screen on parse.
   */
  paint(ops: readonly ScreenOp[], pixels: Uint8ClampedArray<ArrayBuffer>, images: readonly ImageBitmap[] = []): void {
    const changed: Box[] = [];
    let at = 0;
    let image = 0;
    for (const op of ops) {
      if (op.op === 'copy') {
        this.copy(op.srcX, op.srcY, op);
      } else if (op.op === 'pixels') {
        this.write(pixels, at, op);
        at += op.w * op.h * 4;
      } else if (op.op === 'jpeg') {
        // Decoded by the browser: drawn on the canvas (after what is pending), then read into the picture.
        this.flush(changed.splice(0));
        this.context.drawImage(images[image++], op.x, op.y);
        this.write(this.context.getImageData(op.x, op.y, op.w, op.h).data, 0, op);
        continue;
      } else {
        this.fill(opaque(op.r, op.g, op.b), op);
      }
      changed.push({ x: op.x, y: op.y, w: op.w, h: op.h });
    }
    this.flush(changed);
  }

  /** COPY: rows in the order that never overwrites a source row before it is read (overlap-safe). */
  private copy(srcX: number, srcY: number, r: Box): void {
    const stride = this.element.width * 4;
    if (r.x === 0 && srcX === 0 && r.w === this.element.width) {
      this.pixels.copyWithin(r.y * stride, srcY * stride, (srcY + r.h) * stride);
      return;
    }
    const down = r.y > srcY;
    for (let i = 0; i < r.h; i++) {
      const row = down ? r.h - 1 - i : i;
      const from = (srcY + row) * stride + srcX * 4;
      this.pixels.copyWithin((r.y + row) * stride + r.x * 4, from, from + r.w * 4);
    }
  }

  /** PIXELS: `r.w * r.h` RGBA pixels from `source` at `offset`, row by row (one copy for whole rows). */
  private write(source: Uint8ClampedArray, offset: number, r: Box): void {
    const stride = this.element.width * 4;
    const row = r.w * 4;
    if (r.x === 0 && r.w === this.element.width) {
      this.pixels.set(source.subarray(offset, offset + row * r.h), r.y * stride);
      return;
    }
    for (let y = 0; y < r.h; y++) this.pixels.set(source.subarray(offset + y * row, offset + (y + 1) * row), (r.y + y) * stride + r.x * 4);
  }

  private fill(colour: number, r: Box): void {
    const width = this.element.width;
    for (let y = r.y; y < r.y + r.h; y++) this.words.fill(colour, y * width + r.x, y * width + r.x + r.w);
  }

  /** Puts the changed rectangles on the canvas: one by one, or their bounds when that is fewer pixels or calls. */
  private flush(changed: readonly Box[]): void {
    if (changed.length === 0) return;
    this.image ??= new ImageData(this.pixels, this.element.width, this.element.height);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = 0;
    let y1 = 0;
    let area = 0;
    for (const r of changed) {
      x0 = Math.min(x0, r.x);
      y0 = Math.min(y0, r.y);
      x1 = Math.max(x1, r.x + r.w);
      y1 = Math.max(y1, r.y + r.h);
      area += r.w * r.h;
    }
    if (changed.length > MAX_PUTS || area >= (x1 - x0) * (y1 - y0)) {
      this.context.putImageData(this.image, 0, 0, x0, y0, x1 - x0, y1 - y0);
      return;
    }
    for (const r of changed) this.context.putImageData(this.image, 0, 0, r.x, r.y, r.w, r.h);
  }

  dispose(): void {
    this.element.remove();
  }
}

/** A pixel of the picture as a word: RGBA bytes in memory are 0xAABBGGRR on a little-endian machine (every browser). */
function opaque(r: number, g: number, b: number): number {
  return (0xff000000 | (b << 16) | (g << 8) | r) >>> 0;
}
