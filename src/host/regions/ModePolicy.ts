/**
 * Regions or video, decided by the link's bit budget with hysteresis: the lossless path stays while what it
 * sends fits the quality's maxKbps; content that keeps it over budget for a sustained moment (a playing
 * video, a full-screen animation) goes to the video track; it comes back once the estimated lossless rate
 * has stayed well under budget for a while.
 *   video → entering (RESET + whole screen + MODE regions sent) → regions (the viewer acked it)
 */
import { HostError } from '../HostError';

export type ModeState = 'video' | 'entering' | 'regions';

const TRANSITIONS: Readonly<Record<ModeState, readonly ModeState[]>> = {
  video: ['entering'],
  entering: ['entering', 'regions', 'video'],
  regions: ['entering', 'video'],
};

/** Over budget this long (ms) → video; a single large update (a window opened) does not switch. */
export const OVER_BUDGET_MS = 1500;
/** Estimated under half the budget this long (ms) → back to regions. */
export const CALM_MS = 2000;
const WINDOW_MS = 1000;

export class ModePolicy {
  private _state: ModeState = 'video';
  private samples: { at: number; bytes: number }[] = [];
  private overSince: number | undefined;
  private calmSince: number | undefined;
  /** Compressed/raw bytes of the region path lately, to estimate its cost while in video mode. */
  private ratio = 0.25;

  constructor(private budgetKbps: number) {}

  get state(): ModeState {
    return this._state;
  }

  setBudget(kbps: number): void {
    this.budgetKbps = kbps;
  }

  transition(next: ModeState, now: number): void {
    if (!TRANSITIONS[this._state].includes(next)) throw new HostError('ERR_INTERNAL', `illegal screen mode transition ${this._state} → ${next}`);
    this._state = next;
    this.samples = [];
    this.overSince = undefined;
    this.calmSince = next === 'video' ? now : undefined;
  }

  /** Regions: a frame of `bytes` on the wire for `rawBytes` of pixels. True when it is time for video. */
  sent(bytes: number, rawBytes: number, now: number): boolean {
    if (rawBytes > 64 * 1024) this.ratio = this.ratio * 0.8 + Math.min(1, bytes / rawBytes) * 0.2;
    const kbps = this.add(bytes, now);
    if (kbps <= this.budgetKbps) this.overSince = undefined;
    else this.overSince ??= now;
    return this.overSince !== undefined && now - this.overSince >= OVER_BUDGET_MS;
  }

  /** Video: a frame whose lossless update would carry `rawBytes` of pixels (0 for none). True when calm. */
  observed(rawBytes: number, now: number): boolean {
    const kbps = this.add(rawBytes * this.ratio, now);
    if (kbps >= this.budgetKbps / 2) this.calmSince = undefined;
    else this.calmSince ??= now;
    return this.calmSince !== undefined && now - this.calmSince >= CALM_MS;
  }

  /** The rate over the last second, kbit/s, with `bytes` added at `now`. */
  private add(bytes: number, now: number): number {
    this.samples.push({ at: now, bytes });
    while (this.samples.length > 0 && this.samples[0].at <= now - WINDOW_MS) this.samples.shift();
    return (this.samples.reduce((n, s) => n + s.bytes, 0) * 8) / WINDOW_MS;
  }
}
