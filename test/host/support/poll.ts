/** Polls a condition until it holds or a generous deadline passes (never a fixed sleep). */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 50,
  /** Describes the last observed state in the timeout message. */
  observed?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = observed ? ` (last seen: ${observed()})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}${seen}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
