/**
 * What the overlay shows, over time: each "look here" marker pulses for MARKER_MS, each stroke stays for
 * STROKE_MS and then goes, fading out over its last FADE_MS (a one-colour shaped window has no alpha: the
 * stroke thins to every other row of cells, then is gone). Bounded: at most MAX_MARKERS markers and MAX_RECTS rectangles of strokes at once
 * (the oldest give way). Empty means the overlay is unmapped.
 */
import { IDisposable } from '../../common/lifecycle';
import type { OverlayRect, ScreenOverlay } from '../x11/X11Overlay';
import { CELL, markerShape } from './markShapes';

export const MARKER_MS = 3000;
export const STROKE_MS = 5000;
export const FADE_MS = 1000;
/** How often a pulsing marker is redrawn. */
const PULSE_FRAME_MS = 80;
const PULSE_PERIOD_MS = 750;
const RING_MIN = 10;
const RING_MAX = 26;
/** As many as the helper may send in MARKER_MS (10 a second). */
const MAX_MARKERS = 30;
/** Rectangles all strokes on screen may use together (one shape request stays far below the X request limit). */
export const MAX_RECTS = 6000;

interface Marker {
  readonly x: number;
  readonly y: number;
  readonly at: number;
}

interface Stroke {
  readonly rects: readonly OverlayRect[];
  readonly until: number;
}

export class AnnotationScene implements IDisposable {
  private markers: Marker[] = [];
  private strokes: Stroke[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly overlay: ScreenOverlay,
    private readonly size: () => { width: number; height: number },
  ) {}

  /** Whether any stroke is on screen now. */
  get drawing(): boolean {
    return this.strokes.length > 0;
  }

  point(x: number, y: number): void {
    this.markers.push({ x, y, at: performance.now() });
    if (this.markers.length > MAX_MARKERS) this.markers.shift();
    this.render();
  }

  /** Adds a stroke's rectangles (at most MAX_RECTS; the service refuses bigger ones). */
  stroke(rects: readonly OverlayRect[]): void {
    this.strokes.push({ rects, until: performance.now() + STROKE_MS });
    let total = this.strokes.reduce((n, s) => n + s.rects.length, 0);
    while (total > MAX_RECTS && this.strokes.length > 1) total -= this.strokes.shift()!.rects.length;
    this.render();
  }

  clear(): void {
    this.markers = [];
    this.strokes = [];
    this.render();
  }

  private render(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = performance.now();
    this.markers = this.markers.filter((m) => now - m.at < MARKER_MS);
    this.strokes = this.strokes.filter((s) => now < s.until);
    const { width, height } = this.size();
    const rects: OverlayRect[] = [];
    for (const s of this.strokes) rects.push(...(s.until - now <= FADE_MS ? s.rects.filter((r) => Math.floor(r[1] / CELL) % 2 === 0) : s.rects));
    for (const m of this.markers) {
      const phase = ((now - m.at) % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
      const radius = RING_MIN + (RING_MAX - RING_MIN) * (0.5 - 0.5 * Math.cos(2 * Math.PI * phase));
      rects.push(...markerShape(m.x, m.y, radius, width, height));
    }
    this.overlay.show(rects);
    const next = [
      ...(this.markers.length > 0 ? [PULSE_FRAME_MS] : []),
      ...this.markers.map((m) => m.at + MARKER_MS - now),
      ...this.strokes.map((s) => (s.until - now > FADE_MS ? s.until - FADE_MS - now : s.until - now)),
    ];
    if (next.length > 0) this.timer = setTimeout(() => this.render(), Math.max(1, Math.min(...next)));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.markers = [];
    this.strokes = [];
    this.overlay.show([]);
  }
}
