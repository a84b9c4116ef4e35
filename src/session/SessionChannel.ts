/**
 * One session's path through the assistance network, seen from one extension: validated relay messages in
 * and out (signaling, control refusals, quality requests) and the session's end. The server is not trusted:
 * anything that fails validation is logged and dropped.
 */
import type { NetworkClient } from '../network/NetworkClient';
import type { SessionEndReason } from '../protocol/network';
import { RELAY_MESSAGE_MAX_BYTES, RelayMessage } from '../protocol/relay';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import { IDisposable, DisposableStore, Emitter } from '../common/lifecycle';
import type { Logger } from '../common/logger';

/** The part of an assistance-network connection a session uses (the extension's NetworkClient, or the page's BrowserSignaling; both over ServerExchange). */
export type SignalingClient = Pick<NetworkClient, 'onDidReceiveSignal' | 'onDidEndSession' | 'sendSignal' | 'endSession'>;

export class SessionChannel implements IDisposable {
  private readonly _onMessage = new Emitter<RelayMessage>();
  readonly onMessage = this._onMessage.event;
  private readonly _onEnded = new Emitter<SessionEndReason>();
  /** The network says the session is over (the peer ended it, went offline, or this client lost the server). */
  readonly onEnded = this._onEnded.event;
  private readonly store = new DisposableStore();
  private ended = false;

  constructor(
    private readonly client: SignalingClient,
    readonly sessionId: string,
    private readonly log: Logger,
  ) {
    this.store.add(
      client.onDidReceiveSignal(({ sessionId, payload }) => {
        if (sessionId !== this.sessionId) return;
        try {
          this._onMessage.fire(decodeMessage(RelayMessage, payload, RELAY_MESSAGE_MAX_BYTES));
        } catch (err) {
          this.log.warn(`session ${sessionId}: dropped a relay message: ${err instanceof ProtocolError ? `${err.code} ${err.message}` : String(err)}`);
        }
      }),
    );
    this.store.add(
      client.onDidEndSession(({ sessionId, reason }) => {
        if (sessionId !== this.sessionId || this.ended) return;
        this.ended = true;
        this._onEnded.fire(reason);
      }),
    );
  }

  async send(message: RelayMessage): Promise<void> {
    if (this.ended) return;
    await this.client.sendSignal(this.sessionId, JSON.stringify(RelayMessage.parse(message)));
  }

  /** Ends the session on the server (the peer is told); safe to call more than once. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      await this.client.endSession(this.sessionId);
    } catch (err) {
      this.log.warn(`session ${this.sessionId}: could not tell the server it ended: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    this.store.dispose();
    this._onMessage.dispose();
    this._onEnded.dispose();
  }
}
