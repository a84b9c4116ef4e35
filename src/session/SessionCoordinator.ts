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
import type { ActiveSession, ResumedFrom, SuspendableSession } from './ActiveSession';
import { ChatLog } from './ChatLog';

/** `resumed`: the session goes on after this window reloaded (see SessionResume). */
export interface SessionFactory {
  sharer(session: Session, client: NetworkClient, resumed?: ResumedFrom): SuspendableSession & { start(): Promise<void> };
  helper(session: Session, client: NetworkClient, resumed?: ResumedFrom): SuspendableSession;
}

/** The session the last window left open, which this window takes up when the network hands it back. */
export interface ExpectedResume extends ResumedFrom {
  readonly sessionId: string;
  readonly role: Session['role'];
}

export class SessionCoordinator implements IDisposable {
  private readonly _onDidChangeActive = new Emitter<ActiveSession | undefined>();
  /** A session started or ended. */
  readonly onDidChangeActive = this._onDidChangeActive.event;
  private readonly store = new DisposableStore();
  private current: SuspendableSession | undefined;
  private expected: ExpectedResume | undefined;

  constructor(
    private readonly factory: SessionFactory,
    private readonly historyDir: string,
    private readonly log: Logger,
  ) {}

  get active(): SuspendableSession | undefined {
    return this.current;
  }

  /** Builds sessions for what `client` reports; dispose the result when the client goes away. */
  watch(client: NetworkClient): IDisposable {
    return this.store.add(client.onDidStartSession((session) => this.begin(session, client)));
  }

  /** The next time the network starts `resume.sessionId` (signed in again as the same client), it is resumed. */
  expectResume(resume: ExpectedResume): void {
    this.expected = resume;
  }

  /** The window is going away: the session in progress is suspended (left open on the server); false if there is none that can wait. */
  async suspend(): Promise<boolean> {
    return (await this.current?.suspend()) ?? false;
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
    const expected = this.expected;
    const resumed = expected?.sessionId === session.id && expected.role === session.role ? { epoch: expected.epoch } : undefined;
    if (resumed) this.expected = undefined;
    this.log.info(`session ${session.id} ${resumed ? 'resumed' : 'started'} as ${session.role} with ${session.peer.displayName} (${session.peer.alias}) via ${session.via}`);
    let active: SuspendableSession;
    if (session.role === 'sharer') {
      const sharer = this.factory.sharer(session, client, resumed);
      active = sharer;
      void sharer.start().catch((err: Error) => {
        this.log.error(`session ${session.id}: ${err.message}`);
        void sharer.disconnect();
      });
    } else {
      active = this.factory.helper(session, client, resumed);
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
