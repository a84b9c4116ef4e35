/**
 * The coloured frame around what is shared, drawn on the sharer's own screen so they can tell at a glance —
 * even outside VS Code — that pixels are leaving the machine: green while sharing, orange while the helper
 * controls. An X11TopWindow (click-through, on its own connection, above every window) shaped to four thin
 * strips. It follows the shared area when that moves or changes size (a new resolution, another monitor).
 */
import { IDisposable } from '../../common/lifecycle';
import { ScreenArea } from '../capture/ScreenArea';
import { X11TopWindow } from './X11TopWindow';

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

export class X11SharingFrame implements IDisposable {
  private mode: FrameMode | undefined;
  /** The last move sent to the server, resolved once the server has it (the frame is around the area). */
  private moving: Promise<void> = Promise.resolve();
  private readonly areaListener: IDisposable;

  private constructor(
    private readonly top: X11TopWindow,
    area: ScreenArea,
  ) {
    this.areaListener = area.onDidChange((region) => {
      top.moveTo(region);
      top.setShape(frameStrips(region.width, region.height));
      // A failed round trip means the connection is gone; the frame goes with it.
      this.moving = top.sync().catch(() => undefined);
    });
  }

  /**
   * Creates the (hidden) frame around `area` on its own connection to `displayName`, kept around it as it
   * changes; ERR_DISPLAY when the server lacks SHAPE.
   */
  static async open(displayName: string, area: ScreenArea): Promise<X11SharingFrame> {
    return new X11SharingFrame(await X11TopWindow.open(displayName, area, FRAME_COLORS.sharing, frameStrips(area.width, area.height)), area);
  }

  /** The frame's X window: never one of the windows the sharer shares, hides or picks. */
  get window(): number {
    return this.top.window;
  }

  /** Resolves once the server has put the frame around the area as it is now (no strip left where it was). */
  async settled(): Promise<void> {
    for (let m = this.moving; ; m = this.moving) {
      await m;
      if (m === this.moving) return;
    }
  }

  /** The current look: undefined while hidden. */
  get shown(): FrameMode | undefined {
    return this.mode;
  }

  /** Shows the frame in `mode`'s colour (on top of everything), or recolours it. */
  show(mode: FrameMode): void {
    if (this.mode === mode) return;
    this.top.show(FRAME_COLORS[mode]);
    this.mode = mode;
  }

  hide(): void {
    this.top.unmap();
    this.mode = undefined;
  }

  /** Resolves once the server has handled everything sent so far (a round trip). */
  sync(): Promise<void> {
    return this.top.sync();
  }

  dispose(): void {
    this.areaListener.dispose();
    this.top.dispose();
  }
}
