import type { IDisposable } from '../../common/lifecycle';
import { CompanySignInError } from './CompanyIdentityProvider';

interface Waiter {
  resolve(query: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Browser sign-ins waiting for their callback, by OAuth state. The extension's URI handler delivers each
 * callback's query here; one whose state no sign-in here is waiting for is refused and changes nothing.
 */
export class AuthorizationCallbacks implements IDisposable {
  private readonly waiting = new Map<string, Waiter>();

  /** The callback's query for `state`; rejects after `timeoutMs` or when `signal` aborts. */
  wait(state: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(waiter.timer);
        this.waiting.delete(state);
        signal?.removeEventListener('abort', abort);
      };
      const abort = () => {
        done();
        reject(new CompanySignInError('company sign-in was cancelled'));
      };
      const waiter: Waiter = {
        resolve: (query) => {
          done();
          resolve(query);
        },
        reject: (err) => {
          done();
          reject(err);
        },
        timer: setTimeout(() => waiter.reject(new CompanySignInError(`the browser did not come back within ${Math.round(timeoutMs / 60_000)} minutes; sign in again`)), timeoutMs),
      };
      if (signal?.aborted) return reject(new CompanySignInError('company sign-in was cancelled'));
      signal?.addEventListener('abort', abort);
      this.waiting.set(state, waiter);
    });
  }

  /** The URI handler's part: hands the callback's query to the sign-in that waits for its state. */
  deliver(query: string): void {
    const state = new URLSearchParams(query).get('state');
    const waiter = state ? this.waiting.get(state) : undefined;
    if (!waiter) throw new CompanySignInError('this sign-in answer is not for a sign-in started in this window, or it came too late; sign in again');
    waiter.resolve(query);
  }

  dispose(): void {
    for (const waiter of [...this.waiting.values()]) waiter.reject(new CompanySignInError('company sign-in was cancelled'));
  }
}
