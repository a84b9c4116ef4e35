/**
 * At most `max` pieces of work running at once; the rest wait their turn in arrival order, costing nothing
 * meanwhile. A reconnect storm (every client of a process that died signing in to the others at once) then
 * runs as a queue instead of thousands of sign-ins taking turns on the event loop: each turn stays short, so
 * the balancer's health check (GET /healthz) is answered within its timeout and a busy process is not taken
 * for a dead one.
 */
export class AdmissionQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Work waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // the turn passes straight to the next in line (running stays counted)
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
