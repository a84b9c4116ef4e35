/**
 * The client's connection states and the only transitions allowed between them.
 * - `disconnected`: not connected and not trying (initially, after disconnect(), or after a refused sign-in)
 * - `connecting`: opening the socket and, when credentials are known, signing in
 * - `connected`: socket open but nobody signed in yet (call signIn/signInWithToken)
 * - `signedIn`: ready; requests may be sent
 * - `reconnecting`: the connection dropped; waiting for the backoff timer to try again
 * - `disposed`: final
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'signedIn' | 'reconnecting' | 'disposed';

const allowed: Record<ConnectionState, readonly ConnectionState[]> = {
  disconnected: ['connecting', 'disposed'],
  connecting: ['connected', 'signedIn', 'reconnecting', 'disconnected', 'disposed'],
  connected: ['signedIn', 'disconnected', 'reconnecting', 'disposed'],
  signedIn: ['reconnecting', 'disconnected', 'disposed'],
  reconnecting: ['connecting', 'disconnected', 'disposed'],
  disposed: [],
};

export class IllegalTransitionError extends Error {
  readonly code = 'ERR_ILLEGAL_TRANSITION';
  constructor(from: ConnectionState, to: ConnectionState) {
    super(`illegal connection state transition ${from} -> ${to}`);
  }
}

/** Holds the current state; `to` throws on a transition the table does not allow. */
export class ConnectionStateMachine {
  private current: ConnectionState = 'disconnected';

  constructor(private readonly onChange: (state: ConnectionState) => void) {}

  get state(): ConnectionState {
    return this.current;
  }

  to(next: ConnectionState): void {
    if (next === this.current) return;
    if (!allowed[this.current].includes(next)) throw new IllegalTransitionError(this.current, next);
    this.current = next;
    this.onChange(next);
  }
}
