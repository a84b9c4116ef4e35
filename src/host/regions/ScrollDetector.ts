/**
 * Finds content that moved vertically (a scrolled editor or terminal) so it can go as one COPY instead of
 * pixels: rows of the changed band are hashed in the current frame and in the shadow, each distinctive row
 * votes for the offset at which it appears in the shadow, and the winning offset is verified row by row
 * with memcmp. Blank or repeated rows match everywhere, so rows whose hash is common do not vote.
 */
import { Rect } from '../../protocol/screen';

/** A moved band: rows [y, y+h) of the current frame equal rows [y-dy, y-dy+h) of the shadow in [x, x+w). */
export interface ScrollMove extends Rect {
  readonly srcY: number;
}

/** Bands smaller than this are cheaper to send as pixels than to search. */
export const SCROLL_MIN_ROWS = 32;
export const SCROLL_MIN_WIDTH = 16;
/** Shadow rows with a hash seen more often than this do not vote (blank lines, rules). */
const MAX_MATCHES_PER_ROW = 24;
/** Pixels between hashed ones (odd, so a regular pattern rarely aliases). */
const HASH_STEP = 3;
/** Width of the strips searched separately; wide enough for a line of text to be distinctive. */
const STRIP_WIDTH = 256;
/** A verified run shorter than this is left to the pixel path. */
const MIN_RUN_ROWS = 4;
/** Rows sampled to drop a wrong recent offset before verifying it (see plausible). */
const PLAUSIBLE_SAMPLES = 32;
/** Recent offsets remembered, and multiples of their common step tried, before a full search. */
const RECENT_OFFSETS = 3;
const STEP_MULTIPLES = 4;

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export class ScrollDetector {
  private readonly stride: number;
  private curHash = new Int32Array(0);
  private shadowHash = new Int32Array(0);
  /**
   * The last distinct offsets of a frame's largest move: a scroll goes on by the same offset, or by a few
   * steps when frames came late (a busy sharer grabs every second or third scroll step).
   */
  private recentDy: number[] = [];

  constructor(readonly width: number) {
    this.stride = width * 4;
  }

  /**
   * Moves that turn `shadow` into `current` within `band`, in the order to apply them: one run's copy never
   * overwrites a later run's source. Empty when nothing scrolled. The band is searched in vertical strips,
   * so panes side by side (an editor beside its minimap, two terminals) can each move by their own offset.
   */
  detect(current: Buffer, shadow: Buffer, band: Rect): ScrollMove[] {
    if (band.h < SCROLL_MIN_ROWS || band.w < SCROLL_MIN_WIDTH) return [];
    const steady = this.continued(current, shadow, band);
    return steady.length > 0 ? steady : this.remember(this.search(current, shadow, band));
  }

  /**
   * A steady scroll: a recent offset, verified (a memcmp per row) from the top of the screen to its bottom in
   * the band's columns, spares hashing every row of every strip. The band is the one a frame before found
   * scrolling: the rows around it are verified too, so a scroll that grew past it (a band first seen smaller,
   * rows above a marker) still goes as COPY. Only when the offset holds for nearly all of the band (else the
   * strips may disagree: panes); empty if not.
   */
  continued(current: Buffer, shadow: Buffer, band: Rect): ScrollMove[] {
    if (band.h < SCROLL_MIN_ROWS || band.w < SCROLL_MIN_WIDTH) return [];
    const column: Rect = { x: band.x, y: 0, w: band.w, h: current.length / this.stride };
    for (const dy of this.candidates()) {
      if (!this.plausible(current, shadow, band, dy)) continue;
      const moves = this.verifyStrips(current, shadow, column, dy);
      const inBand = moves.reduce((n, m) => n + m.w * Math.max(0, Math.min(m.y + m.h, band.y + band.h) - Math.max(m.y, band.y)), 0);
      if (moves.length > 0 && inBand * 10 >= (band.h - Math.abs(dy)) * band.w * 9) return this.remember(moves);
    }
    return [];
  }

  /**
   * Runs of `band` moved by `dy` over its whole width; the rows between them strip by strip, so something that
   * stays put (a pane's header, a status line, a marker) breaks the move in its own strip only. In the order to
   * apply them (see verify).
   */
  private verifyStrips(current: Buffer, shadow: Buffer, band: Rect, dy: number): ScrollMove[] {
    const whole = this.verify(current, shadow, band, dy);
    const rows = this.rowsOf(band, dy);
    const gaps: { from: number; to: number }[] = [];
    let y = rows.from;
    for (const m of [...whole].sort((a, b) => a.y - b.y)) {
      if (m.y > y) gaps.push({ from: y, to: m.y });
      y = m.y + m.h;
    }
    if (y < rows.to) gaps.push({ from: y, to: rows.to });
    const parts = gaps.filter((g) => g.to - g.from >= MIN_RUN_ROWS).flatMap((g) => this.strips(band).flatMap((strip) => this.verify(current, shadow, { ...band, x: strip.x, w: strip.w }, dy, g)));
    const moves = [...whole, ...parts];
    // Content moved up (dy < 0): sources lie below their destinations, so go top-down; else bottom-up.
    return moves.sort((a, b) => (dy < 0 ? a.y - b.y : b.y - a.y));
  }

  /** The band's vertical strips, each searched (and verified) on its own. */
  private strips(band: Rect): { x: number; w: number }[] {
    const count = Math.max(1, Math.round(band.w / STRIP_WIDTH));
    return Array.from({ length: count }, (_, i) => {
      const x = band.x + Math.floor((i * band.w) / count);
      return { x, w: band.x + Math.floor(((i + 1) * band.w) / count) - x };
    });
  }

  /** The rows of `band` whose source, `dy` rows away, is in the band too. */
  private rowsOf(band: Rect, dy: number): { from: number; to: number } {
    return { from: Math.max(band.y, band.y + dy), to: Math.min(band.y + band.h, band.y + band.h + dy) };
  }

  /**
   * Whether changed rows sampled over the band mostly hold the shadow's rows moved by `dy`: a wrong offset is
   * dropped for a few memcmps. Verifying it would compare every row, and blank rows (equal at any offset) in
   * full: at 4K the offsets a busy sharer's late frames tried cost ~10 ms a frame.
   */
  private plausible(current: Buffer, shadow: Buffer, band: Rect, dy: number): boolean {
    const a = band.x * 4;
    const b = (band.x + band.w) * 4;
    const { from, to } = this.rowsOf(band, dy);
    let changed = 0;
    let moved = 0;
    for (let i = 0; i < PLAUSIBLE_SAMPLES && to > from; i++) {
      const y = from + Math.floor(((i + 0.5) * (to - from)) / PLAUSIBLE_SAMPLES);
      const row = y * this.stride;
      if (current.compare(shadow, row + a, row + b, row + a, row + b) === 0) continue;
      changed++;
      const src = (y - dy) * this.stride;
      if (current.compare(shadow, src + a, src + b, row + a, row + b) === 0) moved++;
    }
    return moved * 4 >= changed * 3 && moved > 0;
  }

  /** Keeps the offset of the largest move first among the recent ones. */
  private remember(moves: ScrollMove[]): ScrollMove[] {
    const largest = moves.reduce<ScrollMove | undefined>((a, m) => (a && a.w * a.h >= m.w * m.h ? a : m), undefined);
    if (largest) {
      const dy = largest.y - largest.srcY;
      this.recentDy = [dy, ...this.recentDy.filter((d) => d !== dy)].slice(0, RECENT_OFFSETS);
    }
    return moves;
  }

  /** The recent offsets, then the first multiples of their common step (a failed guess costs a memcmp per row). */
  private candidates(): number[] {
    if (this.recentDy.length === 0) return [];
    const step = this.recentDy.reduce((a, b) => gcd(a, b));
    const sign = Math.sign(this.recentDy[0]);
    const multiples = Array.from({ length: STEP_MULTIPLES }, (_, i) => sign * step * (i + 1));
    return [...new Set([...this.recentDy, ...multiples])];
  }

  /** Votes strip by strip, then verifies each offset that won over the strips that voted for it. */
  private search(current: Buffer, shadow: Buffer, band: Rect): ScrollMove[] {
    if (this.curHash.length < band.h) {
      this.curHash = new Int32Array(band.h);
      this.shadowHash = new Int32Array(band.h);
    }
    const strips = this.strips(band).map(({ x, w }) => ({ x, w, dy: this.vote(current, shadow, { x, y: band.y, w, h: band.h }) }));
    const moves: ScrollMove[] = [];
    for (let i = 0; i < strips.length; ) {
      const dy = strips[i].dy;
      let j = i + 1;
      while (j < strips.length && strips[j].dy === dy) j++;
      if (dy !== 0) moves.push(...this.widest(current, shadow, band, strips, i, j, dy));
      i = j;
    }
    return moves;
  }

  /**
   * Verified moves for strips [i, j) that voted `dy`, widened over undecided neighbours (blank margins,
   * long lines) when the move still holds there.
   */
  private widest(current: Buffer, shadow: Buffer, band: Rect, strips: readonly { x: number; w: number; dy: number }[], i: number, j: number, dy: number): ScrollMove[] {
    const region = (from: number, to: number): Rect => ({ x: strips[from].x, y: band.y, w: strips[to - 1].x + strips[to - 1].w - strips[from].x, h: band.h });
    // Rows moved, on average over the region's columns (runs of single strips count for their width).
    const rows = (moves: ScrollMove[], region: Rect) => moves.reduce((n, m) => n + m.w * m.h, 0) / region.w;
    let best = this.verifyStrips(current, shadow, region(i, j), dy);
    if (best.length === 0) return best;
    let from = i;
    let to = j;
    for (;;) {
      const left = from > 0 && strips[from - 1].dy === 0 ? from - 1 : from;
      const right = to < strips.length && strips[to].dy === 0 ? to + 1 : to;
      if (left === from && right === to) return best;
      const wider = this.verifyStrips(current, shadow, region(left, right), dy);
      if (rows(wider, region(left, right)) * 10 < rows(best, region(from, to)) * 9) return best;
      best = wider;
      from = left;
      to = right;
    }
  }

  /** The offset the strip's distinctive rows agree on (0 when none wins clearly). */
  private vote(current: Buffer, shadow: Buffer, strip: Rect): number {
    const cur32 = new Int32Array(current.buffer, current.byteOffset, current.byteLength >> 2);
    const sh32 = new Int32Array(shadow.buffer, shadow.byteOffset, shadow.byteLength >> 2);
    const a = strip.x * 4;
    const b = (strip.x + strip.w) * 4;
    for (let i = 0; i < strip.h; i++) {
      const row = (strip.y + i) * this.stride;
      this.shadowHash[i] = this.hashRow(sh32, strip.y + i, strip.x, strip.w);
      // An unchanged row (memcmp, far cheaper than hashing) has the shadow's hash.
      const same = current.compare(shadow, row + a, row + b, row + a, row + b) === 0;
      this.curHash[i] = same ? this.shadowHash[i] : this.hashRow(cur32, strip.y + i, strip.x, strip.w);
    }
    return this.winner(strip.h);
  }

  private hashRow(px: Int32Array, y: number, x: number, w: number): number {
    // Every HASH_STEP-th pixel is enough to tell text lines apart; the memcmp that verifies sees them all.
    let h = 0x811c9dc5 | 0;
    const start = y * this.width + x;
    const end = start + w;
    for (let i = start; i < end; i += HASH_STEP) h = Math.imul(h ^ px[i], 16777619);
    return h;
  }

  private winner(rows: number): number {
    const where = new Map<number, number[]>();
    for (let i = 0; i < rows; i++) {
      const h = this.shadowHash[i];
      const list = where.get(h);
      if (!list) where.set(h, [i]);
      else if (list.length <= MAX_MATCHES_PER_ROW) list.push(i);
    }
    const votes = new Map<number, number>();
    let voters = 0;
    for (let i = 0; i < rows; i++) {
      const h = this.curHash[i];
      if (h === this.shadowHash[i]) continue;
      const list = where.get(h);
      if (!list || list.length > MAX_MATCHES_PER_ROW) continue;
      voters++;
      for (const j of list) votes.set(i - j, (votes.get(i - j) ?? 0) + 1);
    }
    let best = 0;
    let bestVotes = 0;
    for (const [dy, n] of votes) {
      if (dy !== 0 && n > bestVotes) {
        best = dy;
        bestVotes = n;
      }
    }
    return bestVotes >= MIN_RUN_ROWS && bestVotes * 4 >= voters ? best : 0;
  }

  /** Runs of rows that really equal the shadow moved by `dy`, each with at least one row that changed. */
  private verify(current: Buffer, shadow: Buffer, band: Rect, dy: number, rows = this.rowsOf(band, dy)): ScrollMove[] {
    const a = band.x * 4;
    const b = (band.x + band.w) * 4;
    const rowEquals = (buf: Buffer, y: number, other: Buffer, oy: number) =>
      buf.compare(other, oy * this.stride + a, oy * this.stride + b, y * this.stride + a, y * this.stride + b) === 0;
    const { from, to } = rows;
    const moves: ScrollMove[] = [];
    let runStart = -1;
    let runChanged = false;
    const close = (end: number) => {
      if (runStart >= 0 && runChanged && end - runStart >= MIN_RUN_ROWS) moves.push({ x: band.x, y: runStart, w: band.w, h: end - runStart, srcY: runStart - dy });
      runStart = -1;
      runChanged = false;
    };
    for (let y = from; y < to; y++) {
      if (rowEquals(current, y, shadow, y - dy)) {
        if (runStart < 0) runStart = y;
        if (!runChanged && !rowEquals(current, y, shadow, y)) runChanged = true;
      } else close(y);
    }
    close(to);
    // Content moved up (dy < 0): sources lie below their destinations, so go top-down; else bottom-up.
    return dy < 0 ? moves : moves.reverse();
  }
}
