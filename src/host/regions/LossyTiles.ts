/**
 * Where the viewer's picture is only approximately the screen: tiles last sent as JPEG or at a reduced
 * colour depth. The encoder marks them and, once the link has room, sends them again losslessly (VNC's
 * "lossless refresh"). Conservative: a tile counts as exact again only when an exact update covered it whole.
 */
import { Rect } from '../../protocol/screen';
import { TILE_H, TILE_W } from './FrameDiff';

export class LossyTiles {
  readonly map: Uint8Array;
  private readonly tilesX: number;
  private readonly tilesY: number;
  private marked = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.tilesX = Math.ceil(width / TILE_W);
    this.tilesY = Math.ceil(height / TILE_H);
    this.map = new Uint8Array(this.tilesX * this.tilesY);
  }

  /** Tiles still shown approximately. */
  get count(): number {
    return this.marked;
  }

  /** Every tile `r` touches is now approximate. */
  mark(r: Rect): void {
    this.each(Math.floor(r.x / TILE_W), Math.ceil((r.x + r.w) / TILE_W), Math.floor(r.y / TILE_H), Math.ceil((r.y + r.h) / TILE_H), 1);
  }

  /** Tiles that `r` covers whole (a tile at the screen's edge may be narrower) are exact again. */
  clear(r: Rect): void {
    for (let ty = Math.floor(r.y / TILE_H); ty < Math.min(Math.ceil((r.y + r.h) / TILE_H), this.tilesY); ty++) {
      if (ty * TILE_H < r.y || Math.min((ty + 1) * TILE_H, this.height) > r.y + r.h) continue;
      for (let tx = Math.floor(r.x / TILE_W); tx < Math.min(Math.ceil((r.x + r.w) / TILE_W), this.tilesX); tx++) {
        if (tx * TILE_W < r.x || Math.min((tx + 1) * TILE_W, this.width) > r.x + r.w) continue;
        this.set(ty * this.tilesX + tx, 0);
      }
    }
  }

  /** A COPY moved `src` to `dst`: approximate content moves with it. */
  moved(src: Rect, dst: Rect): void {
    if (this.any(src)) this.mark(dst);
  }

  reset(): void {
    this.map.fill(0);
    this.marked = 0;
  }

  private any(r: Rect): boolean {
    for (let ty = Math.floor(r.y / TILE_H); ty < Math.ceil((r.y + r.h) / TILE_H); ty++) {
      for (let tx = Math.floor(r.x / TILE_W); tx < Math.ceil((r.x + r.w) / TILE_W); tx++) if (this.map[ty * this.tilesX + tx]) return true;
    }
    return false;
  }

  private each(x0: number, x1: number, y0: number, y1: number, value: 0 | 1): void {
    for (let ty = Math.max(0, y0); ty < Math.min(y1, this.tilesY); ty++) {
      for (let tx = Math.max(0, x0); tx < Math.min(x1, this.tilesX); tx++) this.set(ty * this.tilesX + tx, value);
    }
  }

  private set(i: number, value: 0 | 1): void {
    if (this.map[i] === value) return;
    this.map[i] = value;
    this.marked += value ? 1 : -1;
  }
}
