import type { Person, Session, SessionEndReason } from '../protocol/network';
import type { IDisposable } from '../common/lifecycle';
import type { Identity } from './ClientConnection';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';
import type { SessionRow } from './SessionStore';
import { randomToken } from './secrets';

/**
 * Sessions between a sharer's client and a helper's client: started by an accepted invitation or a
 * redeemed link, they relay opaque signaling between exactly those two clients until either ends it or a
 * client stays away longer than the grace period.
 */
export class SessionRelay implements IDisposable {
  private readonly sweeper: NodeJS.Timeout;
  private readonly marks = new Map<string, Promise<void>>();

  constructor(private readonly ctx: ServerContext) {
    this.sweeper = setInterval(() => void this.endStale(), Math.max(250, ctx.limits.sessionGraceMs / 4));
    this.sweeper.unref();
  }

  async start(sharer: Identity, helper: Identity, via: Session['via']): Promise<SessionRow> {
    const row = await this.ctx.sessions.create({
      id: randomToken(16),
      sharer: sharer.alias,
      sharerClient: sharer.clientId,
      helper: helper.alias,
      helperClient: helper.clientId,
      via,
      startedAt: Date.now(),
    });
    this.ctx.cluster.deliver(row.sharer, { type: 'sessionStarted', session: await this.view(row, row.sharer) }, row.sharerClient);
    this.ctx.cluster.deliver(row.helper, { type: 'sessionStarted', session: await this.view(row, row.helper) }, row.helperClient);
    void this.ctx.presence.changed(row.sharer);
    void this.ctx.presence.changed(row.helper);
    return row;
  }

  /** The session as `alias` sees it, with ICE servers and fresh TURN credentials for that party. */
  async view(row: SessionRow, alias: string): Promise<Session> {
    const sharer = alias === row.sharer;
    const peerAlias = sharer ? row.helper : row.sharer;
    const peer: Person = (await this.ctx.accounts.get(peerAlias)) ?? { alias: peerAlias, displayName: peerAlias };
    return { id: row.id, role: sharer ? 'sharer' : 'helper', peer, startedAt: row.startedAt, via: row.via, iceServers: this.ctx.ice.forParty(alias) };
  }

  async openFor(identity: Identity): Promise<Session[]> {
    return Promise.all((await this.ctx.sessions.openFor(identity.alias, identity.clientId)).map((row) => this.view(row, identity.alias)));
  }

  /** Relays a payload to the other party; anyone but the session's two clients gets ERR_NO_SUCH_SESSION. */
  async signal(from: Identity, sessionId: string, payload: string): Promise<void> {
    const row = await this.partyOf(from, sessionId);
    const toSharer = row.helper === from.alias && row.helperClient === from.clientId;
    const [alias, clientId] = toSharer ? [row.sharer, row.sharerClient] : [row.helper, row.helperClient];
    this.ctx.cluster.deliver(alias, { type: 'signalReceived', sessionId, payload }, clientId);
  }

  async end(by: Identity, sessionId: string): Promise<void> {
    const row = await this.partyOf(by, sessionId);
    const bySharer = row.sharer === by.alias && row.sharerClient === by.clientId;
    await this.finish(row, bySharer ? 'ended' : 'peerEnded', bySharer ? 'peerEnded' : 'ended');
  }

  /** The client's last connection here closed: its sessions wait for it for the grace period. */
  clientLeft(identity: Identity): void {
    this.inOrder(identity, () => this.ctx.sessions.markAway(identity.alias, identity.clientId));
  }

  clientBack(identity: Identity): void {
    this.inOrder(identity, () => this.ctx.sessions.markBack(identity.alias, identity.clientId));
  }

  /** A client's away and back marks are written in the order they happened (a quick reconnect must end "back"). */
  private inOrder(identity: Identity, write: () => Promise<void>): void {
    const key = `${identity.alias} ${identity.clientId}`;
    const next = (this.marks.get(key) ?? Promise.resolve())
      .then(write)
      .catch((err: unknown) => this.ctx.logger.warn(`session marks of ${identity.alias}: ${err instanceof Error ? err.message : String(err)}`));
    this.marks.set(key, next);
    void next.finally(() => {
      if (this.marks.get(key) === next) this.marks.delete(key);
    });
  }

  /**
   * The account was disabled or removed, or devices of it signed out (`clients`: only those clients'
   * sessions): the sessions end now and the other party is told (peerOffline).
   */
  async endAllOf(alias: string, clients?: ReadonlySet<string>): Promise<void> {
    for (const row of await this.ctx.sessions.openOfAlias(alias)) {
      if (clients && !clients.has(row.sharer === alias ? row.sharerClient : row.helperClient)) continue;
      await this.finish(row, row.sharer === alias ? 'connectionLost' : 'peerOffline', row.helper === alias ? 'connectionLost' : 'peerOffline');
    }
  }

  /** Ends sessions whose party has been away longer than the grace period. */
  async endStale(): Promise<void> {
    try {
      for (const row of await this.ctx.sessions.stale(Date.now() - this.ctx.limits.sessionGraceMs)) {
        const sharerGone = row.sharerAwaySince !== null;
        const helperGone = row.helperAwaySince !== null;
        await this.finish(row, sharerGone ? 'connectionLost' : 'peerOffline', helperGone ? 'connectionLost' : 'peerOffline');
      }
    } catch (err) {
      // the store is unreachable: the next sweep ends what this one could not
      this.ctx.logger.warn(`ending stale sessions: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    clearInterval(this.sweeper);
  }

  private async partyOf(identity: Identity, sessionId: string): Promise<SessionRow> {
    const row = await this.ctx.sessions.get(sessionId);
    const party =
      row &&
      row.endedAt === null &&
      ((row.sharer === identity.alias && row.sharerClient === identity.clientId) ||
        (row.helper === identity.alias && row.helperClient === identity.clientId));
    if (!party) throw new ServiceError('ERR_NO_SUCH_SESSION', `no open session ${sessionId} for this client`);
    return row;
  }

  private async finish(row: SessionRow, sharerReason: SessionEndReason, helperReason: SessionEndReason): Promise<void> {
    if (!(await this.ctx.sessions.markEnded(row))) return;
    this.ctx.cluster.deliver(row.sharer, { type: 'sessionEnded', sessionId: row.id, reason: sharerReason }, row.sharerClient);
    this.ctx.cluster.deliver(row.helper, { type: 'sessionEnded', sessionId: row.id, reason: helperReason }, row.helperClient);
    void this.ctx.presence.changed(row.sharer);
    void this.ctx.presence.changed(row.helper);
  }
}
