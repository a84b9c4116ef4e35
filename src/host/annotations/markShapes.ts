/**
 * The pixels of each mark, as rectangles for the overlay's shape: strokes and markers are drawn on a grid of
 * CELL-pixel cells (a thick, slightly blocky line), and each row's run of cells becomes one rectangle, so a
 * stroke costs a few hundred rectangles at most. Everything is clipped to the shared area.
 */
import type { OverlayRect } from '../x11/X11Overlay';
import type { AnnotationTool } from '../../protocol/peer';

export const CELL = 4;
/** A stroke is two cells wide. */
export const STROKE_WIDTH = 2 * CELL;
/** Length of each side of an arrow's head, pixels. */
const ARROW_HEAD = 28;
const ARROW_ANGLE = Math.PI / 7;

type Point = readonly [number, number];

/** Cells marked on a width×height area, by row then column. */
class Cells {
  private readonly cols: number;
  private readonly rows: number;
  private readonly marked = new Set<number>();

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.cols = Math.ceil(width / CELL);
    this.rows = Math.ceil(height / CELL);
  }

  /** The 2×2 cells around a point. */
  dot(x: number, y: number): void {
    const cx = Math.floor(x / CELL - 0.5);
    const cy = Math.floor(y / CELL - 0.5);
    for (let dy = 0; dy < 2; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const c = cx + dx;
        const r = cy + dy;
        if (c >= 0 && r >= 0 && c < this.cols && r < this.rows) this.marked.add(r * this.cols + c);
      }
    }
  }

  line(a: Point, b: Point): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / (CELL / 2)));
    for (let i = 0; i <= steps; i++) this.dot(a[0] + ((b[0] - a[0]) * i) / steps, a[1] + ((b[1] - a[1]) * i) / steps);
  }

  rects(): OverlayRect[] {
    const out: OverlayRect[] = [];
    const keys = [...this.marked].sort((p, q) => p - q);
    for (let i = 0; i < keys.length; ) {
      let j = i + 1;
      // A run: the same row, consecutive columns.
      while (j < keys.length && keys[j] === keys[j - 1] + 1 && keys[j] % this.cols !== 0) j++;
      const row = Math.floor(keys[i] / this.cols);
      const x = (keys[i] % this.cols) * CELL;
      const y = row * CELL;
      out.push([x, y, Math.min((j - i) * CELL, this.width - x), Math.min(CELL, this.height - y)]);
      i = j;
    }
    return out;
  }
}

/** Total length of the line through `points`, pixels. */
export function pathLength(points: readonly Point[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) length += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
  return length;
}

/** A pen line through the points, or an arrow from the first point to the last with its head there. */
export function strokeShape(tool: AnnotationTool, points: readonly Point[], width: number, height: number): OverlayRect[] {
  const cells = new Cells(width, height);
  if (points.length === 1) cells.dot(points[0][0], points[0][1]);
  if (tool === 'pen') {
    for (let i = 1; i < points.length; i++) cells.line(points[i - 1], points[i]);
  } else if (points.length > 1) {
    const from = points[0];
    const tip = points[points.length - 1];
    cells.line(from, tip);
    const angle = Math.atan2(tip[1] - from[1], tip[0] - from[0]);
    for (const side of [-1, 1]) {
      const a = angle + Math.PI + side * ARROW_ANGLE;
      cells.line(tip, [tip[0] + ARROW_HEAD * Math.cos(a), tip[1] + ARROW_HEAD * Math.sin(a)]);
    }
  }
  return cells.rects();
}

/** The "look here" marker: a dot on the point inside a ring of `radius` pixels. */
export function markerShape(x: number, y: number, radius: number, width: number, height: number): OverlayRect[] {
  const cells = new Cells(width, height);
  cells.dot(x, y);
  const steps = Math.max(8, Math.ceil((2 * Math.PI * radius) / (CELL / 2)));
  for (let i = 0; i < steps; i++) cells.dot(x + radius * Math.cos((2 * Math.PI * i) / steps), y + radius * Math.sin((2 * Math.PI * i) / steps));
  return cells.rects();
}
