/**
 * The helper's marks on the remote view, which the sharer's host draws on the sharer's real screen:
 *  - Alt+click anywhere on the desktop sends "look here" at that point (no control needed; it is never input);
 *  - in a drawing mode (pen or arrow) a drag draws a stroke: a canvas over the desktop takes the pointer
 *    (nothing reaches the remote input then), previews the stroke while it is drawn and sends it on release.
 * The helper then sees the mark in the picture, as the sharer's screen shows it (the preview goes soon after).
 */
import { ANNOTATION_MAX_POINTS, AnnotationMessage } from '../../protocol/peer';
import { IDisposable } from '../../common/lifecycle';

export type AnnotationMode = 'off' | 'pen' | 'arrow';

type Point = [number, number];

/** A pen point closer than this to the last one adds nothing (screen pixels). */
const MIN_STEP = 3;
/** The preview stays this long after release, until the sharer's picture shows the stroke. */
const PREVIEW_AFTER_MS = 600;
const PREVIEW_COLOR = '#ff2d95';

export class AnnotationLayer implements IDisposable {
  private mode: AnnotationMode = 'off';
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D | null;
  private points: Point[] | undefined;
  /** The pointer whose Alt+click pointed: its release is not input either (any other release is). */
  private pointing: number | undefined;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners: [EventTarget, string, EventListener, boolean][] = [];

  constructor(
    root: HTMLElement,
    private readonly stage: HTMLElement,
    private readonly toScreen: (clientX: number, clientY: number) => { x: number; y: number } | undefined,
    private readonly screenSize: () => { width: number; height: number },
    private readonly send: (message: AnnotationMessage) => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'ra-annotations';
    this.canvas.style.cssText = 'position:absolute;left:0;top:0;width:100%;height:100%;cursor:crosshair;touch-action:none';
    this.context = this.canvas.getContext('2d');
    // Captured on the root, before the desktop's own pointer handling sees the click: it never becomes input.
    this.listen(root, 'pointerdown', (e) => this.onAltClick(e as PointerEvent), true);
    this.listen(root, 'pointerup', (e) => this.onAltRelease(e as PointerEvent), true);
    this.listen(this.canvas, 'pointerdown', (e) => this.onDown(e as PointerEvent), false);
    this.listen(this.canvas, 'pointermove', (e) => this.onMove(e as PointerEvent), false);
    this.listen(this.canvas, 'pointerup', (e) => this.onUp(e as PointerEvent), false);
    this.listen(this.canvas, 'pointercancel', (e) => this.onUp(e as PointerEvent), false);
  }

  private listen(target: EventTarget, type: string, listener: EventListener, capture: boolean): void {
    target.addEventListener(type, listener, { capture, passive: false });
    this.listeners.push([target, type, listener, capture]);
  }

  get current(): AnnotationMode {
    return this.mode;
  }

  /** Pen or arrow: drags on the desktop draw; off: the desktop takes the pointer again. */
  setMode(mode: AnnotationMode): void {
    this.mode = mode;
    this.points = undefined;
    if (mode === 'off') {
      this.canvas.remove();
      return;
    }
    const { width, height } = this.screenSize();
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = Math.max(1, width);
      this.canvas.height = Math.max(1, height);
    }
    if (!this.canvas.isConnected) this.stage.append(this.canvas);
  }

  /** Removes every mark from the sharer's screen. */
  clear(): void {
    this.send({ type: 'clear' });
    this.points = undefined;
    this.clearPreview();
  }

  private onAltClick(e: PointerEvent): void {
    if (!e.altKey || e.button !== 0 || this.mode !== 'off') return;
    const p = this.toScreen(e.clientX, e.clientY);
    if (!p) return;
    e.preventDefault();
    e.stopPropagation();
    this.pointing = e.pointerId;
    this.send({ type: 'lookHere', x: p.x, y: p.y });
  }

  private onAltRelease(e: PointerEvent): void {
    if (this.pointing !== e.pointerId) return;
    this.pointing = undefined;
    e.stopPropagation();
  }

  private locate(e: PointerEvent): Point | undefined {
    const p = this.toScreen(e.clientX, e.clientY);
    return p && [p.x, p.y];
  }

  private onDown(e: PointerEvent): void {
    e.preventDefault();
    e.stopPropagation();
    const p = e.button === 0 ? this.locate(e) : undefined;
    if (!p) return;
    this.canvas.setPointerCapture?.(e.pointerId);
    clearTimeout(this.previewTimer);
    this.points = [p];
  }

  private onMove(e: PointerEvent): void {
    e.stopPropagation();
    const points = this.points;
    const p = points && this.locate(e);
    if (!points || !p) return;
    const last = points[points.length - 1];
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) < MIN_STEP) return;
    if (this.mode === 'arrow') points.splice(1, 1, p);
    else {
      points.push(p);
      // A long line goes as several strokes, each continuing where the last ended.
      if (points.length === ANNOTATION_MAX_POINTS) {
        this.send({ type: 'stroke', tool: 'pen', points: points.slice() });
        this.points = [p];
      }
    }
    this.preview(points);
  }

  private onUp(e: PointerEvent): void {
    e.stopPropagation();
    const points = this.points;
    this.points = undefined;
    if (!points || (this.mode !== 'pen' && this.mode !== 'arrow')) return;
    this.send({ type: 'stroke', tool: this.mode, points });
    this.previewTimer = setTimeout(() => this.clearPreview(), PREVIEW_AFTER_MS);
  }

  private preview(points: readonly Point[]): void {
    const c = this.context;
    if (!c) return;
    if (this.mode === 'arrow') this.clearPreview();
    c.strokeStyle = PREVIEW_COLOR;
    c.lineWidth = 8;
    c.lineCap = 'round';
    c.beginPath();
    const from = this.mode === 'arrow' ? points[0] : points[Math.max(0, points.length - 2)];
    const to = points[points.length - 1];
    c.moveTo(from[0], from[1]);
    c.lineTo(to[0], to[1]);
    c.stroke();
  }

  private clearPreview(): void {
    this.context?.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  dispose(): void {
    clearTimeout(this.previewTimer);
    for (const [target, type, listener, capture] of this.listeners) target.removeEventListener(type, listener, { capture });
    this.listeners.length = 0;
    this.canvas.remove();
  }
}
