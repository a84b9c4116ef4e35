/**
 * A page's clock against this process's: the offset (page − here) from the round trip with the smallest delay
 * of `tries`, and half that round trip, how far off the offset can be. One calibration for every bench that
 * compares page timestamps with its own (bench/vnc, bench:host, bench:voice).
 */
export interface PageClock {
  /** page clock − this process's clock, ms */
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
}

const here = (): number => performance.timeOrigin + performance.now();

export async function pageClockOffset(pageNow: () => Promise<number>, tries = 15): Promise<PageClock> {
  let best = Infinity;
  let offsetMs = 0;
  for (let i = 0; i < tries; i++) {
    const before = here();
    const page = await pageNow();
    const after = here();
    if (after - before < best) {
      best = after - before;
      offsetMs = page - (before + after) / 2;
    }
  }
  return { offsetMs, uncertaintyMs: best / 2 };
}
