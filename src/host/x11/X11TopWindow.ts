/**
 * A picture the host puts on the sharer's own screen, above every window (the sharing frame, the helper's
 * marks): an override-redirect window (no window manager decorates or moves it) shaped with the SHAPE
 * extension to the pixels it shows, with an empty input shape so every click, scroll and pointer move falls
 * through to the window below. It has its own X connection, so the server removes it the moment the host
 * process ends, and while mapped it raises itself again whenever another window is mapped or restacked.
 */
import type { IDisposable } from '../../common/lifecycle';
import type { ScreenRegion } from '../capture/ScreenCapture';
import { X11Display, X11Event } from './X11Display';

/** The window calls these windows need, beyond X11Display's typed client. */
interface WindowCalls {
  CreateWindow(id: number, parent: number, x: number, y: number, w: number, h: number, border: number, depth: number, cls: number, visual: number, values: object): void;
  ChangeWindowAttributes(id: number, values: object): void;
  MapWindow(id: number): void;
  UnmapWindow(id: number): void;
  RaiseWindow(id: number): void;
  ClearArea(id: number, x: number, y: number, w: number, h: number, exposures: number): void;
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
/** Another client raising its window over and over gets this one back on top at most this often. */
const RAISE_MIN_MS = 100;

export class X11TopWindow implements IDisposable {
  private isMapped = false;
  private disposed = false;
  private raiseTimer: NodeJS.Timeout | undefined;
  private lastRaiseAt = -Infinity;
  private readonly listener = (ev: X11Event) => this.onEvent(ev);

  private constructor(
    private readonly x: X11Display,
    private readonly shape: ShapeExtension,
    /** The X window: never one of the windows the sharer shares, hides or picks. */
    readonly window: number,
    /** Windows that keep themselves on top too: raising over them again would never end. */
    private readonly peers: readonly number[],
  ) {
    x.client.on('event', this.listener);
  }

  /**
   * Creates the (unmapped) window over `region` in `color`, shaped to `rects` (relative to the region), on its
   * own connection to `displayName`; resolves once the server has it. ERR_DISPLAY when the server lacks SHAPE.
   */
  static async open(displayName: string, region: ScreenRegion, color: number, rects: readonly (readonly number[])[], peers: readonly number[] = []): Promise<X11TopWindow> {
    const display = await X11Display.connect(displayName);
    try {
      const shape = await display.extension<ShapeExtension>('shape');
      const client = display.client as unknown as WindowCalls;
      const window = display.client.AllocID();
      client.CreateWindow(window, display.root, region.x, region.y, region.width, region.height, 0, 0, INPUT_OUTPUT, 0, { overrideRedirect: 1, backgroundPixel: color });
      const top = new X11TopWindow(display, shape, window, peers);
      top.setShape(rects);
      // No input region at all: every click, scroll and pointer move goes to the window below.
      shape.Rectangles(shape.Op.Set, shape.Kind.Input, window, 0, 0, []);
      // Told when any top-level window is mapped or restacked, to stay above it.
      client.ChangeWindowAttributes(display.root, { eventMask: SUBSTRUCTURE_NOTIFY });
      await top.sync();
      return top;
    } catch (err) {
      display.dispose();
      throw err;
    }
  }

  private get calls(): WindowCalls {
    return this.x.client as unknown as WindowCalls;
  }

  get mapped(): boolean {
    return this.isMapped;
  }

  /** The pixels shown: rectangles [x, y, width, height] relative to the window. */
  setShape(rects: readonly (readonly number[])[]): void {
    if (this.disposed) return;
    this.shape.Rectangles(this.shape.Op.Set, this.shape.Kind.Bounding, this.window, 0, 0, rects.map((r) => [...r]));
  }

  moveTo(region: ScreenRegion): void {
    if (this.disposed) return;
    this.calls.MoveResizeWindow(this.window, region.x, region.y, region.width, region.height);
  }

  /** Maps it if hidden and puts it on top; in `color` if given (a new background shows once the window is cleared to it). */
  show(color?: number): void {
    if (this.disposed) return;
    if (color !== undefined) this.calls.ChangeWindowAttributes(this.window, { backgroundPixel: color });
    if (!this.isMapped) this.calls.MapWindow(this.window);
    this.isMapped = true;
    this.calls.RaiseWindow(this.window);
    if (color !== undefined) this.calls.ClearArea(this.window, 0, 0, 0, 0, 0);
  }

  unmap(): void {
    if (this.disposed || !this.isMapped) return;
    this.calls.UnmapWindow(this.window);
    this.isMapped = false;
  }

  /** Resolves once the server has handled everything sent so far (a round trip). */
  sync(): Promise<void> {
    return this.x.call((cb) => this.x.client.GetInputFocus(cb)).then(() => undefined);
  }

  private onEvent(ev: X11Event): void {
    if (!this.isMapped || this.raiseTimer) return;
    const other = ev.name === 'MapNotify' ? ev.wid : ev.name === 'ConfigureNotify' ? ev.wid1 : undefined;
    if (typeof other !== 'number' || other === this.window || this.peers.includes(other)) return;
    const wait = Math.max(0, this.lastRaiseAt + RAISE_MIN_MS - performance.now());
    this.raiseTimer = setTimeout(() => {
      this.raiseTimer = undefined;
      if (!this.isMapped || this.disposed) return;
      this.lastRaiseAt = performance.now();
      this.calls.RaiseWindow(this.window);
    }, wait);
  }

  dispose(): void {
    if (this.disposed) return;
    this.unmap();
    this.disposed = true;
    clearTimeout(this.raiseTimer);
    this.x.client.removeListener('event', this.listener);
    this.calls.DestroyWindow(this.window);
    this.x.dispose();
  }
}
