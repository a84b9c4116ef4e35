/**
 * Auto quality: picks a tier for the link from what the screen channel's acks measure (delivery rate while
 * updates are in flight, how long an update waits beyond the round trip) and the transport's RTT from
 * getStats. Each tier sets the frame rate, the encoder (JPEG for photo-like blocks, colour depth, zlib level,
 * update size) and the bytes kept in flight — few on a slow link, so a chat line never queues behind
 * seconds of screen. Explicit states with an edge table (illegal moves throw):
 *   lan ⇄ broadband ⇄ slow ⇄ dialup; down may skip tiers (a measured rate says where), up goes one at a time.
 * Down needs congestion held for DOWN_MS (one late ack is jitter, not a slow link); up needs UP_MS without
 * congestion while updates flow, and the measured rate to allow the next tier.
 */
import { HostError } from '../HostError';
import { ColourDepth } from './RectPixels';
import { EncoderSettings, EXACT } from './RegionEncoder';

export type LinkTier = 'lan' | 'broadband' | 'slow' | 'dialup';
export const LINK_TIERS: readonly LinkTier[] = ['lan', 'broadband', 'slow', 'dialup'];

const TRANSITIONS: Readonly<Record<LinkTier, readonly LinkTier[]>> = {
  lan: ['broadband', 'slow', 'dialup'],
  broadband: ['lan', 'slow', 'dialup'],
  slow: ['broadband', 'dialup'],
  dialup: ['slow'],
};

export interface TierSettings {
  /** Frames per second at most (Auto's cap still applies). */
  readonly fps: number;
  readonly encoder: EncoderSettings;
  /** Unacknowledged screen bytes before the host waits. */
  readonly windowBytes: number;
  /** Rate this tier needs, kbit/s: a measured rate below it while congested moves down. */
  readonly minKbps: number;
  /** Whether approximate tiles are refined losslessly when the link is idle. */
  readonly refine: boolean;
}

const depth = (bits: ColourDepth) => bits;

export const TIERS: Readonly<Record<LinkTier, TierSettings>> = {
  lan: { fps: 60, encoder: EXACT, windowBytes: 4 * 1024 * 1024, minKbps: 20_000, refine: true },
  broadband: { fps: 30, encoder: { depth: depth(8), jpegQuality: 75, level: 6, updateBytes: 96 * 1024 }, windowBytes: 256 * 1024, minKbps: 3000, refine: true },
  slow: { fps: 15, encoder: { depth: depth(5), jpegQuality: 50, level: 9, updateBytes: 48 * 1024 }, windowBytes: 48 * 1024, minKbps: 700, refine: true },
  dialup: { fps: 10, encoder: { depth: depth(5), jpegQuality: 30, level: 9, updateBytes: 24 * 1024 }, windowBytes: 16 * 1024, minKbps: 0, refine: true },
};

/** Congestion must last this long (ms) before a move down; no congestion this long before a move up. */
export const DOWN_MS = 1000;
export const UP_MS = 4000;
/** Measurements older than this (ms) are forgotten. */
const WINDOW_MS = 2000;
/**
 * Waiting beyond the round trip (ms) that counts as congestion: a queue is building somewhere. A tier's own
 * window, drained at the tier's least rate, may wait longer than this without counting.
 */
const QUEUE_MS = 250;

function congestionMs(tier: LinkTier): number {
  const t = TIERS[tier];
  return t.minKbps > 0 ? Math.max(QUEUE_MS, (t.windowBytes * 8) / t.minKbps) : Infinity;
}

export interface LinkSample {
  readonly tier: LinkTier;
  /** Delivery rate while updates were in flight, kbit/s (undefined before enough was acked). */
  readonly rateKbps: number | undefined;
  /** Median wait of an update beyond the round trip, ms. */
  readonly queueMs: number | undefined;
  readonly rttMs: number | undefined;
}

export class LinkQuality {
  private _tier: LinkTier;
  private readonly sentAt = new Map<number, { at: number; bytes: number }>();
  private acks: { at: number; delay: number; bytes: number }[] = [];
  /** Busy intervals: time with something in flight. */
  private busySince: number | undefined;
  private busy: { from: number; to: number }[] = [];
  private rtt: number | undefined;
  private minDelay = Infinity;
  private congestedSince: number | undefined;
  private clearSince: number | undefined;
  private lastChange = 0;

  /** Starts in the middle: a first full screen on a slow link must not queue seconds ahead of chat. */
  constructor(start: LinkTier = 'slow') {
    this._tier = start;
  }

  get tier(): LinkTier {
    return this._tier;
  }

  get settings(): TierSettings {
    return TIERS[this._tier];
  }

  /** No congestion seen lately: spare capacity for a lossless refresh. */
  get hasRoom(): boolean {
    return this.congestedSince === undefined && this.settings.refine;
  }

  /** The transport's round trip from getStats (candidate pair), ms. */
  setRtt(ms: number | undefined): void {
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) this.rtt = ms;
  }

  /** An update (its seq) of `bytes` went out at `now`. */
  sent(seq: number, bytes: number, now: number): void {
    this.sentAt.set(seq, { at: now, bytes });
    this.busySince ??= now;
  }

  /** The viewer acked everything up to `seq` at `now`; `idle` when nothing is left in flight. */
  acked(seq: number, now: number, idle: boolean): void {
    for (const [s, sent] of this.sentAt) {
      if (s > seq) continue;
      const delay = now - sent.at;
      this.acks.push({ at: now, delay, bytes: sent.bytes });
      this.minDelay = Math.min(this.minDelay, delay);
      this.sentAt.delete(s);
    }
    if (idle && this.busySince !== undefined) {
      this.busy.push({ from: this.busySince, to: now });
      this.busySince = undefined;
    }
  }

  /** Nothing will be acked for what was in flight (a RESET starts over). */
  forget(now: number): void {
    this.sentAt.clear();
    if (this.busySince !== undefined) this.busy.push({ from: this.busySince, to: now });
    this.busySince = undefined;
  }

  /** What the link looks like now (also for the stats shown to users). */
  sample(now: number): LinkSample {
    this.prune(now);
    const rttMs = this.rtt ?? (Number.isFinite(this.minDelay) ? this.minDelay : undefined);
    if (this.acks.length === 0) return { tier: this._tier, rateKbps: undefined, queueMs: undefined, rttMs };
    const delays = this.acks.map((a) => a.delay).sort((a, b) => a - b);
    const median = delays[delays.length >> 1];
    const busyMs = this.busy.reduce((n, b) => n + b.to - Math.max(b.from, now - WINDOW_MS), 0) + (this.busySince !== undefined ? now - Math.max(this.busySince, now - WINDOW_MS) : 0);
    const bytes = this.acks.reduce((n, a) => n + a.bytes, 0);
    return { tier: this._tier, rateKbps: busyMs > 0 ? (bytes * 8) / busyMs : undefined, queueMs: Math.max(0, median - (rttMs ?? 0)), rttMs };
  }

  /**
   * Looks at the last measurements; returns the new tier when it changed. Call on each ack and now and
   * then (a stalled link sends no acks: updates in flight for long count as congestion too).
   */
  evaluate(now: number): LinkTier | undefined {
    const s = this.sample(now);
    const oldest = Math.min(...[...this.sentAt.values()].map((v) => v.at));
    const limit = congestionMs(this._tier);
    const stalled = Number.isFinite(oldest) && now - oldest > (s.rttMs ?? 0) + Math.min(limit, 2000) * 2;
    const congested = stalled || (s.queueMs !== undefined && s.queueMs > limit);
    if (congested) {
      this.clearSince = undefined;
      this.congestedSince ??= now;
      if (now - this.congestedSince < DOWN_MS || this._tier === 'dialup') return undefined;
      const index = LINK_TIERS.indexOf(this._tier);
      const fits = LINK_TIERS.findIndex((t) => s.rateKbps !== undefined && s.rateKbps >= TIERS[t].minKbps);
      return this.go(LINK_TIERS[Math.max(index + 1, fits)], now);
    }
    this.congestedSince = undefined;
    if (s.queueMs === undefined) return undefined;
    this.clearSince ??= now;
    if (now - this.clearSince < UP_MS || now - this.lastChange < UP_MS || this._tier === 'lan') return undefined;
    const up = LINK_TIERS[LINK_TIERS.indexOf(this._tier) - 1];
    // Measured with little queued, the rate is a lower bound; at the next tier's need it is safe to move up.
    if (s.rateKbps === undefined || s.rateKbps < TIERS[up].minKbps) return undefined;
    return this.go(up, now);
  }

  transition(next: LinkTier, now: number): void {
    if (!TRANSITIONS[this._tier].includes(next)) throw new HostError('ERR_INTERNAL', `illegal link tier transition ${this._tier} → ${next}`);
    this._tier = next;
    this.lastChange = now;
    this.congestedSince = undefined;
    this.clearSince = undefined;
    // What was measured under the old settings says little about the new ones.
    this.acks = [];
    this.busy = [];
  }

  private go(next: LinkTier, now: number): LinkTier {
    this.transition(next, now);
    return next;
  }

  private prune(now: number): void {
    while (this.acks.length > 0 && this.acks[0].at < now - WINDOW_MS) this.acks.shift();
    this.busy = this.busy.filter((b) => b.to > now - WINDOW_MS);
  }
}
