/**
 * Holds the one session in progress. Every NetworkClient this machine uses (the team server's, a direct
 * link's) is watched; when the network starts a session the right side's session object is built. A second
 * session while one is in progress is ended at once: one screen, one helper.
 */
import type { NetworkClient } from '../network/NetworkClient';
import type { Session } from '../protocol/network';
import type { SessionView } from '../protocol/webview';
import { IDisposable, DisposableStore, Emitter } from '../common/lifecycle';
import { Logger } from '../common/logger';
import type { ActiveSession } from './ActiveSession';
import { ChatLog } from './ChatLog';

export interface SessionFactory {
  sharer(session: Session, client: NetworkClient): ActiveSession & { start(): Promise<void> };
  helper(session: Session, client: NetworkClient): ActiveSession;
}

export class SessionCoordinator implements IDisposable {
  private readonly _onDidChangeActive = new Emitter<ActiveSession | undefined>();
  /** A session started or ended. */
  readonly onDidChangeActive = this._onDidChangeActive.event;
  private readonly store = new DisposableStore();
  private current: ActiveSession | undefined;

  constructor(
    private readonly factory: SessionFactory,
    private readonly historyDir: string,
    private readonly log: Logger,
  ) {}

  get active(): ActiveSession | undefined {
    return this.current;
  }

  /** Builds sessions for what `client` reports; dispose the result when the client goes away. */
  watch(client: NetworkClient): IDisposable {
    return this.store.add(client.onDidStartSession((session) => this.begin(session, client)));
  }

  /** The most recent stored session, read-only, for the chat view after a restart. */
  lastStoredView(): SessionView | null {
    const last = ChatLog.readAll(this.historyDir)[0];
    if (!last) return null;
    const h = last.header;
    return { sessionId: h.sessionId, role: h.role, peerName: h.peerName, phase: 'ended', control: 'viewOnly', statusLine: `Last session with ${h.peerName} (ended)`, history: last.entries };
  }

  dispose(): void {
    void this.current?.disconnect();
    this.store.dispose();
    this._onDidChangeActive.dispose();
  }

  private begin(session: Session, client: NetworkClient): void {
    if (this.current) {
      this.log.warn(`session ${session.id} with ${session.peer.alias} refused: already in a session`);
      void client.endSession(session.id).catch(() => undefined);
      return;
    }
    this.log.info(`session ${session.id} started as ${session.role} with ${session.peer.displayName} (${session.peer.alias}) via ${session.via}`);
    let active: ActiveSession;
    if (session.role === 'sharer') {
      const sharer = this.factory.sharer(session, client);
      active = sharer;
      void sharer.start().catch((err: Error) => {
        this.log.error(`session ${session.id}: ${err.message}`);
        void sharer.disconnect();
      });
    } else {
      active = this.factory.helper(session, client);
    }
    this.current = active;
    active.onDidEnd(() => {
      this.log.info(`session ${session.id} ended`);
      if (this.current === active) this.current = undefined;
      this._onDidChangeActive.fire(undefined);
    });
    this._onDidChangeActive.fire(active);
  }
}
