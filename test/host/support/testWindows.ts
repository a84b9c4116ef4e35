/** Plain X windows a test puts on the display: something to cover the screen with, or to click on. */
import type { X11Display, X11Event } from '../../../src/host/x11/X11Display';

interface WindowCalls {
  CreateWindow(id: number, parent: number, x: number, y: number, w: number, h: number, border: number, depth: number, cls: number, visual: number, values: object): void;
  MapWindow(id: number): void;
  DestroyWindow(id: number): void;
}

export interface TestWindowRect {
  x: number;
  y: number;
  width: number;
  height: number;
  color: number;
}

const BUTTON_PRESS_MASK = 0x4;

/** Maps an undecorated window of one colour at `rect`; returns its id (destroy it with destroyWindow). */
export function mapWindow(x: X11Display, rect: TestWindowRect, eventMask = 0): number {
  const client = x.client as unknown as WindowCalls;
  const id = x.client.AllocID();
  client.CreateWindow(id, x.root, rect.x, rect.y, rect.width, rect.height, 0, 0, 1, 0, { backgroundPixel: rect.color, overrideRedirect: 1, eventMask });
  client.MapWindow(id);
  return id;
}

export function destroyWindow(x: X11Display, id: number): void {
  (x.client as unknown as WindowCalls).DestroyWindow(id);
}

/** Maps a window at `rect` that records every click it receives, in screen coordinates. */
export function clickTarget(x: X11Display, rect: TestWindowRect): { x: number; y: number }[] {
  const clicks: { x: number; y: number }[] = [];
  const id = mapWindow(x, rect, BUTTON_PRESS_MASK);
  x.client.on('event', (ev: X11Event) => {
    if (ev.name === 'ButtonPress' && ev.wid === id) clicks.push({ x: (ev.x as number) + rect.x, y: (ev.y as number) + rect.y });
  });
  return clicks;
}
