/**
 * Where a captured frame differs from the shadow (what the viewer shows): whole rows first (Buffer.compare
 * is native memcmp), then fixed tiles within changed rows, merged into few rectangles. Both buffers are
 * BGRX with stride width*4.
 */
import { Rect } from '../../protocol/screen';

export const TILE_W = 32;
export const TILE_H = 16;
/** Rectangles up to this many pixels are trimmed to their changed columns too (cheap at that size). */
const TRIM_COLUMNS_MAX_PIXELS = 64 * 1024;

export class FrameDiff {
  private readonly tilesX: number;
  private readonly tilesY: number;
  private readonly tiles: Uint8Array;
  private readonly marked: Uint16Array;
  private readonly stride: number;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.tilesX = Math.ceil(width / TILE_W);
    this.tilesY = Math.ceil(height / TILE_H);
    this.tiles = new Uint8Array(this.tilesX * this.tilesY);
    this.marked = new Uint16Array(this.tilesY);
    this.stride = width * 4;
  }

  /**
   * Changed rectangles, tile-aligned then trimmed to their first and last changed row; empty when equal.
   * `equal`: areas the caller knows to be equal (moves copied in the shadow from where the current frame was
   * verified to hold them), not compared again: a row they cover whole is skipped, and of a row they cover in
   * part only the rest is compared (a scroll in a band narrower than the screen, a dragged window).
   * `within`: where the frame may differ from the shadow at all (what capture read anew since the last diff);
   * undefined: anywhere.
   */
  rects(current: Buffer, shadow: Buffer, equal: readonly Rect[] = [], within?: readonly Rect[]): Rect[] {
    const { tilesX, tiles, marked, stride } = this;
    tiles.fill(0);
    marked.fill(0);
    const tileBytes = TILE_W * 4;
    const cover = new RowCover(this.width, equal, within);
    for (let y = 0; y < this.height; y++) {
      const { open, openTiles } = cover.at(y);
      if (open.length === 0) continue;
      const ty = (y / TILE_H) | 0;
      // Once every tile of a band is known to have changed, its remaining rows need no look.
      if (marked[ty] === tilesX) continue;
      const row = y * stride;
      if (open.every(([a, b]) => current.compare(shadow, row + a * 4, row + b * 4, row + a * 4, row + b * 4) === 0)) continue;
      const base = ty * tilesX;
      for (const tx of openTiles) {
        if (tiles[base + tx]) continue;
        const a = row + tx * tileBytes;
        const b = Math.min(a + tileBytes, row + stride);
        if (current.compare(shadow, a, b, a, b) !== 0) {
          tiles[base + tx] = 1;
          marked[ty]++;
        }
      }
    }
    return this.merge(tiles, marked).map((r) => this.trim(r, current, shadow));
  }

  /** The tiles set in `map` (one byte per tile, row-major, TILE_W×TILE_H tiles) as few rectangles. */
  tileRects(map: Uint8Array): Rect[] {
    const marked = new Uint16Array(this.tilesY);
    for (let ty = 0; ty < this.tilesY; ty++) for (let tx = 0; tx < this.tilesX; tx++) marked[ty] += map[ty * this.tilesX + tx] ? 1 : 0;
    return this.merge(map, marked);
  }

  /** Runs of changed tiles per band, extended downwards while the next band has the same run. */
  private merge(tiles: Uint8Array, marked: Uint16Array): Rect[] {
    const { tilesX, tilesY } = this;
    const done: Rect[] = [];
    let open = new Map<number, { x0: number; x1: number; y0: number; y1: number }>();
    for (let ty = 0; ty < tilesY; ty++) {
      const next = new Map<number, { x0: number; x1: number; y0: number; y1: number }>();
      if (marked[ty] > 0) {
        const base = ty * tilesX;
        for (let tx = 0; tx < tilesX; ) {
          if (!tiles[base + tx]) {
            tx++;
            continue;
          }
          const x0 = tx;
          while (tx < tilesX && tiles[base + tx]) tx++;
          const key = x0 * 65536 + tx;
          const run = open.get(key);
          if (run) {
            run.y1 = ty + 1;
            open.delete(key);
            next.set(key, run);
          } else next.set(key, { x0, x1: tx, y0: ty, y1: ty + 1 });
        }
      }
      for (const run of open.values()) done.push(this.toPixels(run));
      open = next;
    }
    for (const run of open.values()) done.push(this.toPixels(run));
    return done;
  }

  private toPixels(run: { x0: number; x1: number; y0: number; y1: number }): Rect {
    const x = run.x0 * TILE_W;
    const y = run.y0 * TILE_H;
    return { x, y, w: Math.min(run.x1 * TILE_W, this.width) - x, h: Math.min(run.y1 * TILE_H, this.height) - y };
  }

  /**
   * Drops unchanged rows at the top and bottom of a rectangle (a text line rarely fills its tile band) and,
   * for small ones, unchanged columns at the sides: a typed glyph then goes as exactly its cells, the same
   * bytes each time it is typed, which the deflate dictionary turns into a few bytes.
   */
  private trim(r: Rect, current: Buffer, shadow: Buffer): Rect {
    const a = r.x * 4;
    const b = (r.x + r.w) * 4;
    const same = (y: number) => current.compare(shadow, y * this.stride + a, y * this.stride + b, y * this.stride + a, y * this.stride + b) === 0;
    let top = r.y;
    let bottom = r.y + r.h;
    while (top < bottom - 1 && same(top)) top++;
    while (bottom - 1 > top && same(bottom - 1)) bottom--;
    const rows = { x: r.x, y: top, w: r.w, h: bottom - top };
    return rows.w * rows.h <= TRIM_COLUMNS_MAX_PIXELS ? this.trimColumns(rows, current, shadow) : rows;
  }

  private trimColumns(r: Rect, current: Buffer, shadow: Buffer): Rect {
    const cur = new Int32Array(current.buffer, current.byteOffset, current.byteLength >> 2);
    const sh = new Int32Array(shadow.buffer, shadow.byteOffset, shadow.byteLength >> 2);
    let left = r.x + r.w;
    let right = r.x;
    for (let y = r.y; y < r.y + r.h; y++) {
      const row = y * this.width;
      for (let x = r.x; x < left; x++) {
        if (cur[row + x] !== sh[row + x]) {
          left = x;
          break;
        }
      }
      for (let x = r.x + r.w - 1; x >= right; x--) {
        if (cur[row + x] !== sh[row + x]) {
          right = x + 1;
          break;
        }
      }
    }
    return right > left ? { x: left, y: r.y, w: right - left, h: r.h } : r;
  }
}

/**
 * Row by row, what of a row is left to compare — within the areas that may have changed (all of the row
 * when undefined), outside the areas known equal: its open column ranges and the tiles they touch.
 * Recomputed only where an area starts or ends.
 */
class RowCover {
  private readonly tilesX: number;
  private readonly edges: number[];
  private next = 0;
  private current: { open: [number, number][]; openTiles: number[] };

  constructor(
    private readonly width: number,
    private readonly equal: readonly Rect[],
    private readonly within: readonly Rect[] | undefined,
  ) {
    this.tilesX = Math.ceil(width / TILE_W);
    this.edges = [...new Set([...equal, ...(within ?? [])].flatMap((r) => [r.y, r.y + r.h]))].sort((a, b) => a - b);
    this.current = this.compute(0);
  }

  at(y: number): { open: [number, number][]; openTiles: number[] } {
    if (this.next < this.edges.length && this.edges[this.next] <= y) {
      while (this.next < this.edges.length && this.edges[this.next] <= y) this.next++;
      this.current = this.compute(y);
    }
    return this.current;
  }

  private compute(y: number): { open: [number, number][]; openTiles: number[] } {
    const open = subtract(this.within ? union(this.ranges(this.within, y)) : [[0, this.width]], union(this.ranges(this.equal, y)));
    const openTiles: number[] = [];
    for (let tx = 0; tx < this.tilesX; tx++) {
      const a = tx * TILE_W;
      const b = Math.min(a + TILE_W, this.width);
      if (open.some(([o0, o1]) => o0 < b && o1 > a)) openTiles.push(tx);
    }
    return { open, openTiles };
  }

  /** The column ranges of the areas that hold row `y`, clipped to the screen. */
  private ranges(areas: readonly Rect[], y: number): [number, number][] {
    return areas
      .filter((r) => r.y <= y && y < r.y + r.h)
      .map((r): [number, number] => [Math.max(0, r.x), Math.min(this.width, r.x + r.w)])
      .filter(([a, b]) => b > a);
  }
}

/** Sorted, disjoint ranges covering the same columns as `ranges`. */
function union(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of [...ranges].sort((p, q) => p[0] - q[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The columns of sorted, disjoint `from` that no range of sorted, disjoint `minus` covers. */
function subtract(from: [number, number][], minus: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of from) {
    let x = a;
    for (const [c, d] of minus) {
      if (d <= x || c >= b) continue;
      if (c > x) out.push([x, c]);
      x = Math.max(x, d);
    }
    if (x < b) out.push([x, b]);
  }
  return out;
}
