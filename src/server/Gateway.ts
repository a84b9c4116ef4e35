import type { IncomingMessage } from 'http';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { ClientMessage, type NetworkErrorCode, type ServerReply } from '../protocol/network';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import type { IDisposable } from '../common/lifecycle';
import type { Accounts } from './Accounts';
import { ClientConnection } from './ClientConnection';
import type { Dispatcher } from './Dispatcher';
import type { ServerContext } from './ServerContext';
import { noMetrics, type ServerMetrics } from './ServerMetrics';
import { ServiceError } from './ServiceError';

/** Each connection is pinged once per heartbeat, in one of this many slices. */
const HEARTBEAT_SLICES = 20;

/** How much of an oversized message is searched for its request id (the rest is never read). */
const ID_SEARCH_CHARS = 256;

/**
 * Accepts WebSocket connections and applies the per-connection rules: at most so many per network address,
 * sign in within a deadline, size (before any parsing) and rate limits with error replies, closing only
 * abusive, dead or non-reading connections (ping/pong heartbeat, a cap on queued bytes).
 */
export class Gateway implements IDisposable {
  private readonly connections = new Set<ClientConnection>();
  private readonly perAddress = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private beatCount = 0;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly ctx: ServerContext,
    private readonly dispatcher: Dispatcher,
    private readonly accounts: Accounts,
    private readonly metrics: ServerMetrics = noMetrics,
    /** The client's network address (behind a trusted balancer, the one it forwarded). */
    private readonly addressOf: (request: IncomingMessage) => string = (request) => request.socket.remoteAddress ?? 'unknown',
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

  /**
   * Asks every client to reconnect (close code 1012, service restart): a client reconnects after any drop,
   * and behind a balancer or with Redis scale-out it lands on another process. Resolves once all are gone.
   */
  async drain(): Promise<void> {
    clearInterval(this.heartbeat);
    const gone = [...this.connections].map((connection) => new Promise<void>((resolve) => connection.onClosed(resolve)));
    for (const connection of this.connections) connection.close(1012, 'server restarting; reconnect');
    await Promise.all(gone);
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const limits = this.ctx.limits;
    if (this.connections.size >= limits.maxConnections) {
      socket.close(1013, 'server full');
      return;
    }
    const address = this.addressOf(request);
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress >= limits.maxConnectionsPerAddress) {
      this.ctx.logger.debug(`refusing a connection from ${address}: ${fromAddress} open`);
      socket.close(1013, 'too many connections from your address');
      return;
    }
    this.perAddress.set(address, fromAddress + 1);
    this.metrics.connection('opened');
    const connection = new ClientConnection(socket, address, limits, (c) =>
      this.ctx.logger.warn(`closing connection ${c.id} (${c.identity?.alias ?? 'anonymous'}): more than ${limits.maxQueuedBytes} bytes queued unread`),
    );
    this.connections.add(connection);
    this.ctx.logger.info(`connection ${connection.id} opened from ${address}`, { event: 'connection.opened', connection: connection.id, address });
    const signInTimer = setTimeout(() => {
      if (!connection.identity) connection.close(1008, 'sign in first');
    }, limits.signInTimeoutMs);
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    socket.on('error', (err) => this.ctx.logger.debug(`connection ${connection.id} (${connection.remoteAddress}): ${err.message}`));
    socket.on('close', (code, reason) => {
      clearTimeout(signInTimer);
      const alias = connection.identity?.alias;
      this.metrics.connection('closed', alias !== undefined);
      this.ctx.logger.info(`connection ${connection.id} from ${address} closed (${code})`, { event: 'connection.closed', connection: connection.id, address, alias, code, reason: reason.toString() });
      this.connections.delete(connection);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
      this.accounts.left(connection);
    });
  }

  private onMessage(connection: ClientConnection, data: RawData, isBinary: boolean): void {
    const limits = this.ctx.limits;
    const bytes = rawLength(data);
    if (!connection.bucket.take()) {
      this.refuse(connection, { code: 'ERR_RATE_LIMITED', message: 'too many requests; slow down' }, data, bytes);
      return;
    }
    // the size decides before the text is decoded or parsed: a large frame costs nothing but its reception
    if (bytes > limits.maxMessageBytes) {
      this.refuse(connection, { code: 'ERR_TOO_LARGE', message: `message exceeds ${limits.maxMessageBytes} bytes` }, data, bytes);
      return;
    }
    let message: ClientMessage;
    try {
      if (isBinary) throw new ProtocolError('ERR_NOT_JSON', 'binary messages are not accepted');
      message = decodeMessage(ClientMessage, rawText(data), limits.maxMessageBytes);
    } catch (err) {
      const protocolError = err instanceof ProtocolError ? err : new ProtocolError('ERR_MALFORMED', String(err));
      this.refuse(connection, { code: protocolError.code, message: protocolError.message.slice(0, 1024) }, data, bytes);
      return;
    }
    this.dispatcher.handle(connection, message).then(
      (reply: ServerReply) => {
        this.answered(connection, message, 'ok');
        connection.send(reply);
      },
      (err: unknown) => {
        if (err instanceof ServiceError) {
          this.answered(connection, message, err.code);
          connection.send({ type: 'error', id: message.id, code: err.code, message: err.message.slice(0, 1024) });
        } else {
          this.answered(connection, message, 'ERR_INTERNAL');
          this.ctx.logger.error(`${message.type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, { event: 'request.failed', request: message.type, connection: connection.id, address: connection.remoteAddress });
          connection.send({ type: 'error', id: message.id, code: 'ERR_INTERNAL', message: 'internal server error' });
        }
      },
    );
  }

  /** Counts the answer and logs the events an operator follows: sign-ins (and refusals) and invitations. */
  private answered(connection: ClientConnection, message: ClientMessage, outcome: 'ok' | NetworkErrorCode): void {
    this.metrics.request(message.type, outcome);
    const fields = { connection: connection.id, address: connection.remoteAddress, alias: connection.identity?.alias };
    if (message.type === 'signIn' || message.type === 'signInWithToken' || message.type === 'signInWithCode') {
      if (outcome === 'ok') this.ctx.logger.info(`${fields.alias} signed in from ${fields.address}`, { event: 'signIn.ok', method: message.type, ...fields });
      else this.ctx.logger.warn(`sign-in from ${fields.address} refused: ${outcome}`, { event: 'signIn.refused', method: message.type, code: outcome, ...fields });
    } else if (message.type === 'invite') {
      if (outcome === 'ok') this.ctx.logger.info(`${fields.alias} invited ${message.alias}`, { event: 'invitation.sent', to: message.alias, ...fields });
      else this.ctx.logger.info(`invitation from ${fields.alias} to ${message.alias} refused: ${outcome}`, { event: 'invitation.refused', to: message.alias, code: outcome, ...fields });
    }
  }

  /** Answers a refused request with its code, or closes the connection once it keeps sending such requests. */
  private refuse(connection: ClientConnection, error: { code: NetworkErrorCode; message: string }, data: RawData, bytes: number): void {
    this.metrics.request('refused', error.code);
    if (connection.refuse()) {
      this.ctx.logger.warn(`closing connection ${connection.id} (${connection.identity?.alias ?? 'anonymous'}): ${this.ctx.limits.abuseThreshold} refused requests within ${this.ctx.limits.abuseWindowMs} ms`);
      connection.close(1008, 'too many refused requests');
      return;
    }
    connection.send({ type: 'error', id: readId(data, bytes, this.ctx.limits.maxMessageBytes), ...error });
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

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, chunk) => n + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function rawText(data: RawData): string {
  return rawBuffer(data).toString();
}

/**
 * The request id of a refused message, if one can be read, so the client can match the error to its request.
 * A message within the size limit is parsed; of a larger one only the start is searched for `"id":N`.
 */
function readId(data: RawData, bytes: number, maxBytes: number): number | null {
  let value: unknown;
  if (bytes <= maxBytes) {
    try {
      value = (JSON.parse(rawText(data)) as { id?: unknown } | null)?.id;
    } catch {
      return null;
    }
  } else {
    const head = (Array.isArray(data) ? data[0] : rawBuffer(data)).subarray(0, ID_SEARCH_CHARS).toString();
    const match = /"id"\s*:\s*(\d{1,16})\s*[,}]/.exec(head);
    value = match ? Number(match[1]) : undefined;
  }
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
