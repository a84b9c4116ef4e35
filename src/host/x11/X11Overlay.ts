/**
 * The helper's marks on the sharer's real screen ("look here" markers, pen and arrow strokes): an
 * override-redirect window over the shared area, shaped with the SHAPE extension to exactly the marked
 * pixels (a set of rectangles) in one colour, with an empty input shape so it never takes a click, a scroll
 * or the pointer from what is under it — it is a picture, never input. Like the sharing frame it has its own
 * X connection (the server removes it when the host process ends), re-raises itself over windows mapped or
 * restacked later, and follows the shared area; it is unmapped while there is nothing to show.
 *
 * It is not masked out of the capture: the helper sees their own marks in the picture, where the sharer sees
 * them.
 */
import { IDisposable } from '../../common/lifecycle';
import { ScreenArea } from '../capture/ScreenArea';
import { X11Display, X11Event } from './X11Display';

/** The colour of every mark: a pink no desktop theme uses, readable on light and dark windows. */
export const OVERLAY_COLOR = 0xff2d95;

/** [x, y, width, height] relative to the shared area's top-left corner. */
export type OverlayRect = readonly [number, number, number, number];

/** What the annotation service draws on: the shared area's pixels it covers (empty: nothing shown). */
export interface ScreenOverlay extends IDisposable {
  show(rects: readonly OverlayRect[]): void;
}

interface WindowCalls {
  CreateWindow(id: number, parent: number, x: number, y: number, w: number, h: number, border: number, depth: number, cls: number, visual: number, values: object): void;
  ChangeWindowAttributes(id: number, values: object): void;
  MapWindow(id: number): void;
  UnmapWindow(id: number): void;
  RaiseWindow(id: number): void;
  DestroyWindow(id: number): void;
  MoveResizeWindow(id: number, x: number, y: number, w: number, h: number): void;
}

interface ShapeExtension {
  Kind: { Bounding: number; Input: number };
  Op: { Set: number };
  Rectangles(op: number, kind: number, window: number, x: number, y: number, rectangles: number[][]): void;
}

const INPUT_OUTPUT = 1;
const SUBSTRUCTURE_NOTIFY = 0x80000;
/** Another client raising its window over and over gets the overlay back on top at most this often. */
const RAISE_MIN_MS = 100;

export class X11Overlay implements ScreenOverlay {
  private mapped = false;
  private disposed = false;
  private raiseTimer: NodeJS.Timeout | undefined;
  private lastRaiseAt = -Infinity;
  private readonly listener = (ev: X11Event) => this.onEvent(ev);
  private readonly areaListener: IDisposable;

  private constructor(
    private readonly x: X11Display,
    private readonly shape: ShapeExtension,
    /** The overlay's X window: never one of the windows the sharer shares, hides or picks. */
    readonly window: number,
    area: ScreenArea,
    /** Windows that keep themselves on top too (the sharing frame): raising over them again would never end. */
    private readonly peers: readonly number[],
  ) {
    x.client.on('event', this.listener);
    this.areaListener = area.onDidChange((r) => this.calls.MoveResizeWindow(this.window, r.x, r.y, r.width, r.height));
  }

  /**
   * Creates the (hidden) overlay over `area` on its own connection; ERR_DISPLAY when the server lacks SHAPE.
   * `peers`: other always-on-top windows it leaves above itself.
   */
  static async open(displayName: string, area: ScreenArea, peers: readonly number[] = []): Promise<X11Overlay> {
    const display = await X11Display.connect(displayName);
    try {
      const shape = await display.extension<ShapeExtension>('shape');
      const client = display.client as unknown as WindowCalls;
      const window = display.client.AllocID();
      client.CreateWindow(window, display.root, area.x, area.y, area.width, area.height, 0, 0, INPUT_OUTPUT, 0, { overrideRedirect: 1, backgroundPixel: OVERLAY_COLOR });
      shape.Rectangles(shape.Op.Set, shape.Kind.Bounding, window, 0, 0, []);
      // No input region at all: every click, scroll and pointer move goes to the window below.
      shape.Rectangles(shape.Op.Set, shape.Kind.Input, window, 0, 0, []);
      client.ChangeWindowAttributes(display.root, { eventMask: SUBSTRUCTURE_NOTIFY });
      await display.call((cb) => display.client.GetInputFocus(cb));
      return new X11Overlay(display, shape, window, area, peers);
    } catch (err) {
      display.dispose();
      throw err;
    }
  }

  private get calls(): WindowCalls {
    return this.x.client as unknown as WindowCalls;
  }

  show(rects: readonly OverlayRect[]): void {
    if (this.disposed) return;
    this.shape.Rectangles(this.shape.Op.Set, this.shape.Kind.Bounding, this.window, 0, 0, rects.map((r) => [...r]));
    if (rects.length === 0 && this.mapped) {
      this.calls.UnmapWindow(this.window);
      this.mapped = false;
    } else if (rects.length > 0 && !this.mapped) {
      this.calls.MapWindow(this.window);
      this.calls.RaiseWindow(this.window);
      this.mapped = true;
    }
  }

  private onEvent(ev: X11Event): void {
    if (!this.mapped || this.raiseTimer) return;
    const other = ev.name === 'MapNotify' ? ev.wid : ev.name === 'ConfigureNotify' ? ev.wid1 : undefined;
    if (typeof other !== 'number' || other === this.window || this.peers.includes(other)) return;
    const wait = Math.max(0, this.lastRaiseAt + RAISE_MIN_MS - performance.now());
    this.raiseTimer = setTimeout(() => {
      this.raiseTimer = undefined;
      if (!this.mapped || this.disposed) return;
      this.lastRaiseAt = performance.now();
      this.calls.RaiseWindow(this.window);
    }, wait);
  }

  dispose(): void {
    if (this.disposed) return;
    this.show([]);
    this.disposed = true;
    this.areaListener.dispose();
    clearTimeout(this.raiseTimer);
    this.x.client.removeListener('event', this.listener);
    this.calls.DestroyWindow(this.window);
    this.x.dispose();
  }
}
