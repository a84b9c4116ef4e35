/** The capture seam: one implementation per platform (X11 today), chosen by createCapture. */
import { IDisposable, Event } from '../../common/lifecycle';

/** A rectangle of the shared screen in the display's root coordinates. */
export interface ScreenRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface CursorShape {
  readonly serial: number;
  readonly width: number;
  readonly height: number;
  readonly xhot: number;
  readonly yhot: number;
  /** Straight (not premultiplied) RGBA. */
  readonly rgba: Buffer;
}

export interface ScreenCapture extends IDisposable {
  /** What is shared; input coordinates are relative to its top-left corner. */
  readonly region: ScreenRegion;
  /** Fires (at most once until the next grab) when pixels in the region changed since the last grab. */
  readonly onDamage: Event<void>;
  /** True when the region changed since the last grab (and before the first). */
  readonly isDirty: boolean;
  /** The region's pixels, BGRX with stride width*4; valid until the next grab. */
  grab(): Promise<Buffer>;
  /**
   * Where the last grab's pixels may differ from those the grab before it handed out (as its caller left
   * them: masks included), region coordinates; undefined: anywhere (the first grab, a new size, a capture
   * that cannot tell). What lies outside is the same pixel for pixel, so a diff need not look there.
   */
  readonly lastChanged?: readonly ScreenRegion[];
  /**
   * The caller overwrote `rects` (region coordinates) of the last grab's pixels (a mask): a capture that reads
   * only what changed reads them anew at the next grab. Wrappers pass it on.
   */
  markStale?(rects: readonly ScreenRegion[]): void;
}

export interface CursorTracker extends IDisposable {
  /** Cursor hot-spot position relative to the shared region, and the current shape's serial. */
  readonly onMove: Event<{ x: number; y: number; serial: number }>;
  readonly onShape: Event<CursorShape>;
  /** Re-sends the current shape and position (a new viewer connected). */
  refresh(): void;
}
