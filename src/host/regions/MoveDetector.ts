/**
 * Finds a rectangle that moved in two dimensions (a dragged window) so it can go as one COPY instead of
 * pixels: a distinctive run of pixels of the current frame's changed band is looked up in the shadow within
 * the band (a window's old place changed too, so it is in the band), and the offset found is verified and
 * grown pixel for pixel: what is copied is exactly what the current frame holds there.
 */
import { Rect } from '../../protocol/screen';

/** Rows [y, y+h) × [x, x+w) of the current frame equal the shadow's at (srcX, srcY). */
export interface Move extends Rect {
  readonly srcX: number;
  readonly srcY: number;
}

/** A move smaller than this on either side is left to the pixel path (and to the scroll detector). */
export const MOVE_MIN_SIDE = 64;
/** Pixels of an anchor: long enough to be found once in a photo or a window's text. */
const ANCHOR_PX = 32;
/** Anchor rows tried (spread over the band), columns per row, and shadow matches verified per anchor. */
const ANCHOR_ROWS = 6;
const ANCHOR_COLUMNS = 3;
const MATCHES_PER_ANCHOR = 4;
/** Anchors looked up at most per frame (each lookup scans the band once), and distinct colours an anchor needs. */
const LOOKUPS = 6;
const ANCHOR_COLOURS = 6;
/** Bands larger than this share of the screen are not searched (a scroll or video, not a window dragged). */
const MAX_BAND_SHARE = 0.5;

export class MoveDetector {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** The largest verified move found from a few anchors in `band`, or undefined. */
  detect(current: Buffer, shadow: Buffer, band: Rect): Move | undefined {
    if (band.w < MOVE_MIN_SIDE || band.h < MOVE_MIN_SIDE || band.w * band.h > this.width * this.height * MAX_BAND_SHARE) return undefined;
    const cur = new Uint32Array(current.buffer, current.byteOffset, current.length >> 2);
    const old = new Uint32Array(shadow.buffer, shadow.byteOffset, shadow.length >> 2);
    let lookups = 0;
    let best: Move | undefined;
    for (let i = 0; i < ANCHOR_ROWS && lookups < LOOKUPS; i++) {
      const y = band.y + Math.floor(((i + 0.5) * band.h) / ANCHOR_ROWS);
      for (let j = 0; j < ANCHOR_COLUMNS && lookups < LOOKUPS; j++) {
        const x = band.x + Math.floor(((j + 0.5) * (band.w - ANCHOR_PX)) / ANCHOR_COLUMNS);
        const at = y * this.width + x;
        if (!distinctive(cur, at) || equalRun(cur, at, old, at) || (best && inside(best, x, y))) continue;
        lookups++;
        for (const src of this.find(cur, old, at, band)) {
          const move = this.grow(current, shadow, cur, old, band, x, y, x - (src % this.width), y - Math.floor(src / this.width));
          if (move && (!best || move.w * move.h > best.w * best.h)) best = move;
        }
        // Half the band or more: a window's new place (its old one is the rest), no need to look further.
        if (best && best.w * best.h * 2 >= band.w * band.h) return best;
      }
    }
    return best;
  }

  /** Where the anchor at `at` appears in the shadow within `band` (a few places at most). */
  private find(cur: Uint32Array, old: Uint32Array, at: number, band: Rect): number[] {
    const found: number[] = [];
    const first = cur[at];
    for (let y = band.y; y < band.y + band.h; y++) {
      const row = y * this.width;
      for (let x = band.x; x <= band.x + band.w - ANCHOR_PX; x++) {
        if (old[row + x] !== first || row + x === at || !equalRun(cur, at, old, row + x)) continue;
        found.push(row + x);
        if (found.length >= MATCHES_PER_ANCHOR) return found;
      }
    }
    return found;
  }

  /**
   * The rectangle around the anchor at (x, y) where the current frame equals the shadow moved by (dx, dy):
   * the rows where the anchor's columns match, then the columns that match on all those rows (a desktop
   * behind the window may match here and there, never on every row).
   */
  private grow(current: Buffer, shadow: Buffer, cur: Uint32Array, old: Uint32Array, band: Rect, x: number, y: number, dx: number, dy: number): Move | undefined {
    if (dx === 0 && dy === 0) return undefined;
    const w = this.width;
    // Within the band (what changed: a plain desktop around it would match any offset) and the screen.
    const minX = Math.max(0, dx, band.x);
    const maxX = Math.min(w, w + dx, band.x + band.w);
    const minY = Math.max(0, dy, band.y);
    const maxY = Math.min(this.height, this.height + dy, band.y + band.h);
    const anchorEqual = (row: number): boolean => {
      const a = (row * w + x) * 4;
      const b = ((row - dy) * w + x - dx) * 4;
      return current.compare(shadow, b, b + ANCHOR_PX * 4, a, a + ANCHOR_PX * 4) === 0;
    };
    let y0 = y;
    while (y0 > minY && anchorEqual(y0 - 1)) y0--;
    let y1 = y + 1;
    while (y1 < maxY && anchorEqual(y1)) y1++;
    if (y1 - y0 < MOVE_MIN_SIDE) return undefined;
    const columnEqual = (col: number): boolean => {
      for (let row = y0; row < y1; row++) if (cur[row * w + col] !== old[(row - dy) * w + col - dx]) return false;
      return true;
    };
    let x0 = x;
    while (x0 > minX && columnEqual(x0 - 1)) x0--;
    let x1 = x + ANCHOR_PX;
    while (x1 < maxX && columnEqual(x1)) x1++;
    if (x1 - x0 < MOVE_MIN_SIDE) return undefined;
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, srcX: x0 - dx, srcY: y0 - dy };
  }
}

/** Not a few colours (a desktop's pattern, text on a plain background): a run that says where it came from. */
function distinctive(px: Uint32Array, at: number): boolean {
  const seen = new Set<number>();
  for (let i = 0; i < ANCHOR_PX && seen.size < ANCHOR_COLOURS; i++) seen.add(px[at + i] & 0xffffff);
  return seen.size >= ANCHOR_COLOURS;
}

function inside(r: Rect, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

function equalRun(a: Uint32Array, at: number, b: Uint32Array, bt: number): boolean {
  for (let i = 0; i < ANCHOR_PX; i++) if ((a[at + i] & 0xffffff) !== (b[bt + i] & 0xffffff)) return false;
  return true;
}
