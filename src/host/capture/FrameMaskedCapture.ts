/**
 * Keeps the sharing frame out of what is sent: every grab has the frame's strips painted black, whether
 * the frame is on screen at that moment or not, so the helper's picture (regions and video alike) never
 * shows it and never flickers when it appears, changes colour or goes. When the shared area moves or
 * changes size, a grab waits until the frame is around the new area, and the strips are those of the area
 * the grab was taken at.
 */
import { frameStrips } from '../x11/X11SharingFrame';
import { ScreenCapture, ScreenRegion } from './ScreenCapture';

/** Where the frame is drawn: settled() resolves once it is around the current area. */
export interface MovingFrame {
  settled(): Promise<void>;
}

export class FrameMaskedCapture implements ScreenCapture {
  constructor(
    private readonly inner: ScreenCapture,
    private readonly frame: MovingFrame,
  ) {}

  get region(): ScreenRegion {
    return this.inner.region;
  }

  get onDamage() {
    return this.inner.onDamage;
  }

  get isDirty(): boolean {
    return this.inner.isDirty;
  }

  /** The inner capture's (strips it read anew are in it, black again); undefined after a grab blacked out whole. */
  lastChanged: readonly ScreenRegion[] | undefined;

  async grab(): Promise<Buffer> {
    // A frame still where the area was could sit inside the new area, outside the strips masked below.
    await this.frame.settled();
    const bgrx = await this.inner.grab();
    const { width, height } = this.inner.region;
    if (bgrx.length !== width * height * 4) {
      // The area changed during the grab (that frame is not sent): never hand on pixels the mask did not fit.
      bgrx.fill(0);
      this.inner.markStale?.([{ x: 0, y: 0, width, height }]);
      this.lastChanged = undefined;
      return bgrx;
    }
    const stride = width * 4;
    // Only where the inner capture read anew: elsewhere the strips are still black from an earlier grab.
    const read = this.inner.lastChanged ?? [{ x: 0, y: 0, width, height }];
    for (const [sx, sy, sw, sh] of frameStrips(width, height)) {
      for (const r of read) {
        const left = Math.max(sx, r.x);
        const right = Math.min(sx + sw, r.x + r.width);
        const bottom = Math.min(sy + sh, r.y + r.height);
        for (let row = Math.max(sy, r.y); row < bottom && left < right; row++) bgrx.fill(0, row * stride + left * 4, row * stride + right * 4);
      }
    }
    // Not marked stale: the strips stay black in the held frame and are blacked again wherever the inner capture
    // reads anew, so reading them from X every grab (four more requests and replies, ~1.2 ms of a still screen's
    // small change) would only be painted over; what the inner capture says changed stays true of the masked frame.
    this.lastChanged = this.inner.lastChanged;
    return bgrx;
  }

  markStale(rects: readonly ScreenRegion[]): void {
    this.inner.markStale?.(rects);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
