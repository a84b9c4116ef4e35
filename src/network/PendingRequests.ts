import type { ServerReply } from '../protocol/network';
import { NetworkError } from './NetworkError';

type Pending = { resolve: (reply: ServerReply) => void; reject: (err: Error) => void; timer: ReturnType<typeof setTimeout> };

/** Requests sent and not yet answered, by id: each gets exactly one reply, an error or a timeout. */
export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Registers a request of `type` expecting a reply of type `expect`; returns its id and its outcome. */
  add<T extends ServerReply['type']>(type: string, expect: T): { id: number; reply: Promise<Extract<ServerReply, { type: T }>> } {
    const id = this.nextId++;
    const reply = new Promise<Extract<ServerReply, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NetworkError('ERR_TIMEOUT', `${type}: no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, {
        resolve: (message) => {
          if (message.type === expect) resolve(message as Extract<ServerReply, { type: T }>);
          else reject(new NetworkError('ERR_BAD_SERVER_MESSAGE', `${type}: expected ${expect}, got ${message.type}`));
        },
        reject,
        timer,
      });
    });
    return { id, reply };
  }

  resolve(id: number, reply: ServerReply): void {
    this.take(id)?.resolve(reply);
  }

  reject(id: number, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** Fails everything in flight (the connection dropped, or the client was disposed). */
  rejectAll(code: 'ERR_CONNECTION_LOST' | 'ERR_DISPOSED', message: string): void {
    for (const id of [...this.pending.keys()]) this.reject(id, new NetworkError(code, message));
  }

  private take(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }
}
