/**
 * Capture through @nut-tree-fork/nut-js (libnut), the maintained cross-platform library that installs
 * from the registry: the backend for Windows and macOS, where no X server exists. Those systems offer it
 * no change notification, so it compares frames: at the frame rate while the screen moves, twice a
 * second once it has been still for a while. View only: remote control needs a local-ESC watcher, which
 * this backend does not have yet.
 */
import { HostError } from '../HostError';
import { Emitter } from '../Emitter';
import { CursorShape, CursorTracker, ScreenCapture, ScreenRegion } from './ScreenCapture';

interface NutImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly byteWidth: number;
  readonly pixelDensity: { scaleX: number; scaleY: number };
}

interface NutJs {
  screen: { grab(): Promise<NutImage> };
  mouse: { getPosition(): Promise<{ x: number; y: number }> };
}

/** Loads nut-js at run time only on this path (a native module the bundle leaves outside). */
export function loadNutJs(): NutJs {
  const name = '@nut-tree-fork/nut-js';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as NutJs;
  } catch (err) {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', `Screen sharing is not supported on this system yet (${name} did not load: ${(err as Error).message})`);
  }
}

const MOVING_POLL_MS = 33;
const STILL_POLL_MS = 500;
/** Still for this long → poll slowly. */
const SETTLE_MS = 2000;

export class NutCapture implements ScreenCapture {
  private readonly _onDamage = new Emitter<void>();
  readonly onDamage = this._onDamage.event;
  private timer: NodeJS.Timeout | undefined;
  private pending: NutImage | undefined;
  private delivered: Buffer | undefined;
  private changedAt = performance.now();
  private disposed = false;

  private constructor(
    private readonly nut: NutJs,
    readonly region: ScreenRegion,
    first: NutImage,
    /** Physical pixels per logical pixel (2 on a Retina display), for the cursor position. */
    readonly density: number,
  ) {
    this.pending = first;
    this.schedule();
  }

  static async open(nut: NutJs): Promise<NutCapture> {
    const first = await nut.screen.grab();
    if (first.byteWidth !== first.width * 4) throw new HostError('ERR_PLATFORM_UNSUPPORTED', `unexpected screen image layout (${first.byteWidth} bytes per row)`);
    return new NutCapture(nut, { x: 0, y: 0, width: first.width, height: first.height }, first, first.pixelDensity.scaleX || 1);
  }

  get isDirty(): boolean {
    return this.pending !== undefined;
  }

  /** The newest changed frame (BGRA, the layout X11 gives too). */
  async grab(): Promise<Buffer> {
    const image = this.pending ?? (await this.nut.screen.grab());
    this.pending = undefined;
    // wrtc-bound conversions view the buffer as 32-bit words: it must start on a word boundary.
    this.delivered = image.data.byteOffset % 4 === 0 ? image.data : Buffer.from(image.data);
    return this.delivered;
  }

  private schedule(): void {
    if (this.disposed) return;
    const still = performance.now() - this.changedAt > SETTLE_MS;
    this.timer = setTimeout(() => void this.poll(), still ? STILL_POLL_MS : MOVING_POLL_MS);
  }

  private async poll(): Promise<void> {
    try {
      if (this.pending) return;
      const image = await this.nut.screen.grab();
      if (this.disposed || (this.delivered && image.data.equals(this.delivered))) return;
      this.changedAt = performance.now();
      this.pending = image;
      this._onDamage.fire();
    } catch {
      // A failed grab (screen locked, display asleep) is retried on the next poll.
    } finally {
      this.schedule();
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this._onDamage.dispose();
  }
}

/** Position by polling; the shape is a standard arrow (the platforms' own cursor images are not exposed). */
export class NutCursor implements CursorTracker {
  private readonly _onMove = new Emitter<{ x: number; y: number; serial: number }>();
  readonly onMove = this._onMove.event;
  private readonly _onShape = new Emitter<CursorShape>();
  readonly onShape = this._onShape.event;
  private readonly timer: NodeJS.Timeout;
  private last = { x: -1, y: -1 };
  private busy = false;

  constructor(
    private readonly nut: NutJs,
    private readonly density: number,
  ) {
    this.timer = setInterval(() => void this.poll(), 50);
  }

  refresh(): void {
    this._onShape.fire(ARROW);
    this.last = { x: -1, y: -1 };
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const p = await this.nut.mouse.getPosition();
      const x = Math.round(p.x * this.density);
      const y = Math.round(p.y * this.density);
      if (x !== this.last.x || y !== this.last.y) {
        this.last = { x, y };
        this._onMove.fire({ x, y, serial: ARROW.serial });
      }
    } catch {
      // Position unavailable for a moment (e.g. secure desktop); try again next tick.
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this._onMove.dispose();
    this._onShape.dispose();
  }
}

/** A 12×19 black arrow with a white outline, hot spot at its tip. */
const ARROW: CursorShape = (() => {
  const rows = [
    'B...........', 'BB..........', 'BWB.........', 'BWWB........', 'BWWWB.......', 'BWWWWB......', 'BWWWWWB.....',
    'BWWWWWWB....', 'BWWWWWWWB...', 'BWWWWWWWWB..', 'BWWWWWWWWWB.', 'BWWWWWWBBBBB', 'BWWWBWWB....', 'BWWBBWWB....',
    'BWB..BWWB...', 'BB...BWWB...', 'B.....BWWB..', '......BWWB..', '.......BB...',
  ];
  const rgba = Buffer.alloc(12 * 19 * 4);
  rows.forEach((row, y) =>
    [...row].forEach((c, x) => {
      if (c === '.') return;
      const v = c === 'W' ? 255 : 0;
      rgba.set([v, v, v, 255], (y * 12 + x) * 4);
    }),
  );
  return { serial: 1, width: 12, height: 19, xhot: 0, yhot: 0, rgba };
})();
