/**
 * The browser page's connection to the assistance network: the page's own WebSocket to the server that served
 * it, a throwaway account carrying only the helper's display name, and the few requests a helper needs
 * (redeem the link, relay signaling, end the session). Everything the server sends is validated first.
 */
import { MAX_MESSAGE_BYTES, ServerMessage, type ClientMessage, type NetworkErrorCode, type Session, type SessionEndReason } from '../protocol/network';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import { Emitter, type IDisposable } from '../common/lifecycle';

type Request = ClientMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;
type Reply = Exclude<ServerMessage, { type: 'contacts' | 'presence' | 'invitationReceived' | 'invitationChanged' | 'sessionStarted' | 'signalReceived' | 'sessionEnded' }>;

/** A request the server refused, or a connection that failed; `code` is the network's stable code. */
export class SignalingError extends Error {
  constructor(
    readonly code: NetworkErrorCode | 'ERR_NOT_CONNECTED' | 'ERR_TIMEOUT',
    message: string,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

function randomId(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class BrowserSignaling implements IDisposable {
  private readonly _onDidReceiveSignal = new Emitter<{ sessionId: string; payload: string }>();
  readonly onDidReceiveSignal = this._onDidReceiveSignal.event;
  private readonly _onDidEndSession = new Emitter<{ sessionId: string; reason: SessionEndReason }>();
  readonly onDidEndSession = this._onDidEndSession.event;
  private readonly _onClosed = new Emitter<void>();
  /** The server connection closed (the page does not reconnect: the peer connection carries the session on). */
  readonly onClosed = this._onClosed.event;

  private nextId = 1;
  private readonly pending = new Map<number, { expect: string; resolve: (r: Reply) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e) => this.receive(typeof e.data === 'string' ? e.data : ''));
    socket.addEventListener('close', () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new SignalingError('ERR_NOT_CONNECTED', 'the connection to the assistance network closed'));
        this.pending.delete(id);
      }
      this._onClosed.fire();
    });
  }

  /** Opens the page's WebSocket to `url` (the server that served the page). */
  static open(url: string): Promise<BrowserSignaling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const fail = () => reject(new SignalingError('ERR_NOT_CONNECTED', `The assistance network at ${new URL(url).host} cannot be reached.`));
      socket.addEventListener('error', fail, { once: true });
      socket.addEventListener('open', () => {
        socket.removeEventListener('error', fail);
        resolve(new BrowserSignaling(socket));
      }, { once: true });
    });
  }

  /** Signs in with a throwaway account that carries only `displayName` (the join key of a sharer's own server, if any). */
  async signIn(displayName: string, joinPassword?: string): Promise<void> {
    await this.request({ type: 'signIn', alias: `guest-${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`, displayName, joinPassword, clientId: randomId(12) }, 'signedIn');
  }

  async redeemLink(linkId: string, secret: string): Promise<Session> {
    return (await this.request({ type: 'redeemLink', linkId, secret }, 'session')).session;
  }

  async sendSignal(sessionId: string, payload: string): Promise<void> {
    await this.request({ type: 'signal', sessionId, payload }, 'ok');
  }

  async endSession(sessionId: string): Promise<void> {
    await this.request({ type: 'endSession', sessionId }, 'ok');
  }

  dispose(): void {
    this.socket.close();
    this._onDidReceiveSignal.dispose();
    this._onDidEndSession.dispose();
    this._onClosed.dispose();
  }

  private request<T extends Reply['type']>(message: Request, expect: T): Promise<Extract<Reply, { type: T }>> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new SignalingError('ERR_NOT_CONNECTED', 'the connection to the assistance network is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError('ERR_TIMEOUT', `the assistance network did not answer ${message.type}`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { expect, resolve: resolve as (r: Reply) => void, reject, timer });
      this.socket.send(JSON.stringify({ ...message, id }));
    });
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = decodeMessage(ServerMessage, text, MAX_MESSAGE_BYTES);
    } catch (err) {
      console.warn(`ignored a bad message from the server (${err instanceof ProtocolError ? err.code : String(err)})`);
      return;
    }
    switch (message.type) {
      case 'signalReceived':
        this._onDidReceiveSignal.fire({ sessionId: message.sessionId, payload: message.payload });
        return;
      case 'sessionEnded':
        this._onDidEndSession.fire({ sessionId: message.sessionId, reason: message.reason });
        return;
      case 'contacts':
      case 'presence':
      case 'invitationReceived':
      case 'invitationChanged':
      case 'sessionStarted':
        return;
    }
    if (message.id === null) return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.type === 'error') waiting.reject(new SignalingError(message.code, message.message));
    else if (message.type !== waiting.expect) waiting.reject(new SignalingError('ERR_MALFORMED', `expected ${waiting.expect}, got ${message.type}`));
    else waiting.resolve(message);
  }
}
