/**
 * The coloured frame around what is shared, drawn on the sharer's own screen so they can tell at a glance —
 * even outside VS Code — that pixels are leaving the machine: green while sharing, orange while the helper
 * controls. An override-redirect window (no window manager decorates or moves it) shaped with the SHAPE
 * extension to four thin strips, with an empty input shape so every click falls through to the window
 * below. It has its own X connection, so the server removes it the moment the host process ends, and it
 * raises itself again whenever another window is mapped or restacked over it. It follows the shared area
 * when that moves or changes size (a new resolution, another monitor).
 */
import { IDisposable } from '../../common/lifecycle';
import { ScreenArea } from '../capture/ScreenArea';
import { ScreenRegion } from '../capture/ScreenCapture';
import { X11Display, X11Event } from './X11Display';

/** Thickness of each strip, screen pixels. */
export const FRAME_THICKNESS = 4;

export const FRAME_COLORS = {
  /** Pixels are being sent. */
  sharing: 0x2ea043,
  /** The helper controls this screen. */
  controlling: 0xe8590c,
} as const;

export type FrameMode = keyof typeof FRAME_COLORS;

/** The four strips inside the region's edges, relative to its top-left corner: [x, y, width, height]. */
export function frameStrips(width: number, height: number, thickness = FRAME_THICKNESS): [number, number, number, number][] {
  const t = Math.min(thickness, Math.floor(width / 2), Math.floor(height / 2));
  if (t <= 0) return [];
  return [
    [0, 0, width, t],
    [0, height - t, width, t],
    [0, t, t, height - 2 * t],
    [width - t, t, t, height - 2 * t],
  ];
}

/** The window calls the frame needs, beyond X11Display's typed client. */
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
/** Another client raising its window over and over gets the frame back on top at most this often. */
const RAISE_MIN_MS = 100;

export class X11SharingFrame implements IDisposable {
  private mode: FrameMode | undefined;
  private disposed = false;
  private raiseTimer: NodeJS.Timeout | undefined;
  private lastRaiseAt = -Infinity;
  private readonly listener = (ev: X11Event) => this.onEvent(ev);
  /** The last move sent to the server, resolved once the server has it (the frame is around the area). */
  private moving: Promise<void> = Promise.resolve();
  private readonly areaListener: IDisposable;

  private constructor(
    private readonly x: X11Display,
    private readonly shape: ShapeExtension,
    /** The frame's X window: never one of the windows the sharer shares, hides or picks. */
    readonly window: number,
    area: ScreenArea,
  ) {
    x.client.on('event', this.listener);
    this.areaListener = area.onDidChange((region) => {
      this.moveTo(region);
      // A failed round trip means the connection is gone; the frame goes with it.
      this.moving = this.sync().catch(() => undefined);
    });
  }

  /**
   * Creates the (hidden) frame around `area` on its own connection to `displayName`, kept around it as it
   * changes; ERR_DISPLAY when the server lacks SHAPE.
   */
  static async open(displayName: string, area: ScreenArea): Promise<X11SharingFrame> {
    const display = await X11Display.connect(displayName);
    try {
      return await X11SharingFrame.create(display, area);
    } catch (err) {
      display.dispose();
      throw err;
    }
  }

  private static async create(display: X11Display, area: ScreenArea): Promise<X11SharingFrame> {
    const shape = await display.extension<ShapeExtension>('shape');
    const client = display.client as unknown as WindowCalls;
    const window = display.client.AllocID();
    client.CreateWindow(window, display.root, area.x, area.y, area.width, area.height, 0, 0, INPUT_OUTPUT, 0, {
      overrideRedirect: 1,
      backgroundPixel: FRAME_COLORS.sharing,
    });
    shape.Rectangles(shape.Op.Set, shape.Kind.Bounding, window, 0, 0, frameStrips(area.width, area.height));
    // No input region at all: the frame never takes a click, a scroll or the pointer from what is under it.
    shape.Rectangles(shape.Op.Set, shape.Kind.Input, window, 0, 0, []);
    // Told when any top-level window is mapped or restacked, to stay above it.
    client.ChangeWindowAttributes(display.root, { eventMask: SUBSTRUCTURE_NOTIFY });
    const frame = new X11SharingFrame(display, shape, window, area);
    await frame.sync();
    return frame;
  }

  /** Puts the frame's four strips around `region` (whether shown or hidden). */
  private moveTo(region: ScreenRegion): void {
    if (this.disposed) return;
    (this.x.client as unknown as WindowCalls).MoveResizeWindow(this.window, region.x, region.y, region.width, region.height);
    this.shape.Rectangles(this.shape.Op.Set, this.shape.Kind.Bounding, this.window, 0, 0, frameStrips(region.width, region.height));
  }

  /** Resolves once the server has put the frame around the area as it is now (no strip left where it was). */
  async settled(): Promise<void> {
    for (let m = this.moving; ; m = this.moving) {
      await m;
      if (m === this.moving) return;
    }
  }

  private onEvent(ev: X11Event): void {
    if (this.mode === undefined || this.raiseTimer) return;
    const other = ev.name === 'MapNotify' ? ev.wid : ev.name === 'ConfigureNotify' ? ev.wid1 : undefined;
    if (other === undefined || other === this.window) return;
    const wait = Math.max(0, this.lastRaiseAt + RAISE_MIN_MS - performance.now());
    this.raiseTimer = setTimeout(() => {
      this.raiseTimer = undefined;
      if (this.mode === undefined || this.disposed) return;
      this.lastRaiseAt = performance.now();
      (this.x.client as unknown as WindowCalls).RaiseWindow(this.window);
    }, wait);
  }

  /** The current look: undefined while hidden. */
  get shown(): FrameMode | undefined {
    return this.mode;
  }

  /** Shows the frame in `mode`'s colour (on top of everything), or recolours it. */
  show(mode: FrameMode): void {
    if (this.disposed || this.mode === mode) return;
    const client = this.x.client as unknown as WindowCalls;
    client.ChangeWindowAttributes(this.window, { backgroundPixel: FRAME_COLORS[mode] });
    if (this.mode === undefined) client.MapWindow(this.window);
    client.RaiseWindow(this.window);
    // A new background shows only once the window is cleared to it.
    client.ClearArea(this.window, 0, 0, 0, 0, 0);
    this.mode = mode;
  }

  hide(): void {
    if (this.disposed || this.mode === undefined) return;
    (this.x.client as unknown as WindowCalls).UnmapWindow(this.window);
    this.mode = undefined;
  }

  /** Resolves once the server has handled everything sent so far (a round trip). */
  sync(): Promise<void> {
    return this.x.call((cb) => this.x.client.GetInputFocus(cb)).then(() => undefined);
  }

  dispose(): void {
    if (this.disposed) return;
    this.hide();
    this.disposed = true;
    this.areaListener.dispose();
    clearTimeout(this.raiseTimer);
    this.x.client.removeListener('event', this.listener);
    (this.x.client as unknown as WindowCalls).DestroyWindow(this.window);
    this.x.dispose();
  }
}
