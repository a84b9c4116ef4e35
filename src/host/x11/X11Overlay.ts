/**
 * The helper's marks on the sharer's real screen ("look here" markers, pen and arrow strokes): an
 * X11TopWindow over the shared area (click-through, on its own connection, above every window), shaped to
 * exactly the marked pixels (a set of rectangles) in one colour — a picture, never input. It follows the
 * shared area and is unmapped while there is nothing to show.
 *
 * It is not masked out of the capture: the helper sees their own marks in the picture, where the sharer sees
 * them.
 */
import { IDisposable } from '../../common/lifecycle';
import { ScreenArea } from '../capture/ScreenArea';
import { X11TopWindow } from './X11TopWindow';

/** The colour of every mark: a pink no desktop theme uses, readable on light and dark windows. */
export const OVERLAY_COLOR = 0xff2d95;

/** [x, y, width, height] relative to the shared area's top-left corner. */
export type OverlayRect = readonly [number, number, number, number];

/** What the annotation service draws on: the shared area's pixels it covers (empty: nothing shown). */
export interface ScreenOverlay extends IDisposable {
  show(rects: readonly OverlayRect[]): void;
}

export class X11Overlay implements ScreenOverlay {
  private readonly areaListener: IDisposable;

  private constructor(
    private readonly top: X11TopWindow,
    area: ScreenArea,
  ) {
    this.areaListener = area.onDidChange((r) => top.moveTo(r));
  }

  /**
   * Creates the (hidden) overlay over `area` on its own connection; ERR_DISPLAY when the server lacks SHAPE.
   * `peers`: other always-on-top windows it leaves above itself.
   */
  static async open(displayName: string, area: ScreenArea, peers: readonly number[] = []): Promise<X11Overlay> {
    return new X11Overlay(await X11TopWindow.open(displayName, area, OVERLAY_COLOR, [], peers), area);
  }

  /** The overlay's X window: never one of the windows the sharer shares, hides or picks. */
  get window(): number {
    return this.top.window;
  }

  show(rects: readonly OverlayRect[]): void {
    this.top.setShape(rects);
    if (rects.length === 0) this.top.unmap();
    else if (!this.top.mapped) this.top.show();
  }

  dispose(): void {
    this.areaListener.dispose();
    this.top.dispose();
  }
}
