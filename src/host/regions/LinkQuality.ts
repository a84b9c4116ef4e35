/**
 * Auto quality: picks a tier for the link from what the screen channel's acks measure (delivery rate while
 * updates are in flight, how long an update waits beyond the round trip) and the transport's RTT from
 * getStats. Each tier sets the frame rate, the encoder (JPEG for photo-like blocks, colour depth, zlib level,
 * update size) and the bytes kept in flight — few on a slow link, so a chat line never queues behind
 * seconds of screen. Explicit states with an edge table (illegal moves throw):
 *   lan ⇄ broadband ⇄ slow ⇄ dialup; both ways may skip tiers (a measured rate says where).
 * Down needs congestion held for DOWN_MS (one late ack is jitter, not a slow link); up needs UP_MS without
 * congestion while updates flow (START_UP_MS until the first move down: the start tier is a guess, not a
 * measurement), and goes to the highest tier the measured rate allows. Starting at "slow" and climbing one
 * tier per UP_MS kept a fast link below "lan" for ~10 s: seconds to a first exact picture, 4–16 frames/s.
 *
 * Only the link's share of an ack's delay is measured. The viewer reports how long it held each update
 * (waiting behind earlier ones, inflating, decoding, painting) and when (its clock) it sent the ack; the hold
 * is taken off, and so is this process's own lag in handling the ack (how much later than the earliest one
 * an ack was handled, on the viewer's clock: the offset between the clocks cancels). And a sharer whose CPU
 * sends small updates never fills a fast link, so bytes over time in flight stays a low bound however fast
 * the link is; how the link's delay grows with the bytes ahead of an update (the slope: serialization; CPU
 * and distance are the intercept) shows the rate too. Before both, busy CPUs on a veth LAN read as a slow
 * link: acks handled tens of ms after the bytes arrived, ~2 Mbit/s "measured", Auto held at 15 fps and lossy.
 */
import { HostError } from '../HostError';
import { ColourDepth } from './RectPixels';
import { EncoderSettings, EXACT } from './RegionEncoder';

export type LinkTier = 'lan' | 'broadband' | 'slow' | 'dialup';
export const LINK_TIERS: readonly LinkTier[] = ['lan', 'broadband', 'slow', 'dialup'];

/** Every move but to the same tier: a measured rate may skip tiers either way. */
const TRANSITIONS: Readonly<Record<LinkTier, readonly LinkTier[]>> = {
  lan: ['broadband', 'slow', 'dialup'],
  broadband: ['lan', 'slow', 'dialup'],
  slow: ['lan', 'broadband', 'dialup'],
  dialup: ['lan', 'broadband', 'slow'],
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

/**
 * Broadband may reach 60 frames/s as a LAN does: a scroll's new lines cost the same bytes however many frames
 * carry them, the window and the frames in flight pace a link that cannot take more, and a LAN whose sharer
 * sends small updates often shows only broadband's rate (at 30 Auto held a veth LAN to 30 fps in bench/vnc).
 */
export const TIERS: Readonly<Record<LinkTier, TierSettings>> = {
  lan: { fps: 60, encoder: EXACT, windowBytes: 4 * 1024 * 1024, minKbps: 20_000, refine: true },
  broadband: { fps: 60, encoder: { depth: depth(8), jpegQuality: 75, level: 6, updateBytes: 96 * 1024 }, windowBytes: 256 * 1024, minKbps: 3000, refine: true },
  slow: { fps: 15, encoder: { depth: depth(5), jpegQuality: 50, level: 9, updateBytes: 48 * 1024 }, windowBytes: 48 * 1024, minKbps: 700, refine: true },
  dialup: { fps: 10, encoder: { depth: depth(5), jpegQuality: 30, level: 9, updateBytes: 24 * 1024 }, windowBytes: 16 * 1024, minKbps: 0, refine: true },
};

/** Congestion must last this long (ms) before a move down; no congestion this long before a move up. */
export const DOWN_MS = 1000;
export const UP_MS = 4000;
/**
 * Before the first move, no congestion this long (ms) with START_MIN_ACKS updates acked is enough to move up:
 * on a fast link the slow start tier's window already shows the rate within a second of acks.
 */
export const START_UP_MS = 1000;
const START_MIN_ACKS = 8;
/** A transport round trip (ms) at most this short lets the start go to broadband without a measured rate. */
export const NEAR_RTT_MS = 3;
/** Measurements older than this (ms) are forgotten. */
const WINDOW_MS = 2000;
/**
 * Waiting beyond the round trip (ms) that counts as congestion: a queue is building somewhere. A tier's own
 * window, drained at the tier's least rate, may wait longer than this without counting.
 */
const QUEUE_MS = 250;

/** The slope rate needs this many acks in the window whose bytes ahead spread over this much. */
const SLOPE_MIN_POINTS = 8;
const SLOPE_MIN_SPREAD_BYTES = 8 * 1024;
/** Updates sent each within this many ms of the one before form a train; it needs this many; its spread counts at least this. */
const TRAIN_GAP_MS = 2;
const TRAIN_MIN_UPDATES = 3;
const TRAIN_MIN_MS = 1;

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
  /** Updates in flight: when sent, their bytes, and the bytes in flight with them (theirs included). */
  private readonly sentAt = new Map<number, { at: number; bytes: number; ahead: number }>();
  /** Acked updates: sent at `from`, back at `to` less the viewer's hold (the link's share), in ack order. */
  private acks: { at: number; from: number; to: number; delay: number; bytes: number; ahead: number; timed?: boolean }[] = [];
  private rtt: number | undefined;
  private minDelay = Infinity;
  /** Least (handled here − sent by the viewer) of an ack: the clocks' offset plus the return trip. */
  private minAckTrip = Infinity;
  private congestedSince: number | undefined;
  private clearSince: number | undefined;
  private lastChange = 0;
  private moves = 0;
  /**
   * Starting: no move down yet. While starting, up-moves need START_UP_MS without congestion (and
   * START_MIN_ACKS acks under the current tier); after the first move down, UP_MS (no flapping).
   */
  private starting = true;

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

  /**
   * The transport's round trip from getStats (candidate pair), ms. Known to be a LAN's before anything was
   * sent, it makes broadband the start tier (true: the tier changed), so the first picture goes out in exact
   * colours: starting slow sent a 1080p screen at reduced depth and made it exact ~600 ms later (bench/vnc).
   */
  setRtt(ms: number | undefined, now = performance.now()): boolean {
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) return false;
    this.rtt = ms;
    const untouched = this.starting && this.moves === 0 && this.sentAt.size === 0 && this.acks.length === 0;
    if (!untouched || ms > NEAR_RTT_MS || LINK_TIERS.indexOf(this._tier) <= LINK_TIERS.indexOf('broadband')) return false;
    this.go('broadband', now);
    return true;
  }

  /** An update (its seq) of `bytes` went out at `now`. */
  sent(seq: number, bytes: number, now: number): void {
    const ahead = [...this.sentAt.values()].reduce((n, f) => n + f.bytes, bytes);
    this.sentAt.set(seq, { at: now, bytes, ahead });
  }

  /**
   * The viewer acked everything up to `seq`, handled here at `now`: it held update `seq` for `heldMs` after
   * it arrived and sent the ack at `viewerAtMs` on its clock (its CPU and ours, not the link's; from the
   * viewer, so capped at the delay measured here).
   */
  acked(seq: number, now: number, heldMs = 0, viewerAtMs?: number): void {
    const lag = viewerAtMs !== undefined && Number.isFinite(viewerAtMs) ? this.handlingLag(now - viewerAtMs, seq, now) : 0;
    for (const [s, sent] of this.sentAt) {
      if (s > seq) continue;
      const held = s === seq && Number.isFinite(heldMs) ? Math.max(0, heldMs) : 0;
      const to = now - Math.min(held + lag, now - sent.at);
      // Timed: its own ack, with the viewer's hold and clock (acks handled in one batch here are told apart).
      const timed = s === seq && viewerAtMs !== undefined && Number.isFinite(heldMs);
      this.acks.push({ at: now, from: sent.at, to, delay: to - sent.at, bytes: sent.bytes, ahead: sent.ahead, timed });
      this.minDelay = Math.min(this.minDelay, to - sent.at);
      this.sentAt.delete(s);
    }
  }

  /**
   * How much later than the quickest ack this one was handled (this process busy, or descheduled). More than
   * the whole delay is impossible: the viewer's clock started over (a reloaded page), so measure from here.
   */
  private handlingLag(trip: number, seq: number, now: number): number {
    const sent = this.sentAt.get(seq);
    if (trip < this.minAckTrip || (sent && trip - this.minAckTrip > now - sent.at)) this.minAckTrip = trip;
    return trip - this.minAckTrip;
  }

  /** Nothing will be acked for what was in flight (a RESET starts over). */
  forget(now: number): void {
    for (const sent of this.sentAt.values()) this.acks.push({ at: now, from: sent.at, to: now, delay: NaN, bytes: 0, ahead: 0 });
    this.sentAt.clear();
  }

  /** What the link looks like now (also for the stats shown to users). */
  sample(now: number): LinkSample {
    this.prune(now);
    const rttMs = this.rtt ?? (Number.isFinite(this.minDelay) ? this.minDelay : undefined);
    const delays = this.acks.filter((a) => !Number.isNaN(a.delay)).map((a) => a.delay).sort((a, b) => a - b);
    if (delays.length === 0) return { tier: this._tier, rateKbps: undefined, queueMs: undefined, rttMs };
    const median = delays[delays.length >> 1];
    const busyMs = this.busyMs(now);
    const bytes = this.acks.reduce((n, a) => n + a.bytes, 0);
    return { tier: this._tier, rateKbps: busyMs > 0 ? (bytes * 8) / busyMs : undefined, queueMs: Math.max(0, median - (rttMs ?? 0)), rttMs };
  }

  /**
   * The link's rate from how its share of the delay grows with the bytes that had to cross before an update's
   * last byte (least squares: serialization is the slope; the round trip and CPU delays that do not depend
   * on size are the intercept). Updates sized alike (typing) show nothing; a slope at or under zero means
   * more bytes did not wait longer: far more than this traffic needs.
   */
  private slopeKbps(): number | undefined {
    const points = this.acks.filter((a) => !Number.isNaN(a.delay));
    if (points.length < SLOPE_MIN_POINTS) return undefined;
    const xs = points.map((p) => p.ahead);
    if (Math.max(...xs) - Math.min(...xs) < SLOPE_MIN_SPREAD_BYTES) return undefined;
    const mx = xs.reduce((n, x) => n + x, 0) / xs.length;
    const my = points.reduce((n, p) => n + p.delay, 0) / points.length;
    const sxy = points.reduce((n, p) => n + (p.ahead - mx) * (p.delay - my), 0);
    const sxx = xs.reduce((n, x) => n + (x - mx) ** 2, 0);
    const msPerByte = sxy / sxx;
    return msPerByte > 0 ? 8 / msPerByte : Infinity;
  }

  /**
   * The link's rate from a train: updates sent back to back (the first full screen) leave the bottleneck
   * spaced by their serialization, so the spread of their arrivals (the link's share of each ack's time)
   * over the bytes after the first is the rate. The largest train in the window counts. Only acks that carry
   * the viewer's hold and clock: without them, acks handled here in one batch would show any rate.
   */
  private trainKbps(): number | undefined {
    const trains = new Map<number, { to: number; bytes: number }[]>();
    let start = -Infinity;
    let last = -Infinity;
    for (const a of this.acks.filter((p) => p.timed === true && !Number.isNaN(p.delay)).sort((x, y) => x.from - y.from)) {
      if (a.from - last > TRAIN_GAP_MS) start = a.from;
      last = a.from;
      trains.set(start, [...(trains.get(start) ?? []), { to: a.to, bytes: a.bytes }]);
    }
    let best: { bytes: number; kbps: number } | undefined;
    for (const train of trains.values()) {
      if (train.length < TRAIN_MIN_UPDATES) continue;
      train.sort((x, y) => x.to - y.to);
      const bytes = train.slice(1).reduce((n, t) => n + t.bytes, 0);
      if (bytes < SLOPE_MIN_SPREAD_BYTES || (best && best.bytes >= bytes)) continue;
      const ms = Math.max(TRAIN_MIN_MS, train[train.length - 1].to - train[0].to);
      best = { bytes, kbps: (bytes * 8) / ms };
    }
    return best?.kbps;
  }

  /**
   * Time in the window with something on the link: the union of the acked updates' link intervals and
   * of the updates still in flight (until now: their hold is not known yet).
   */
  private busyMs(now: number): number {
    const start = now - WINDOW_MS;
    const intervals = [...this.acks.map((a) => ({ from: a.from, to: a.to })), ...[...this.sentAt.values()].map((s) => ({ from: s.at, to: now }))]
      .map((i) => ({ from: Math.max(i.from, start), to: i.to }))
      .filter((i) => i.to > i.from)
      .sort((a, b) => a.from - b.from);
    let total = 0;
    let end = -Infinity;
    for (const i of intervals) {
      if (i.to <= end) continue;
      total += i.to - Math.max(i.from, end);
      end = i.to;
    }
    return total;
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
    if (this._tier === 'lan') return undefined;
    const near = this.starting && this.rtt !== undefined && this.rtt <= NEAR_RTT_MS;
    if (this.starting && (now - this.clearSince < START_UP_MS || this.ackCount() < START_MIN_ACKS)) {
      // A LAN's round trip (read from ICE as the peer connects) goes to broadband on the first ack without
      // congestion: waiting START_UP_MS for it held the first exact picture back by a second (bench/vnc's
      // connect: 1.3 s from the first picture to the exact one). Rates still wait for START_UP_MS of acks.
      return near && LINK_TIERS.indexOf(this._tier) > LINK_TIERS.indexOf('broadband') ? this.go('broadband', now) : undefined;
    }
    if (!this.starting && (now - this.clearSince < UP_MS || now - this.lastChange < UP_MS)) return undefined;
    // Measured with little queued, the rate is a lower bound; at a tier's need it is safe to move up to it.
    // A sharer whose CPU sends small updates never fills the link, so that bound stays low however fast the
    // link is: the rate the delay's growth with size shows counts too.
    // The slope only after UP_MS of flow: a burst (the first screen, a larger window) and the steady flow
    // after it are measured against different queues (bytes acked late still count as ahead), which can fit
    // any slope; before the first move, the first screen's train shows the rate instead.
    // A transport round trip of a LAN's (host candidates on one switch) lets a start climb to broadband
    // at once: a viewer busy painting the first screen spreads even a fast link's train, and slow's
    // small updates show little rate. Wrong (a shaped lab link), it costs a move down after DOWN_MS.
    const nearKbps = near ? TIERS.broadband.minKbps : 0;
    // A slope is a fit, not a rate that was seen: it moves one tier at a time, as before.
    const index = LINK_TIERS.indexOf(this._tier);
    const slope = now - this.clearSince >= UP_MS ? this.slopeKbps() : undefined;
    const bySlope = slope !== undefined && slope >= TIERS[LINK_TIERS[index - 1]].minKbps ? index - 1 : index;
    const train = this.moves === 0 ? this.trainKbps() : undefined;
    const shown = Math.max(s.rateKbps ?? 0, nearKbps, train ?? 0);
    const byRate = LINK_TIERS.findIndex((t) => shown >= TIERS[t].minKbps);
    const fits = Math.min(bySlope, byRate < 0 ? index : byRate);
    if (fits >= index) return undefined;
    return this.go(LINK_TIERS[fits], now);
  }

  transition(next: LinkTier, now: number): void {
    if (!TRANSITIONS[this._tier].includes(next)) throw new HostError('ERR_INTERNAL', `illegal link tier transition ${this._tier} → ${next}`);
    if (LINK_TIERS.indexOf(next) > LINK_TIERS.indexOf(this._tier)) this.starting = false;
    this._tier = next;
    this.lastChange = now;
    this.moves++;
    this.congestedSince = undefined;
    this.clearSince = undefined;
    // What was measured under the old settings says little about the new ones.
    this.acks = [];
  }

  private go(next: LinkTier, now: number): LinkTier {
    this.transition(next, now);
    return next;
  }

  private ackCount(): number {
    return this.acks.filter((a) => !Number.isNaN(a.delay)).length;
  }

  private prune(now: number): void {
    while (this.acks.length > 0 && this.acks[0].at < now - WINDOW_MS) this.acks.shift();
  }
}
