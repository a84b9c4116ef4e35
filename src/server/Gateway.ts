import type { IncomingMessage } from 'http';
import type { WebSocket, WebSocketServer } from 'ws';
import { ClientMessage, type ServerReply } from '../protocol/network';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import type { IDisposable } from '../common/lifecycle';
import type { Accounts } from './Accounts';
import { ClientConnection } from './ClientConnection';
import type { Dispatcher } from './Dispatcher';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';

/** Each connection is pinged once per heartbeat, in one of this many slices. */
const HEARTBEAT_SLICES = 20;

/**
 * Accepts WebSocket connections and applies the per-connection rules: sign in within a deadline, size and
 * rate limits with error replies, closing only abusive or dead connections (ping/pong heartbeat).
 */
export class Gateway implements IDisposable {
  private readonly connections = new Set<ClientConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  private beatCount = 0;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly ctx: ServerContext,
    private readonly dispatcher: Dispatcher,
    private readonly accounts: Accounts,
  ) {
    wss.on('connection', (socket, request) => this.accept(socket, request));
    // ping a slice of the connections at a time: 10,000 pings at once would stall the event loop
    this.heartbeat = setInterval(() => this.beat(), ctx.limits.heartbeatMs / HEARTBEAT_SLICES);
  }

  get size(): number {
    return this.connections.size;
  }

  dispose(): void {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.close(1001, 'server shutting down');
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const limits = this.ctx.limits;
    if (this.connections.size >= limits.maxConnections) {
      socket.close(1013, 'server full');
      return;
    }
    const connection = new ClientConnection(socket, request.socket.remoteAddress ?? 'unknown', limits.messagesPerSecond, limits.messageBurst);
    this.connections.add(connection);
    const signInTimer = setTimeout(() => {
      if (!connection.identity) connection.close(1008, 'sign in first');
    }, limits.signInTimeoutMs);
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => this.onMessage(connection, isBinary ? undefined : data.toString()));
    socket.on('error', (err) => this.ctx.logger.debug(`connection ${connection.id} (${connection.remoteAddress}): ${err.message}`));
    socket.on('close', () => {
      clearTimeout(signInTimer);
      this.connections.delete(connection);
      this.accounts.left(connection);
    });
  }

  private onMessage(connection: ClientConnection, text: string | undefined): void {
    if (!connection.bucket.take()) {
      if (++connection.refusedInARow >= this.ctx.limits.abuseThreshold) {
        this.ctx.logger.warn(`closing connection ${connection.id} (${connection.identity?.alias ?? 'anonymous'}): rate abuse`);
        connection.close(1008, 'rate limit abuse');
        return;
      }
      connection.send({ type: 'error', id: readId(text), code: 'ERR_RATE_LIMITED', message: 'too many requests; slow down' });
      return;
    }
    connection.refusedInARow = 0;
    let message: ClientMessage;
    try {
      if (text === undefined) throw new ProtocolError('ERR_NOT_JSON', 'binary messages are not accepted');
      message = decodeMessage(ClientMessage, text, this.ctx.limits.maxMessageBytes);
    } catch (err) {
      const protocolError = err instanceof ProtocolError ? err : new ProtocolError('ERR_MALFORMED', String(err));
      connection.send({ type: 'error', id: readId(text), code: protocolError.code, message: protocolError.message.slice(0, 1024) });
      return;
    }
    this.dispatcher.handle(connection, message).then(
      (reply: ServerReply) => connection.send(reply),
      (err: unknown) => {
        if (err instanceof ServiceError) {
          connection.send({ type: 'error', id: message.id, code: err.code, message: err.message.slice(0, 1024) });
        } else {
          this.ctx.logger.error(`${message.type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          connection.send({ type: 'error', id: message.id, code: 'ERR_INTERNAL', message: 'internal server error' });
        }
      },
    );
  }

  /** Closes connections of this slice that did not answer their previous ping, and pings the rest. */
  private beat(): void {
    const slice = this.beatCount++ % HEARTBEAT_SLICES;
    for (const connection of this.connections) {
      if (connection.id % HEARTBEAT_SLICES !== slice) continue;
      if (!connection.alive) {
        this.ctx.logger.debug(`connection ${connection.id} missed a pong; closing`);
        connection.terminate();
        continue;
      }
      connection.ping();
    }
  }
}

/** The request id of a message that failed validation, if one can be read, so the client can match it. */
function readId(text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    const value = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}
