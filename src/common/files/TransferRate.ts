/** Transfer rate over the last few seconds, for "rate" and "time left" in progress displays. */
const WINDOW_MS = 3000;

export class TransferRate {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly now: () => number) {}

  /** Records the byte count now and returns bytes per second over the window (0 until measurable). */
  bytesPerSecond(bytes: number): number {
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && (at - this.samples[1].at >= WINDOW_MS || this.samples.length > 64)) this.samples.shift();
    const first = this.samples[0];
    const elapsed = at - first.at;
    return elapsed > 0 ? ((bytes - first.bytes) * 1000) / elapsed : 0;
  }
}
