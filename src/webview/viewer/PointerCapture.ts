/** Turns pointer and wheel events on the remote desktop into input messages in screen coordinates. */
import { InputMessage, PointerButton } from '../../protocol/peer';
import { IDisposable } from '../../common/lifecycle';

const BUTTONS: readonly PointerButton[] = ['left', 'middle', 'right', 'back', 'forward'];
/** Pixels of wheel travel (deltaMode 0) that make one notch on the remote side. */
const PIXELS_PER_NOTCH = 100;

export class PointerCapture implements IDisposable {
  private wheelX = 0;
  private wheelY = 0;
  private readonly held = new Set<PointerButton>();
  /** Where the pointer last was, in client and screen coordinates. */
  private last: { clientX: number; clientY: number; screen: { x: number; y: number } } | undefined;
  private readonly listeners: [string, EventListener][] = [];

  constructor(
    private readonly target: HTMLElement,
    /** Maps a client point to screen coordinates, or undefined when outside the screen. */
    private readonly toScreen: (clientX: number, clientY: number) => { x: number; y: number } | undefined,
    private readonly send: (message: InputMessage) => void,
  ) {
    this.listen('pointermove', (e) => this.onMove(e as PointerEvent));
    this.listen('pointerdown', (e) => this.onButton(e as PointerEvent, true));
    this.listen('pointerup', (e) => this.onButton(e as PointerEvent, false));
    this.listen('wheel', (e) => this.onWheel(e as WheelEvent));
    this.listen('contextmenu', (e) => e.preventDefault());
  }

  private listen(type: string, listener: EventListener): void {
    this.target.addEventListener(type, listener, { passive: false });
    this.listeners.push([type, listener]);
  }

  /**
   * The screen point under the pointer. A pointer that has not moved keeps its point even if the page's layout
   * moved the desktop under it (the panel's header rewraps on the first click), so press and release agree.
   */
  private locate(e: MouseEvent): { x: number; y: number } | undefined {
    const last = this.last;
    if (last && last.clientX === e.clientX && last.clientY === e.clientY) return last.screen;
    const screen = this.toScreen(e.clientX, e.clientY);
    this.last = screen && { clientX: e.clientX, clientY: e.clientY, screen };
    return screen;
  }

  private onMove(e: PointerEvent): void {
    const p = this.locate(e);
    if (p) this.send({ type: 'pointerMove', x: p.x, y: p.y });
  }

  private onButton(e: PointerEvent, down: boolean): void {
    const button = BUTTONS[e.button];
    const p = this.locate(e);
    if (!button || !p) return;
    e.preventDefault();
    if (down) {
      this.target.focus();
      this.target.setPointerCapture?.(e.pointerId);
      this.held.add(button);
    } else if (!this.held.delete(button)) return;
    this.send({ type: 'pointerButton', button, down, x: p.x, y: p.y });
  }

  private onWheel(e: WheelEvent): void {
    const p = this.locate(e);
    if (!p) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? PIXELS_PER_NOTCH / 3 : e.deltaMode === 2 ? PIXELS_PER_NOTCH * 10 : 1;
    this.wheelX += e.deltaX * unit;
    this.wheelY += e.deltaY * unit;
    const dx = Math.max(-20, Math.min(20, Math.trunc(this.wheelX / PIXELS_PER_NOTCH)));
    const dy = Math.max(-20, Math.min(20, Math.trunc(this.wheelY / PIXELS_PER_NOTCH)));
    if (dx === 0 && dy === 0) return;
    this.wheelX -= dx * PIXELS_PER_NOTCH;
    this.wheelY -= dy * PIXELS_PER_NOTCH;
    this.send({ type: 'wheel', x: p.x, y: p.y, dx, dy });
  }

  dispose(): void {
    for (const [type, listener] of this.listeners) this.target.removeEventListener(type, listener);
    this.listeners.length = 0;
  }
}
