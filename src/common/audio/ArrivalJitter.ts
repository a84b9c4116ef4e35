/**
 * How unevenly audio arrives at a FIFO that plays it at a steady rate, and so how much the FIFO must hold to
 * never run dry: each arrival's lateness against a steady clock (the playback clock minus the samples that
 * came before it), and the spread of those latenesses over the last few seconds. A burst after a stall
 * widens the spread at once; once the arrivals are even again for `windowSamples`, it narrows — so the
 * buffer follows the current jitter, not the worst moment of the call. Runtime-free (the panel's worklet).
 */
export class ArrivalJitter {
  /** Arrival time and lateness (both in samples of the playback clock), oldest first. */
  private readonly arrivals: { at: number; lateness: number }[] = [];
  /** Samples received since the stream started, and when it started (playback clock). */
  private received = 0;
  private start = 0;
  private lastAt = -Infinity;

  constructor(
    /** How far back arrivals count (samples). */
    private readonly windowSamples: number,
    /** A pause longer than this (samples) starts a new stream: what came before says nothing about it. */
    private readonly gapSamples: number,
  ) {}

  /** Notes `samples` arriving at playback-clock time `at` (samples); returns the current spread. */
  note(at: number, samples: number): number {
    if (at - this.lastAt > this.gapSamples) {
      this.arrivals.length = 0;
      this.received = 0;
      this.start = at;
    }
    this.lastAt = at;
    this.arrivals.push({ at, lateness: at - this.start - this.received });
    this.received += samples;
    while (this.arrivals.length > 1 && at - this.arrivals[0].at > this.windowSamples) this.arrivals.shift();
    return this.spread;
  }

  /** Latest minus earliest lateness in the window (samples): the buffer that would have ridden it out. */
  get spread(): number {
    let min = Infinity;
    let max = -Infinity;
    for (const a of this.arrivals) {
      min = Math.min(min, a.lateness);
      max = Math.max(max, a.lateness);
    }
    return this.arrivals.length ? max - min : 0;
  }
}
