/**
 * Keeps the sharing frame out of what is sent: every grab has the frame's strips painted black, whether
 * the frame is on screen at that moment or not, so the helper's picture (regions and video alike) never
 * shows it and never flickers when it appears, changes colour or goes.
 */
import { frameStrips } from '../x11/X11SharingFrame';
import { ScreenCapture, ScreenRegion } from './ScreenCapture';

export class FrameMaskedCapture implements ScreenCapture {
  private readonly strips: readonly [number, number, number, number][];

  constructor(private readonly inner: ScreenCapture) {
    this.strips = frameStrips(inner.region.width, inner.region.height);
  }

  get region(): ScreenRegion {
    return this.inner.region;
  }

  get onDamage() {
    return this.inner.onDamage;
  }

  get isDirty(): boolean {
    return this.inner.isDirty;
  }

  async grab(): Promise<Buffer> {
    const bgrx = await this.inner.grab();
    const stride = this.inner.region.width * 4;
    for (const [x, y, w, h] of this.strips) {
      for (let row = y; row < y + h; row++) bgrx.fill(0, row * stride + x * 4, row * stride + (x + w) * 4);
    }
    return bgrx;
  }

  dispose(): void {
    this.inner.dispose();
  }
}
