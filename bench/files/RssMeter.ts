/** Peak growth of this process's resident memory over a measured stretch, sampled every 100 ms. */
export class RssMeter {
  private baseline = 0;
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.baseline = this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage().rss)), 100);
  }

  /** Stops sampling; returns the peak growth in MB. */
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return Math.round(((this.peak - this.baseline) / 1e6) * 10) / 10;
  }
}
