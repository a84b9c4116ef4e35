/**
 * ScreenCanvas: the lossless picture of the shared screen, a <canvas> of the screen's size stacked exactly
 * over the <video> in the stage (same box, same scaling; the remote cursor stays above it). It paints the
 * ops of the screen channel's updates; the video shows through while it is hidden.
 */
import type { ScreenOp } from '../../protocol/screen';
import { IDisposable } from '../../common/lifecycle';

export class ScreenCanvas implements IDisposable {
  readonly element: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  /** COPY goes through here; made on the first COPY, sized with the screen. */
  private scratch: { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } | undefined;

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
    this.scratch = undefined;
    return true;
  }

  show(on: boolean): void {
    this.element.style.display = on ? 'block' : 'none';
  }

  /**
   * Applies one update's ops in order. `pixels` holds the PIXELS ops' RGBA bytes back to back; each op
   * gets an ImageData view over its part (no copy); `images` holds the JPEG ops' decoded images in order.
   * Rectangles were checked against the screen on parse.
   */
  paint(ops: readonly ScreenOp[], pixels: Uint8ClampedArray<ArrayBuffer>, images: readonly ImageBitmap[] = []): void {
    const ctx = this.context;
    let at = 0;
    let image = 0;
    for (const op of ops) {
      if (op.op === 'copy') {
        // Out to a scratch canvas and back: overlap-safe, and a 1080p scroll costs ~1.4 ms where drawing
        // the canvas onto itself (a snapshot of the whole bitmap) cost 7-9 ms on a software canvas.
        const scratch = this.scratchCanvas();
        scratch.context.drawImage(this.element, op.srcX, op.srcY, op.w, op.h, 0, 0, op.w, op.h);
        ctx.drawImage(scratch.canvas, 0, 0, op.w, op.h, op.x, op.y, op.w, op.h);
      } else if (op.op === 'pixels') {
        const length = op.w * op.h * 4;
        ctx.putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer, pixels.byteOffset + at, length), op.w, op.h), op.x, op.y);
        at += length;
      } else if (op.op === 'jpeg') {
        ctx.drawImage(images[image++], op.x, op.y);
      } else {
        ctx.fillStyle = `rgb(${op.r},${op.g},${op.b})`;
        ctx.fillRect(op.x, op.y, op.w, op.h);
      }
    }
  }

  private scratchCanvas(): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } {
    if (!this.scratch) {
      const canvas = document.createElement('canvas');
      canvas.width = this.element.width;
      canvas.height = this.element.height;
      const context = canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
      context.imageSmoothingEnabled = false;
      this.scratch = { canvas, context };
    }
    return this.scratch;
  }

  dispose(): void {
    this.element.remove();
  }
}
