/**
 * What both sides of a session share: the model and its history, the relay channel to the other side,
 * ending exactly once (whoever ends it) with every resource released, and the rejoin window: a lost peer
 * connection leaves the session `reconnecting` for up to REJOIN_WINDOW_MS, then it ends. Runtime-neutral (the
 * browser page's helper uses it too): the model, with or without a history file, is built by the caller.
 */
import { DisposableStore, Emitter } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { ConnectionPath, IceServer } from '../protocol/ice';
import type { Session } from '../protocol/network';
import type { RelayMessage } from '../protocol/relay';
import type { SessionEndReason } from '../protocol/network';
import { type AssistanceSession, REJOIN_WINDOW_MS } from './AssistanceSession';
import type { ResumedFrom, SideContext } from './ActiveSession';
import { SessionChannel, type SignalingClient } from './SessionChannel';
import { SessionTexts as T } from './SessionTexts';

/** How long a window going away waits for the server to take its 'away' notice. */
const AWAY_NOTICE_MS = 1_000;

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
  /** The sharer's current peer connection: each new one has a higher number, which tags its signaling. */
  protected epoch: number;
  private rejoinDeadline: ReturnType<typeof setTimeout> | undefined;
  /** The other side said its window is reloading or closing. */
  private peerAway = false;

  constructor(
    session: Session,
    client: SignalingClient,
    model: AssistanceSession,
    protected readonly ctx: SideContext,
    protected readonly log: Logger,
    resumed?: ResumedFrom,
  ) {
    this.model = model;
    this.epoch = resumed?.epoch ?? 0;
    this.iceServers = session.iceServers;
    this.channel = this.store.add(new SessionChannel(client, session.id, log));
    this.store.add(this.channel.onMessage((m) => (m.type === 'away' ? this.onPeerAway() : this.onRelay(m))));
    this.store.add(this.channel.onEnded((reason) => this.onChannelEnded(reason)));
    this.store.add({ dispose: () => clearTimeout(this.rejoinDeadline) });
  }

  /**
   * The peer connection failed or stopped answering: `reconnecting` (control taken back) and the rejoin window
   * starts, unless it already runs. Safe to call again while reconnecting.
   */
  protected connectionLost(): void {
    if (this.finished) return;
    if (this.model.phase === 'connected') this.model.connectionLost();
    if (this.model.phase !== 'reconnecting' || this.rejoinDeadline) return;
    this.rejoinDeadline = setTimeout(() => {
      this.log.info(`session ${this.model.sessionId}: no connection within ${REJOIN_WINDOW_MS / 1000} s; ending`);
      void this.expire();
    }, this.ctx.rejoinWindowMs ?? REJOIN_WINDOW_MS);
  }

  private async expire(): Promise<void> {
    if (this.finished) return;
    await this.channel.end();
    this.finish('me', this.peerAway ? T.peerDidNotComeBack(this.model.peerName) : undefined);
  }

  /** The other side's window is reloading or closing: say so; it has the rejoin window to come back. */
  private onPeerAway(): void {
    // Said once per absence: a peer repeating it adds nothing to the history.
    if (this.finished || this.peerAway || (this.model.phase !== 'connected' && this.model.phase !== 'reconnecting')) return;
    this.peerAway = true;
    this.model.note(T.peerAway(this.model.peerName));
  }

  /** A session that can wait for this window to come back: it is up or recovering, not being set up. */
  get canSuspend(): boolean {
    return !this.finished && (this.model.phase === 'connected' || this.model.phase === 'reconnecting');
  }

  /** The sharer's current peer connection number (what a resumed session counts on from). */
  get connectionEpoch(): number {
    return this.epoch;
  }

  /**
   * VS Code is reloading or closing (the extension cannot tell which): everything here is released — the host
   * process stops, so nothing is shared — but the session stays open on the server, which keeps it for its
   * grace period for this client to come back. The other side is told (waiting up to a second for the server
   * to take the message, as the connection closes next). False if it cannot wait (then end it).
   */
  async suspend(): Promise<boolean> {
    if (!this.canSuspend) return false;
    const told = this.channel.send({ type: 'away' }).catch(() => undefined);
    this.model.note(T.suspended(this.model.peerName));
    this.release();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([told, new Promise((resolve) => (timer = setTimeout(resolve, AWAY_NOTICE_MS)))]);
    clearTimeout(timer);
    return true;
  }

  /** A peer connection answers again (the same after ICE recovered, or a new one): `connected` again. */
  protected connectionRestored(): void {
    clearTimeout(this.rejoinDeadline);
    this.rejoinDeadline = undefined;
    this.peerAway = false;
    if (this.model.phase === 'reconnecting') this.model.reconnected();
  }

  private onChannelEnded(reason: SessionEndReason): void {
    // The server went away and came back without this session (or ended it while this client was away):
    // the peer connection still carries it, so it goes on; it ends with the peer connection or Disconnect.
    if (reason === 'connectionLost' && (this.model.phase === 'connected' || this.model.phase === 'reconnecting')) {
      this.log.warn(`session ${this.model.sessionId}: the assistance network no longer knows this session; continuing peer to peer`);
      return;
    }
    const problem = reason === 'peerOffline' && this.peerAway ? T.peerDidNotComeBack(this.model.peerName) : undefined;
    this.finish(reason === 'connectionLost' ? 'error' : 'peer', problem);
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
