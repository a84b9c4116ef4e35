/** Order statistics for the report. */

/** The p-th percentile (0–100) by linear interpolation; NaN for no samples. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** Rounded to `digits` decimals, or null when not a finite number (JSON-friendly). */
export function round(value: number | undefined, digits = 1): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A small seeded generator (mulberry32), so a report regenerated from the same raw file gives the same intervals. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Interval {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  /** Runs the figure came from. */
  readonly runs: number;
}

/**
 * `stat` over all runs' samples pooled, with a 95 % percentile-bootstrap interval that resamples whole runs
 * (a run's samples share its moment's machine load, so runs — not samples — are the independent units), then
 * samples within each drawn run.
 */
export function bootstrap(runs: readonly (readonly number[])[], stat: (pooled: number[]) => number = median, iterations = 2000): Interval {
  const groups = runs.filter((r) => r.length > 0);
  const pooled = groups.flat();
  if (!pooled.length) return { value: NaN, lo: NaN, hi: NaN, runs: 0 };
  const rand = random(pooled.length * 7919 + groups.length);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const stats: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const sample: number[] = [];
    for (let g = 0; g < groups.length; g++) {
      const run = pick(groups);
      for (let j = 0; j < run.length; j++) sample.push(pick(run));
    }
    stats.push(stat(sample));
  }
  return { value: stat(pooled), lo: percentile(stats, 2.5), hi: percentile(stats, 97.5), runs: groups.length };
}

/** -1 when `a` is lower with separated intervals, 1 when higher, 0 when the intervals overlap. */
export function separated(a: Interval, b: Interval): -1 | 0 | 1 {
  if (a.hi < b.lo) return -1;
  if (a.lo > b.hi) return 1;
  return 0;
}
