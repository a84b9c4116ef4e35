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
    // A steady scroll: a recent offset, verified over the whole band (a memcmp per row), spares hashing every
    // row of every strip. Only when it holds nearly everywhere: else the strips may disagree (panes).
    for (const dy of this.candidates()) {
      const moves = this.verify(current, shadow, band, dy);
      if (moves.reduce((n, m) => n + m.h, 0) * 10 >= (band.h - Math.abs(dy)) * 9) return this.remember(moves);
    }
    return this.remember(this.search(current, shadow, band));
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
    const count = Math.max(1, Math.round(band.w / STRIP_WIDTH));
    const strips: { x: number; w: number; dy: number }[] = [];
    for (let i = 0; i < count; i++) {
      const x = band.x + Math.floor((i * band.w) / count);
      const w = band.x + Math.floor(((i + 1) * band.w) / count) - x;
      strips.push({ x, w, dy: this.vote(current, shadow, { x, y: band.y, w, h: band.h }) });
    }
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
    const rows = (moves: ScrollMove[]) => moves.reduce((n, m) => n + m.h, 0);
    let best = this.verify(current, shadow, region(i, j), dy);
    if (best.length === 0) return best;
    let from = i;
    let to = j;
    for (;;) {
      const left = from > 0 && strips[from - 1].dy === 0 ? from - 1 : from;
      const right = to < strips.length && strips[to].dy === 0 ? to + 1 : to;
      if (left === from && right === to) return best;
      const wider = this.verify(current, shadow, region(left, right), dy);
      if (rows(wider) * 10 < rows(best) * 9) return best;
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
  private verify(current: Buffer, shadow: Buffer, band: Rect, dy: number): ScrollMove[] {
    const a = band.x * 4;
    const b = (band.x + band.w) * 4;
    const rowEquals = (buf: Buffer, y: number, other: Buffer, oy: number) =>
      buf.compare(other, oy * this.stride + a, oy * this.stride + b, y * this.stride + a, y * this.stride + b) === 0;
    const from = Math.max(band.y, band.y + dy);
    const to = Math.min(band.y + band.h, band.y + band.h + dy);
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
