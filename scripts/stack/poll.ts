/** Waiting for a condition with a deadline — never a fixed sleep. */
import { createServer } from 'net';

export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/** Thrown from a poll's check to give up at once (e.g. the process being waited for has died). */
export class PollAborted extends Error {
  override readonly name = 'PollAborted';
}

/** Calls `check` until it returns a value other than undefined/false, or throws when the deadline passes. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (err instanceof PollAborted) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

/** A TCP port on loopback that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the free port'));
      });
    });
  });
}

/** Resolves when `url` answers with a status below 500. */
export function waitForHttp(url: string, options: PollOptions): Promise<number> {
  return pollUntil(`${url} to answer`, async () => {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status < 500 ? response.status : undefined;
  }, options);
}
