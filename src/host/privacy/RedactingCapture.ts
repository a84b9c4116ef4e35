/**
 * Blacks out what WindowPrivacy hides before a frame leaves capture, so the region path and the video
 * track (both fed from grab()) never see those pixels. The grab runs on the same X connection as the window
 * list: a grab during which no window event arrived was taken with the windows exactly as listed, else it
 * is taken again; a screen that keeps changing gets a black frame rather than a guess.
 */
import { DisposableStore, Emitter } from '../../common/lifecycle';
import { ScreenCapture, ScreenRegion } from '../capture/ScreenCapture';
import { X11Windows } from '../x11/X11Windows';
import { Rect, WindowPrivacy } from './WindowPrivacy';

/** Grabs tried before giving up on a stable window list for this frame. */
const ATTEMPTS = 5;

export class RedactingCapture implements ScreenCapture {
  private readonly store = new DisposableStore();
  private readonly _onDamage = new Emitter<void>();
  readonly onDamage = this._onDamage.event;
  private maskChanged = true;
  private lastMask = '';
  /** The inner capture's changes and the rectangles this grab blacked out (see ScreenCapture). */
  lastChanged: readonly ScreenRegion[] | undefined;

  constructor(
    private readonly inner: ScreenCapture,
    private readonly windows: X11Windows,
    private readonly privacy: WindowPrivacy,
  ) {
    this.store.add(inner.onDamage(() => this._onDamage.fire()));
    // A window that moved, appeared or was renamed changes the mask even where no pixel changed.
    this.store.add(windows.onDidChange(() => this.checkMask()));
    this.store.add(privacy.onDidChange(() => this.checkMask()));
  }

  get region() {
    return this.inner.region;
  }

  get isDirty(): boolean {
    return this.inner.isDirty || this.maskChanged;
  }

  async grab(): Promise<Buffer> {
    this.maskChanged = false;
    // What every attempt read: a grab taken again reads only what changed since the one before.
    let changed: ScreenRegion[] | undefined = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const snapshot = await this.windows.settled();
      const frame = await this.inner.grab();
      const read = this.inner.lastChanged;
      changed = changed && read && [...changed, ...read];
      if (this.windows.generation !== snapshot.generation) continue;
      const rects = this.privacy.hiddenRects(snapshot, this.region);
      this.lastMask = JSON.stringify(rects);
      blackOut(frame, this.region.width, rects);
      this.inner.markStale?.(rects);
      this.lastChanged = changed && [...changed, ...rects];
      return frame;
    }
    this.maskChanged = true;
    const frame = await this.inner.grab();
    const { width, height } = this.region;
    frame.fill(0, 0, width * height * 4);
    this.inner.markStale?.([{ x: 0, y: 0, width, height }]);
    this.lastChanged = undefined;
    return frame;
  }

  markStale(rects: readonly ScreenRegion[]): void {
    this.inner.markStale?.(rects);
  }

  private checkMask(): void {
    const rects = JSON.stringify(this.privacy.hiddenRects(this.windows.snapshot, this.region));
    if (rects === this.lastMask || this.maskChanged) return;
    this.maskChanged = true;
    this._onDamage.fire();
  }

  dispose(): void {
    this.store.dispose();
    this._onDamage.dispose();
  }
}

/** Zeroes `rects` (region coordinates) of a BGRX frame with stride width*4. */
export function blackOut(frame: Buffer, width: number, rects: readonly Rect[]): void {
  for (const r of rects) {
    for (let row = r.y; row < r.y + r.height; row++) {
      const start = (row * width + r.x) * 4;
      frame.fill(0, start, start + r.width * 4);
    }
  }
}
