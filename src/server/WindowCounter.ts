/** Counts events per key in a fixed window; `exceeded(key)` once `max` of them happened in the current window. */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  exceeded(key: string): boolean {
    const window = this.current(key);
    return window !== undefined && window.count >= this.max;
  }

  record(key: string): void {
    const window = this.current(key);
    if (window) window.count++;
    else this.windows.set(key, { start: Date.now(), count: 1 });
  }

  /** Forgets finished windows so the map only holds recent keys. */
  sweep(): void {
    for (const key of [...this.windows.keys()]) this.current(key);
  }

  private current(key: string): { start: number; count: number } | undefined {
    const window = this.windows.get(key);
    if (window && Date.now() - window.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}
