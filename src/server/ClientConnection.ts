import type WebSocket from 'ws';
import type { ChosenPresence, ServerMessage } from '../protocol/network';
import type { Limits } from './Limits';
import { TokenBucket } from './TokenBucket';

/** Who is on the other end of one WebSocket, once signed in. */
export interface Identity {
  alias: string;
  clientId: string;
}

/** A signed-in connection's identity plus the device (token) it used. */
export interface SignedInIdentity extends Identity {
  deviceId: string;
}

let nextConnectionId = 1;

/** One client's WebSocket: its identity, chosen presence, rate budget and liveness. */
export class ClientConnection {
  readonly id = nextConnectionId++;
  identity: SignedInIdentity | undefined;
  /** A sign-in is in progress (it awaits the cluster): no second one may start. */
  signingIn = false;
  presence: ChosenPresence = 'online';
  alive = true;
  readonly bucket: TokenBucket;
  /** Requests refused (rate, size, malformed) in the current abuse window; accepted ones do not reset it. */
  private refused = { start: 0, count: 0 };

  constructor(
    private readonly socket: WebSocket,
    /** The peer's IP address, for limits that must survive new accounts and connections. */
    readonly remoteAddress: string,
    private readonly limits: Pick<Limits, 'messagesPerSecond' | 'messageBurst' | 'abuseThreshold' | 'abuseWindowMs' | 'maxQueuedBytes'>,
    private readonly onOverflow: (connection: ClientConnection) => void,
  ) {
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
  }

  /** Counts a refused request; true once the connection has had abuseThreshold of them within one window. */
  refuse(): boolean {
    const now = performance.now();
    if (now - this.refused.start >= this.limits.abuseWindowMs) this.refused = { start: now, count: 0 };
    return ++this.refused.count >= this.limits.abuseThreshold;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  /** Queues the text; a connection that lets more than maxQueuedBytes pile up unread is terminated instead. */
  sendText(text: string): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount + text.length > this.limits.maxQueuedBytes) {
      this.onOverflow(this);
      this.socket.terminate();
      return;
    }
    this.socket.send(text);
  }

  /** Closes with a WebSocket close code (1008 policy violation, 1013 try again later, …). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /** Calls `listener` once the socket has closed (at once if it already has). */
  onClosed(listener: () => void): void {
    if (this.socket.readyState === this.socket.CLOSED) listener();
    else this.socket.once('close', () => listener());
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    this.alive = false;
    if (this.open) this.socket.ping();
  }
}
