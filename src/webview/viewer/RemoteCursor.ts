/** Draws the sharer's cursor over the video from shape + position messages (cheaper and quicker than video). */
import { HostControlMessage } from '../../protocol/peer';
import { IDisposable } from '../../common/lifecycle';

type CursorShape = Extract<HostControlMessage, { type: 'cursorShape' }>;

export class RemoteCursor implements IDisposable {
  private readonly canvas: HTMLCanvasElement;
  private shape: CursorShape | undefined;
  private factor = 1;
  private x = 0;
  private y = 0;

  constructor(parent: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'ra-cursor';
    this.canvas.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;display:none';
    parent.append(this.canvas);
  }

  setShape(shape: CursorShape): void {
    const bytes = Uint8ClampedArray.from(atob(shape.rgba), (c) => c.charCodeAt(0));
    if (bytes.length !== shape.width * shape.height * 4) return;
    this.shape = shape;
    this.canvas.width = shape.width;
    this.canvas.height = shape.height;
    this.canvas.getContext('2d')?.putImageData(new ImageData(bytes, shape.width, shape.height), 0, 0);
    this.place();
  }

  move(x: number, y: number, _serial: number): void {
    this.x = x;
    this.y = y;
    this.place();
  }

  setFactor(factor: number): void {
    this.factor = factor;
    this.place();
  }

  private place(): void {
    const s = this.shape;
    if (!s) return;
    this.canvas.style.display = 'block';
    this.canvas.style.width = `${s.width * this.factor}px`;
    this.canvas.style.height = `${s.height * this.factor}px`;
    this.canvas.style.transform = `translate(${(this.x - s.xhot) * this.factor}px, ${(this.y - s.yhot) * this.factor}px)`;
  }

  dispose(): void {
    this.canvas.remove();
  }
}
