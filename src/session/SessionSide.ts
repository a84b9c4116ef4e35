/**
 * What both sides of a session share: the model and its history, the relay channel to the other side, and
 * ending exactly once (whoever ends it) with every resource released.
 */
import { DisposableStore, Emitter } from '../common/lifecycle';
import { Logger } from '../common/logger';
import type { NetworkClient } from '../network/NetworkClient';
import type { ConnectionPath, IceServer } from '../protocol/ice';
import type { Session } from '../protocol/network';
import type { RelayMessage } from '../protocol/relay';
import { AssistanceSession } from './AssistanceSession';
import type { SessionContext } from './ActiveSession';
import { ChatLog } from './ChatLog';
import { SessionChannel } from './SessionChannel';

export abstract class SessionSide {
  readonly model: AssistanceSession;
  private readonly _onDidEnd = new Emitter<void>();
  /** Fires once, after the session ended and its resources were released. */
  readonly onDidEnd = this._onDidEnd.event;
  private readonly _onDidChangePath = new Emitter<ConnectionPath>();
  /** Fires when this side's getStats reports the selected candidate pair (about once a second). */
  readonly onDidChangePath = this._onDidChangePath.event;
  private _path: ConnectionPath | undefined;
  /** The STUN/TURN servers the assistance network gave this side for this session. */
  readonly iceServers: readonly IceServer[];
  protected readonly store = new DisposableStore();
  protected readonly channel: SessionChannel;
  protected finished = false;

  constructor(
    session: Session,
    client: NetworkClient,
    role: 'sharer' | 'helper',
    protected readonly ctx: SessionContext,
    protected readonly log: Logger,
  ) {
    const peerName = session.peer.displayName;
    this.model = new AssistanceSession({
      sessionId: session.id,
      role,
      peerName,
      sink: ChatLog.open(ctx.historyDir, { kind: 'session', sessionId: session.id, role, peerName, startedAt: session.startedAt }),
    });
    this.iceServers = session.iceServers;
    this.channel = this.store.add(new SessionChannel(client, session.id, log));
    this.store.add(this.channel.onMessage((m) => this.onRelay(m)));
    this.store.add(this.channel.onEnded((reason) => this.finish(reason === 'connectionLost' ? 'error' : 'peer')));
  }

  /** Direct or relayed, and the round trip, from this side's getStats (undefined until known). */
  get path(): ConnectionPath | undefined {
    return this._path;
  }

  protected setPath(path: ConnectionPath): void {
    if (this.finished) return;
    this._path = path;
    this._onDidChangePath.fire(path);
  }

  /** A message from the other side's extension (already validated by the channel). */
  protected abstract onRelay(message: RelayMessage): void;

  /** Lets go of what this side holds outside its store; called once, just before the store is disposed. */
  protected abstract onRelease(): void;

  /** Ends everything on both sides. */
  async disconnect(): Promise<void> {
    if (this.finished) return;
    await this.channel.end();
    this.finish('me');
  }

  dispose(): void {
    if (!this.finished) void this.disconnect();
  }

  /** A peer event that is illegal in the current state is logged and changes nothing. */
  protected guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.warn(`session ${this.model.sessionId}: ${what} refused: ${(err as Error).message}`);
    }
  }

  protected finish(by: 'me' | 'peer' | 'error', problem?: string): void {
    if (this.finished) return;
    if (this.model.phase !== 'ended') this.model.end(by, problem);
    this.release();
  }

  protected release(): void {
    if (this.finished) return;
    this.finished = true;
    this.onRelease();
    this.store.dispose();
    this._onDidEnd.fire();
    this._onDidEnd.dispose();
    this._onDidChangePath.dispose();
  }
}
