/**
 * The runtime-neutral core of a connection to the assistance network, shared by the extension's NetworkClient
 * (Node, `ws`, reconnects) and the helper page's BrowserSignaling (the page's own WebSocket): numbered requests
 * that each get exactly one reply, error or time-out, and every message the server sends validated before it is
 * routed — replies to their request, events to `onEvent`. It owns no socket: its owner hands it the text that
 * arrives and gives it a way to send.
 */
import { MAX_MESSAGE_BYTES, ServerMessage, type ClientMessage, type ServerEvent, type ServerReply } from '../protocol/network';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import type { Logger } from '../common/logger';
import { NetworkError } from './NetworkError';
import { PendingRequests } from './PendingRequests';

/** A client message without its id (the exchange numbers it). */
export type Request = ClientMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

/** Where the exchange sends: the current socket, if one is open. */
export interface ServerTransport {
  isOpen(): boolean;
  send(text: string): void;
}

export class ServerExchange {
  private readonly pending: PendingRequests;

  constructor(
    private readonly transport: ServerTransport,
    private readonly onEvent: (event: ServerEvent) => void,
    private readonly logger: Logger,
    timeoutMs = 15_000,
  ) {
    this.pending = new PendingRequests(timeoutMs);
  }

  /** Sends `message`; resolves with the reply of type `expect`, rejects with a NetworkError (the server's code or the client's). */
  request<T extends ServerReply['type']>(message: Request, expect: T): Promise<Extract<ServerReply, { type: T }>> {
    if (!this.transport.isOpen()) return Promise.reject(new NetworkError('ERR_NOT_CONNECTED', 'the connection is not open'));
    const { id, reply } = this.pending.add(message.type, expect);
    this.transport.send(JSON.stringify({ ...message, id }));
    return reply;
  }

  /** One text message from the server: validated, then a reply settles its request and an event goes to `onEvent`. */
  receive(text: string): void {
    let message: ServerMessage;
    try {
      message = decodeMessage(ServerMessage, text, MAX_MESSAGE_BYTES);
    } catch (err) {
      const why = err instanceof ProtocolError ? `${err.code}: ${err.message}` : String(err);
      this.logger.warn(`ignored a bad message from the server (${why})`);
      const id = readId(text);
      if (id !== undefined) this.pending.reject(id, new NetworkError('ERR_BAD_SERVER_MESSAGE', why));
      return;
    }
    if (!('id' in message)) {
      this.onEvent(message);
    } else if (message.type !== 'error') {
      this.pending.resolve(message.id, message);
    } else if (message.id === null) {
      this.logger.warn(`server error: ${message.code}: ${message.message}`);
    } else {
      this.pending.reject(message.id, new NetworkError(message.code, message.message));
    }
  }

  /** Fails every request in flight (the connection dropped, or its owner was disposed). */
  failAll(code: 'ERR_CONNECTION_LOST' | 'ERR_DISPOSED', message: string): void {
    this.pending.rejectAll(code, message);
  }
}

/** Best-effort request id of a message that failed validation, to fail its request instead of timing out. */
function readId(text: string): number | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}
