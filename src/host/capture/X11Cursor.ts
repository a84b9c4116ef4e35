/**
 * Cursor for the viewer: shape from XFIXES (CursorNotify + GetCursorImage); position from QueryPointer,
 * asked only when XInput2 reports pointer motion (so a still pointer costs nothing), at most 60 times a
 * second, plus a slow check for warps, which no device reports.
 */
import { Emitter } from '../../common/lifecycle';
import { X11Display, X11Event } from '../x11/X11Display';
import { CursorShape, CursorTracker, ScreenRegion } from './ScreenCapture';

interface FixesExtension {
  CursorNotifyMask: { DisplayCursor: number };
  SelectCursorInput(window: number, mask: number): void;
  GetCursorImage(cb: (err: Error | null, image: { x: number; y: number; width: number; height: number; xhot: number; yhot: number; cursorSerial: number; cursorImage: Buffer }) => void): void;
}

interface XInputExtension {
  xi2: unknown;
  AllMasterDevices: number;
  XISelectEvents(window: number, masks: { deviceId: number; mask: string[] | number }): void;
}

const MOTION_QUERY_MS = 16;
const WARP_CHECK_MS = 1000;
const MAX_CURSOR = 128;

export class X11Cursor implements CursorTracker {
  private readonly _onMove = new Emitter<{ x: number; y: number; serial: number }>();
  readonly onMove = this._onMove.event;
  private readonly _onShape = new Emitter<CursorShape>();
  readonly onShape = this._onShape.event;
  private readonly warpTimer: NodeJS.Timeout;
  private motionTimer: NodeJS.Timeout | undefined;
  private last = { x: -1, y: -1, serial: -1 };
  private shape: CursorShape | undefined;
  private querying = false;
  private disposed = false;
  private readonly listener = (ev: X11Event) => {
    if (ev.name === 'CursorNotify') this.fetchShape();
    else if (ev.name === 'XIRawMotion' && !this.motionTimer) this.motionTimer = setTimeout(() => this.query(), MOTION_QUERY_MS);
  };

  private constructor(
    private readonly x: X11Display,
    private readonly fixes: FixesExtension,
    xi: XInputExtension,
    private readonly region: ScreenRegion,
  ) {
    x.client.on('event', this.listener);
    fixes.SelectCursorInput(x.root, fixes.CursorNotifyMask.DisplayCursor);
    if (xi.xi2) xi.XISelectEvents(x.root, { deviceId: xi.AllMasterDevices, mask: ['RawMotion'] });
    this.warpTimer = setInterval(() => this.query(), WARP_CHECK_MS);
    this.fetchShape();
    this.query();
  }

  static async open(display: X11Display, region: ScreenRegion): Promise<X11Cursor> {
    const fixes = await display.extension<FixesExtension>('fixes');
    const xi = await display.extension<XInputExtension>('xinput');
    return new X11Cursor(display, fixes, xi, region);
  }

  refresh(): void {
    if (this.shape) this._onShape.fire(this.shape);
    this.last = { x: -1, y: -1, serial: -1 };
    this.query();
  }

  private query(): void {
    this.motionTimer = undefined;
    if (this.querying || this.disposed) return;
    this.querying = true;
    this.x.client.QueryPointer(this.x.root, (err, p) => {
      this.querying = false;
      if (err || this.disposed) return;
      const x = p.rootX - this.region.x;
      const y = p.rootY - this.region.y;
      const serial = this.shape?.serial ?? 0;
      if (x === this.last.x && y === this.last.y && serial === this.last.serial) return;
      this.last = { x, y, serial };
      this._onMove.fire({ x, y, serial });
    });
  }

  private fetchShape(): void {
    this.fixes.GetCursorImage((err, image) => {
      if (err || this.disposed || image.width === 0 || image.height === 0) return;
      const width = Math.min(image.width, MAX_CURSOR);
      const height = Math.min(image.height, MAX_CURSOR);
      const rgba = Buffer.alloc(width * height * 4);
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          // ARGB32, premultiplied, native (little-endian) order: B G R A in memory.
          const s = (row * image.width + col) * 4;
          const d = (row * width + col) * 4;
          const a = image.cursorImage[s + 3];
          const un = a === 0 ? 0 : 255 / a;
          rgba[d] = Math.min(255, Math.round(image.cursorImage[s + 2] * un));
          rgba[d + 1] = Math.min(255, Math.round(image.cursorImage[s + 1] * un));
          rgba[d + 2] = Math.min(255, Math.round(image.cursorImage[s] * un));
          rgba[d + 3] = a;
        }
      }
      this.shape = {
        serial: image.cursorSerial,
        width,
        height,
        xhot: Math.min(image.xhot, width - 1),
        yhot: Math.min(image.yhot, height - 1),
        rgba,
      };
      this._onShape.fire(this.shape);
      this.query();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.warpTimer);
    clearTimeout(this.motionTimer);
    this.x.client.removeListener('event', this.listener);
    this._onMove.dispose();
    this._onShape.dispose();
  }
}
