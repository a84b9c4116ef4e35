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

  constructor(private readonly ctx: ServerContext) {
    this.sweeper = setInterval(() => this.endStale(), Math.max(250, ctx.limits.sessionGraceMs / 4));
    this.sweeper.unref();
  }

  start(sharer: Identity, helper: Identity, via: Session['via']): SessionRow {
    const row = this.ctx.sessions.create({
      id: randomToken(16),
      sharer: sharer.alias,
      sharerClient: sharer.clientId,
      helper: helper.alias,
      helperClient: helper.clientId,
      via,
      startedAt: Date.now(),
    });
    this.ctx.cluster.deliver(row.sharer, { type: 'sessionStarted', session: this.view(row, row.sharer) }, row.sharerClient);
    this.ctx.cluster.deliver(row.helper, { type: 'sessionStarted', session: this.view(row, row.helper) }, row.helperClient);
    void this.ctx.presence.changed(row.sharer);
    void this.ctx.presence.changed(row.helper);
    return row;
  }

  /** The session as `alias` sees it, with ICE servers and fresh TURN credentials for that party. */
  view(row: SessionRow, alias: string): Session {
    const sharer = alias === row.sharer;
    const peerAlias = sharer ? row.helper : row.sharer;
    const peer: Person = this.ctx.accounts.get(peerAlias) ?? { alias: peerAlias, displayName: peerAlias };
    return { id: row.id, role: sharer ? 'sharer' : 'helper', peer, startedAt: row.startedAt, via: row.via, iceServers: this.ctx.ice.forParty(alias) };
  }

  openFor(identity: Identity): Session[] {
    return this.ctx.sessions.openFor(identity.alias, identity.clientId).map((row) => this.view(row, identity.alias));
  }

  /** Relays a payload to the other party; anyone but the session's two clients gets ERR_NO_SUCH_SESSION. */
  signal(from: Identity, sessionId: string, payload: string): void {
    const row = this.partyOf(from, sessionId);
    const toSharer = row.helper === from.alias && row.helperClient === from.clientId;
    const [alias, clientId] = toSharer ? [row.sharer, row.sharerClient] : [row.helper, row.helperClient];
    this.ctx.cluster.deliver(alias, { type: 'signalReceived', sessionId, payload }, clientId);
  }

  end(by: Identity, sessionId: string): void {
    const row = this.partyOf(by, sessionId);
    const bySharer = row.sharer === by.alias && row.sharerClient === by.clientId;
    this.finish(row, bySharer ? 'ended' : 'peerEnded', bySharer ? 'peerEnded' : 'ended');
  }

  /** The client's last connection here closed: its sessions wait for it for the grace period. */
  clientLeft(identity: Identity): void {
    this.ctx.sessions.markAway(identity.alias, identity.clientId);
  }

  clientBack(identity: Identity): void {
    this.ctx.sessions.markBack(identity.alias, identity.clientId);
  }

  /**
   * The account was disabled or removed, or devices of it signed out (`clients`: only those clients'
   * sessions): the sessions end now and the other party is told (peerOffline).
   */
  endAllOf(alias: string, clients?: ReadonlySet<string>): void {
    for (const row of this.ctx.sessions.openOfAlias(alias)) {
      if (clients && !clients.has(row.sharer === alias ? row.sharerClient : row.helperClient)) continue;
      this.finish(row, row.sharer === alias ? 'connectionLost' : 'peerOffline', row.helper === alias ? 'connectionLost' : 'peerOffline');
    }
  }

  /** Ends sessions whose party has been away longer than the grace period. */
  endStale(): void {
    for (const row of this.ctx.sessions.stale(Date.now() - this.ctx.limits.sessionGraceMs)) {
      const sharerGone = row.sharerAwaySince !== null;
      const helperGone = row.helperAwaySince !== null;
      this.finish(row, sharerGone ? 'connectionLost' : 'peerOffline', helperGone ? 'connectionLost' : 'peerOffline');
    }
  }

  dispose(): void {
    clearInterval(this.sweeper);
  }

  private partyOf(identity: Identity, sessionId: string): SessionRow {
    const row = this.ctx.sessions.get(sessionId);
    const party =
      row &&
      row.endedAt === null &&
      ((row.sharer === identity.alias && row.sharerClient === identity.clientId) ||
        (row.helper === identity.alias && row.helperClient === identity.clientId));
    if (!party) throw new ServiceError('ERR_NO_SUCH_SESSION', `no open session ${sessionId} for this client`);
    return row;
  }

  private finish(row: SessionRow, sharerReason: SessionEndReason, helperReason: SessionEndReason): void {
    if (!this.ctx.sessions.markEnded(row.id)) return;
    this.ctx.cluster.deliver(row.sharer, { type: 'sessionEnded', sessionId: row.id, reason: sharerReason }, row.sharerClient);
    this.ctx.cluster.deliver(row.helper, { type: 'sessionEnded', sessionId: row.id, reason: helperReason }, row.helperClient);
    void this.ctx.presence.changed(row.sharer);
    void this.ctx.presence.changed(row.helper);
  }
}
