/**
 * The browser page's connection to the assistance network: the page's own WebSocket to the server that served
 * it, a throwaway account carrying only the helper's display name, and the few requests a helper needs
 * (redeem the link, relay signaling, end the session). Requests, replies and validation are the extension's
 * (ServerExchange); errors are NetworkErrors with the network's stable codes.
 */
import type { ServerEvent, Session, SessionEndReason } from '../protocol/network';
import { Emitter, type IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { NetworkError } from '../network/NetworkError';
import { ServerExchange } from '../network/ServerExchange';

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

  private readonly exchange: ServerExchange;

  private constructor(private readonly socket: WebSocket, log: Logger) {
    const transport = { isOpen: () => socket.readyState === WebSocket.OPEN, send: (text: string) => socket.send(text) };
    this.exchange = new ServerExchange(transport, (event) => this.onEvent(event), log);
    socket.addEventListener('message', (e) => this.exchange.receive(typeof e.data === 'string' ? e.data : ''));
    socket.addEventListener('close', () => {
      this.exchange.failAll('ERR_CONNECTION_LOST', 'the connection to the assistance network closed');
      this._onClosed.fire();
    });
  }

  /** Opens the page's WebSocket to `url` (the server that served the page). */
  static open(url: string, log: Logger): Promise<BrowserSignaling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const fail = () => reject(new NetworkError('ERR_NOT_CONNECTED', `The assistance network at ${new URL(url).host} cannot be reached.`));
      socket.addEventListener('error', fail, { once: true });
      socket.addEventListener('open', () => {
        socket.removeEventListener('error', fail);
        resolve(new BrowserSignaling(socket, log));
      }, { once: true });
    });
  }

  /** Signs in with a throwaway account that carries only `displayName` (the join key of a sharer's own server, if any). */
  async signIn(displayName: string, joinPassword?: string): Promise<void> {
    await this.exchange.request({ type: 'signIn', alias: `guest-${randomId(6).replace(/[^A-Za-z0-9]/g, 'x')}`, displayName, joinPassword, clientId: randomId(12) }, 'signedIn');
  }

  async redeemLink(linkId: string, secret: string): Promise<Session> {
    return (await this.exchange.request({ type: 'redeemLink', linkId, secret }, 'session')).session;
  }

  async sendSignal(sessionId: string, payload: string): Promise<void> {
    await this.exchange.request({ type: 'signal', sessionId, payload }, 'ok');
  }

  async endSession(sessionId: string): Promise<void> {
    await this.exchange.request({ type: 'endSession', sessionId }, 'ok');
  }

  dispose(): void {
    this.socket.close();
    this._onDidReceiveSignal.dispose();
    this._onDidEndSession.dispose();
    this._onClosed.dispose();
  }

  /** The page needs only its sessions' signaling and ends; contacts, presence and invitations are the extension's. */
  private onEvent(event: ServerEvent): void {
    if (event.type === 'signalReceived') this._onDidReceiveSignal.fire({ sessionId: event.sessionId, payload: event.payload });
    else if (event.type === 'sessionEnded') this._onDidEndSession.fire({ sessionId: event.sessionId, reason: event.reason });
  }
}
