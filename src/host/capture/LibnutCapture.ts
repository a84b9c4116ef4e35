/**
 * Capture through @nut-tree-fork/libnut (the native core of nut-js), the maintained cross-platform library
 * that installs from the registry with prebuilt binaries: the backend for Windows and macOS, where no X
 * server exists. Those systems offer it no change notification, so it compares frames: at the frame rate
 * while the screen moves, twice a second once it has been still for a while. Input: ../input/LibnutInput.ts.
 */
import { HostError } from '../HostError';
import { Emitter } from '../../common/lifecycle';
import { CursorShape, CursorTracker, ScreenCapture, ScreenRegion } from './ScreenCapture';
import { SecureDesktopDetector } from './SecureDesktopDetector';

interface Bitmap {
  readonly image: Buffer;
  readonly width: number;
  readonly height: number;
  readonly byteWidth: number;
  readonly bytesPerPixel: number;
}

export interface Libnut {
  screen: { capture(): Bitmap };
  getScreenSize(): { width: number; height: number };
  getMousePos(): { x: number; y: number };
}

/**
 * Loads libnut at run time only on this path (a native module the bundle leaves outside), through the
 * package's own platform selector: its main entry belongs to nut-js and needs packages we do not ship.
 */
export function loadLibnut(): Libnut {
  const name = '@nut-tree-fork/libnut/dist/import_libnut';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(name) as { libnut: Libnut }).libnut;
  } catch (err) {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', `Screen sharing is not supported on this system yet (${name} did not load: ${(err as Error).message})`);
  }
}

const MOVING_POLL_MS = 33;
const STILL_POLL_MS = 500;
/** Still for this long → poll slowly. */
const SETTLE_MS = 2000;

export class LibnutCapture implements ScreenCapture {
  private readonly _onDamage = new Emitter<void>();
  readonly onDamage = this._onDamage.event;
  private timer: NodeJS.Timeout | undefined;
  private pending: Buffer | undefined;
  private delivered: Buffer | undefined;
  private changedAt = performance.now();
  private disposed = false;
  /** Windows only: notices the secure desktop (UAC) hiding the screen. */
  readonly secureDesktop: SecureDesktopDetector | undefined;

  private constructor(
    private readonly nut: Libnut,
    readonly region: ScreenRegion,
    first: Buffer,
    /** Physical pixels per logical pixel (2 on a Retina display), for the cursor position. */
    readonly density: number,
    watchSecureDesktop: boolean,
  ) {
    if (watchSecureDesktop) this.secureDesktop = new SecureDesktopDetector({ width: region.width, height: region.height, stride: region.width * 4 });
    this.pending = first;
    this.schedule();
  }

  /** `watchSecureDesktop`: on Windows, report when a UAC prompt's secure desktop blacks the capture out. */
  static open(nut: Libnut, watchSecureDesktop = false): LibnutCapture {
    const first = nut.screen.capture();
    if (first.bytesPerPixel !== 4 || first.byteWidth !== first.width * 4) {
      throw new HostError('ERR_PLATFORM_UNSUPPORTED', `unexpected screen image layout (${first.bytesPerPixel} bytes per pixel, ${first.byteWidth} per row)`);
    }
    const density = first.width / (nut.getScreenSize().width || first.width);
    return new LibnutCapture(nut, { x: 0, y: 0, width: first.width, height: first.height }, aligned(first.image), density, watchSecureDesktop);
  }

  private grabNow(): Buffer {
    return aligned(this.nut.screen.capture().image);
  }

  get isDirty(): boolean {
    return this.pending !== undefined;
  }

  /** The newest changed frame (BGRA, the layout X11 gives too). */
  async grab(): Promise<Buffer> {
    const image = this.pending ?? this.grabNow();
    this.pending = undefined;
    this.delivered = image;
    return image;
  }

  private schedule(): void {
    if (this.disposed) return;
    const still = performance.now() - this.changedAt > SETTLE_MS;
    this.timer = setTimeout(() => this.poll(), still ? STILL_POLL_MS : MOVING_POLL_MS);
  }

  private poll(): void {
    try {
      if (this.pending && !this.secureDesktop) return;
      const image = this.grabNow();
      // sampled on every poll (256 pixels), so a screen that stays black still counts the time it has been so
      this.secureDesktop?.observe(image);
      if (this.pending) return;
      if (this.disposed || (this.delivered && image.equals(this.delivered))) return;
      this.changedAt = performance.now();
      this.pending = image;
      this._onDamage.fire();
    } catch {
      // A failed grab (screen locked, display asleep, the secure desktop) is retried on the next poll.
      this.secureDesktop?.observe(undefined);
    } finally {
      this.schedule();
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this._onDamage.dispose();
    this.secureDesktop?.dispose();
  }
}

/** Position by polling; the shape is a standard arrow (the platforms' own cursor images are not exposed). */
export class LibnutCursor implements CursorTracker {
  private readonly _onMove = new Emitter<{ x: number; y: number; serial: number }>();
  readonly onMove = this._onMove.event;
  private readonly _onShape = new Emitter<CursorShape>();
  readonly onShape = this._onShape.event;
  private readonly timer: NodeJS.Timeout;
  private last = { x: -1, y: -1 };

  constructor(
    private readonly nut: Libnut,
    private readonly density: number,
  ) {
    this.timer = setInterval(() => this.poll(), 50);
  }

  refresh(): void {
    this._onShape.fire(ARROW);
    this.last = { x: -1, y: -1 };
  }

  private poll(): void {
    try {
      const p = this.nut.getMousePos();
      const x = Math.round(p.x * this.density);
      const y = Math.round(p.y * this.density);
      if (x !== this.last.x || y !== this.last.y) {
        this.last = { x, y };
        this._onMove.fire({ x, y, serial: ARROW.serial });
      }
    } catch {
      // Position unavailable for a moment (e.g. secure desktop); try again next tick.
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this._onMove.dispose();
    this._onShape.dispose();
  }
}

/** wrtc-bound conversions view the pixels as 32-bit words: the buffer must start on a word boundary. */
function aligned(image: Buffer): Buffer {
  return image.byteOffset % 4 === 0 ? image : Buffer.from(image);
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
