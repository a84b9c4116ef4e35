/**
 * X11 screen capture: MIT-SHM GetImage into a shared segment that holds the frame, and DAMAGE for change
 * detection, so an unchanged screen costs no capture work at all and a changed one costs the read of what
 * changed: the damage's bounding box — as whole rows, read in place (a full-width strip has the frame's
 * stride), unless the box is small: then as a rectangle, read packed and copied in. A keystroke in an xterm
 * reads a line of a 1080p screen instead of all of it (8.4 ms under load). Pixels a caller overwrote in the
 * handed-out frame (masks) are read anew at the next grab (markStale). When the shared area moves or changes
 * size (RANDR, another monitor) the segment and the damage report are made anew for it. A report the server
 * sent before a grab's repair, inside what that grab read, is already in the frame and is dropped (the first
 * is the whole screen, reported on creation and often handled after the first grab).
 */
import { HostError } from '../HostError';
import { Emitter, IDisposable } from '../../common/lifecycle';
import { X11Display, X11Event } from '../x11/X11Display';
import { ScreenArea } from './ScreenArea';
import { ScreenCapture, ScreenRegion } from './ScreenCapture';

interface ShmSegment {
  readonly buffer: Buffer;
  getImage(drawable: number, x: number, y: number, w: number, h: number, planeMask: number, format: number, offset: number, cb: (err: Error | null) => unknown): void;
  detach(cb?: () => void): void;
}
interface ShmExtension {
  createSegment(size: number, cb: (err: Error | null, seg: ShmSegment) => void): void;
  ImageFormat: { ZPixmap: number };
}
interface DamageExtension {
  ReportLevel: { BoundingBox: number; NonEmpty: number };
  Create(id: number, drawable: number, level: number): void;
  Subtract(id: number, repair: number, parts: number): void;
  Destroy(id: number): void;
}

/** Columns [left, right) of rows [top, bottom) of the shared area. */
interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** A damage box up to this many rows high is read as whole rows (see grab). */
const LINE_ROWS_MAX = 32;
/** A damage box over this share of the area is read as whole rows (see grab). */
const BOX_AREA_MAX = 1 / 16;

const contains = (outer: Box, inner: Box): boolean => outer.left <= inner.left && outer.top <= inner.top && outer.right >= inner.right && outer.bottom >= inner.bottom;

export class X11Capture implements ScreenCapture {
  private readonly _onDamage = new Emitter<void>();
  readonly onDamage = this._onDamage.event;
  private dirty = true;
  /** The bounding box of the damage since the last grab (area coordinates); undefined when none. */
  private damaged: Box | undefined;
  /** Whether nothing was read yet into the segment for the current area (the next grab reads all of it). */
  private whole = true;
  /** The last grab's repair request and the box it read: older reports inside it are in its frame. */
  private repaired: { readonly seq: number; readonly box: Box } | undefined;
  /** Rectangles a caller overwrote in the frame since the last grab, read anew by the next one. */
  private stale: ScreenRegion[] = [];
  /** A second segment for narrow damage and stale rectangles (not full-width, so read packed and copied in place). */
  private scratch: ShmSegment | undefined;
  /** Pixels read by the last grab (for benchmarks and tests). */
  lastReadPixels = 0;
  /** What the last grab read: the damaged box and the stale rectangles (see ScreenCapture). */
  lastChanged: readonly ScreenRegion[] | undefined;
  private disposed = false;
  private readonly listener = (ev: X11Event) => this.onEvent(ev);

  private segment: ShmSegment;
  private damageId: number;
  /** A new segment for a new size, being made; grabs wait for it. */
  private resizing: Promise<void> | undefined;
  private readonly areaListener: IDisposable;

  private constructor(
    private readonly x: X11Display,
    readonly region: ScreenArea,
    segment: ShmSegment,
    private readonly shm: ShmExtension,
    private readonly damage: DamageExtension,
  ) {
    this.segment = segment;
    this.damageId = this.createDamage();
    x.client.on('event', this.listener);
    this.areaListener = region.onDidChange(() => {
      const resizing = (this.resizing = this.follow());
      // A failure surfaces at the next grab; until then it must not count as unhandled.
      resizing.catch(() => undefined);
    });
  }

  /** Opens capture of `region` (followed as it changes) on its own X connection. */
  static async open(display: X11Display, region: ScreenArea): Promise<X11Capture> {
    if (display.screen.root_depth !== 24 && display.screen.root_depth !== 32) {
      throw new HostError('ERR_DISPLAY', `unsupported X screen depth ${display.screen.root_depth} (need 24 or 32)`);
    }
    const shm = await display.extension<ShmExtension>('shm');
    const damage = await display.extension<DamageExtension>('damage');
    const segment = await createSegment(shm, region.width * region.height * 4);
    return new X11Capture(display, region, segment, shm, damage);
  }

  private createDamage(): number {
    const id = this.x.client.AllocID();
    // BoundingBox: an event each time the changed area grows, carrying it (what the next grab reads).
    this.damage.Create(id, this.x.root, this.damage.ReportLevel.BoundingBox);
    return id;
  }

  /** The area changed: a segment of its exact size, damage at the right level, and the next grab is due. */
  private async follow(): Promise<void> {
    await this.resizing;
    if (this.disposed) return;
    const bytes = this.region.width * this.region.height * 4;
    if (bytes !== this.segment.buffer.length) {
      const next = await createSegment(this.shm, bytes);
      if (this.disposed) return next.detach();
      this.segment.detach();
      this.segment = next;
    }
    this.damage.Destroy(this.damageId);
    this.damageId = this.createDamage();
    this.whole = true;
    this.repaired = undefined;
    this.markDirty();
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this._onDamage.fire();
  }

  private onEvent(ev: X11Event): void {
    if (ev.name !== 'DamageNotify' || ev.damage !== this.damageId) return;
    const a = ev.area as { x: number; y: number; w: number; h: number } | undefined;
    const r = this.region;
    if (!a) {
      this.whole = true;
    } else {
      const overlaps = a.x < r.x + r.width && a.x + a.w > r.x && a.y < r.y + r.height && a.y + a.h > r.y;
      if (!overlaps) {
        // Nothing of ours in the damage (another monitor): nothing to read.
        this.damage.Subtract(this.damageId, 0, 0);
        return;
      }
      const box = { left: Math.max(0, a.x - r.x), top: Math.max(0, a.y - r.y), right: Math.min(r.width, a.x + a.w - r.x), bottom: Math.min(r.height, a.y + a.h - r.y) };
      const done = this.repaired;
      if (done && (ev.seq as number) < done.seq && contains(done.box, box)) return;
      const d = this.damaged;
      this.damaged = d
        ? { left: Math.min(d.left, box.left), top: Math.min(d.top, box.top), right: Math.max(d.right, box.right), bottom: Math.max(d.bottom, box.bottom) }
        : box;
    }
    this.markDirty();
  }

  /** The caller overwrote `rects` (area coordinates) of the last grab's frame: the next grab reads them anew. */
  markStale(rects: readonly ScreenRegion[]): void {
    for (const rect of rects) if (rect.width > 0 && rect.height > 0) this.stale.push(rect);
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  async grab(): Promise<Buffer> {
    // Wait until the segment matches the area, also when the area moves again meanwhile.
    for (let r = this.resizing; r; r = this.resizing === r ? undefined : this.resizing) await r;
    if (this.disposed) throw new HostError('ERR_INTERNAL', 'capture is closed');
    // Repair before reading, so changes made while we read raise a fresh DamageNotify (and count for the next grab).
    this.dirty = false;
    this.damage.Subtract(this.damageId, 0, 0);
    const { width, height } = this.region;
    const whole = this.whole;
    const damaged = whole ? { left: 0, top: 0, right: width, bottom: height } : this.damaged;
    // Whole rows, read in place (one request, no copy), unless the box is small: over half the width; over
    // BOX_AREA_MAX of the area (its copy would cost this thread more than the server's read of whole rows costs
    // the server: a 4K log in the left half); or a line's height — a typed glyph's caret is drawn beside it in the
    // same rows, often reported just after the report that began this grab: read with the glyph, that report is
    // dropped as already in the frame (one update a keystroke, not two).
    const boxW = damaged ? damaged.right - damaged.left : 0;
    const boxH = damaged ? damaged.bottom - damaged.top : 0;
    const rows = damaged && (boxW * 2 > width || boxH <= LINE_ROWS_MAX || boxW * boxH > width * height * BOX_AREA_MAX);
    const box = damaged && rows ? { ...damaged, left: 0, right: width } : damaged;
    this.repaired = box && { seq: this.x.client.seq_num, box };
    const stale = this.stale;
    this.whole = false;
    this.damaged = undefined;
    this.stale = [];
    this.lastReadPixels = 0;
    this.lastChanged = undefined;
    const segment = this.segment;
    const read = box && box.bottom > box.top && box.right > box.left ? box : undefined;
    const readRegion = read && { x: read.left, y: read.top, width: read.right - read.left, height: read.bottom - read.top };
    try {
      if (read && readRegion?.width === width) await this.readRows(segment, read);
      else if (readRegion) await this.readRect(segment, readRegion);
      for (const rect of stale) await this.readRect(segment, rect, read);
      if (!whole) this.lastChanged = [...(readRegion ? [readRegion] : []), ...stale];
    } catch (err) {
      // What was not read must be read next time.
      this.whole = true;
      this.repaired = undefined;
      throw err;
    }
    return segment.buffer;
  }

  /** Reads full-width rows in place: the image's stride is the frame's. */
  private readRows(segment: ShmSegment, rows: Box): Promise<void> {
    const { x, y, width } = this.region;
    this.lastReadPixels += width * (rows.bottom - rows.top);
    return this.getImage(segment, x, y + rows.top, width, rows.bottom - rows.top, rows.top * width * 4);
  }

  /**
   * Reads a rectangle (packed) into the scratch segment and copies its rows into the frame; rows of it that
   * `read` (the damage's box, read already) spans side to side hold the screen's pixels and are not read again.
   */
  private async readRect(segment: ShmSegment, rect: ScreenRegion, read?: Box): Promise<void> {
    const { x, y, width, height } = this.region;
    const left = Math.max(0, rect.x);
    const right = Math.min(width, rect.x + rect.width);
    let top = Math.max(0, rect.y);
    let bottom = Math.min(height, rect.y + rect.height);
    const spans = read !== undefined && read.left <= left && read.right >= right;
    if (spans && read.top <= top && read.bottom > top) top = Math.min(bottom, read.bottom);
    if (spans && read.top < bottom && read.bottom >= bottom) bottom = Math.max(top, read.top);
    if (right <= left || bottom <= top) return;
    const w = right - left;
    const bytes = w * (bottom - top) * 4;
    if (!this.scratch || this.scratch.buffer.length < bytes) {
      this.scratch?.detach();
      this.scratch = undefined;
      this.scratch = await createSegment(this.shm, Math.max(bytes, 64 * 1024));
    }
    const scratch = this.scratch;
    this.lastReadPixels += w * (bottom - top);
    await this.getImage(scratch, x + left, y + top, w, bottom - top, 0);
    for (let row = 0; row < bottom - top; row++) scratch.buffer.copy(segment.buffer, ((top + row) * width + left) * 4, row * w * 4, (row + 1) * w * 4);
  }

  private getImage(segment: ShmSegment, x: number, y: number, w: number, h: number, offset: number): Promise<void> {
    return new Promise((resolve, reject) =>
      segment.getImage(this.x.root, x, y, w, h, 0xffffffff, this.shm.ImageFormat.ZPixmap, offset, (err) => {
        if (err) reject(new HostError('ERR_DISPLAY', `screen grab failed: ${err.message}`));
        else resolve();
        // Handled here: the client must not report it again as an unexpected X error.
        return true;
      }),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.x.client.removeListener('event', this.listener);
    this.areaListener.dispose();
    this.damage.Destroy(this.damageId);
    this.segment.detach();
    this.scratch?.detach();
    this._onDamage.dispose();
  }
}

function createSegment(shm: ShmExtension, bytes: number): Promise<ShmSegment> {
  return new Promise<ShmSegment>((resolve, reject) =>
    shm.createSegment(bytes, (err, seg) => (err ? reject(new HostError('ERR_DISPLAY', `MIT-SHM segment unavailable: ${err.message}`)) : resolve(seg))),
  );
}
