import type WebSocket from 'ws';
import type { ChosenPresence, ServerMessage } from '../protocol/network';
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
  /** Requests refused for rate in a row; reset by any accepted request. */
  refusedInARow = 0;
  readonly bucket: TokenBucket;

  constructor(
    private readonly socket: WebSocket,
    /** The peer's IP address, for limits that must survive new accounts and connections. */
    readonly remoteAddress: string,
    messagesPerSecond: number,
    burst: number,
  ) {
    this.bucket = new TokenBucket(messagesPerSecond, burst);
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  sendText(text: string): void {
    if (this.open) this.socket.send(text);
  }

  /** Closes with a WebSocket close code (1008 policy violation, 1013 try again later, …). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    this.alive = false;
    if (this.open) this.socket.ping();
  }
}
