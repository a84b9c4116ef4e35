import type { Link, Session } from '../protocol/network';
import type { IDisposable } from '../common/lifecycle';
import type { Identity } from './ClientConnection';
import { FailureLimiter } from './FailureLimiter';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';
import type { SessionRelay } from './SessionRelay';
import { hashSecret, randomToken, secretMatches } from './secrets';

/**
 * Invitation links for any channel: id + secret + expiry, redeemable once by any signed-in user (the
 * redeemer becomes the helper). Wrong secrets are limited per link (in the shared store) and per account.
 */
export class Links implements IDisposable {
  private readonly perAccount: FailureLimiter;
  /** Fresh accounts are cheap, so guesses are also counted per network address. */
  private readonly perAddress: FailureLimiter;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ctx: ServerContext,
    private readonly relay: SessionRelay,
  ) {
    this.perAccount = new FailureLimiter(ctx.limits.linkFailuresPerAccount, ctx.limits.linkFailureWindowMs);
    this.perAddress = new FailureLimiter(ctx.limits.linkFailuresPerAddress, ctx.limits.linkFailureWindowMs);
    ctx.links.pruneExpired();
    this.sweeper = setInterval(() => {
      this.perAccount.sweep();
      this.perAddress.sweep();
      ctx.links.pruneExpired();
    }, 60_000);
    this.sweeper.unref();
  }

  create(by: Identity, expiresInMs: number | undefined): Link {
    const ttl = expiresInMs ?? this.ctx.inviteExpiryMs;
    if (ttl > this.ctx.limits.maxLinkExpiryMs) {
      throw new ServiceError('ERR_MALFORMED', `a link may live at most ${this.ctx.limits.maxLinkExpiryMs} ms`);
    }
    const id = randomToken(12);
    const secret = randomToken(24);
    const expiresAt = Date.now() + ttl;
    this.ctx.links.create({ id, secretHash: hashSecret(secret), creator: by.alias, creatorClient: by.clientId, createdAt: Date.now(), expiresAt });
    const url = new URL(this.ctx.linkBase);
    url.searchParams.set('id', id);
    url.searchParams.set('secret', secret);
    return { id, secret, expiresAt, url: url.toString() };
  }

  async redeem(by: Identity, address: string, id: string, secret: string): Promise<Session> {
    const limits = this.ctx.limits;
    if (this.perAccount.blocked(by.alias) || this.perAddress.blocked(address)) {
      throw new ServiceError('ERR_RATE_LIMITED', 'too many wrong link secrets; try again later');
    }
    const row = this.ctx.links.get(id);
    const blocked = row && this.ctx.contacts.status(row.creator, by.alias) === 'blocked';
    if (!row || blocked) {
      this.perAccount.record(by.alias);
      this.perAddress.record(address);
      throw new ServiceError('ERR_NO_SUCH_LINK', 'no such invitation link');
    }
    if (row.failures >= limits.linkFailuresPerLink && Date.now() - row.failureWindowStart < limits.linkFailureWindowMs) {
      throw new ServiceError('ERR_RATE_LIMITED', 'too many wrong secrets for this link; try again later');
    }
    if (!secretMatches(secret, row.secretHash)) {
      this.perAccount.record(by.alias);
      this.perAddress.record(address);
      this.ctx.links.recordFailure(id, limits.linkFailureWindowMs);
      throw new ServiceError('ERR_BAD_SECRET', 'the link secret is wrong');
    }
    if (row.expiresAt <= Date.now()) throw new ServiceError('ERR_EXPIRED', 'the invitation link has expired');
    if (row.redeemedAt !== null) throw new ServiceError('ERR_LINK_USED', 'the invitation link was already used');
    if (row.creator === by.alias) throw new ServiceError('ERR_SELF', 'you cannot redeem your own link');
    if ((await this.ctx.presence.of([row.creator])).get(row.creator) === 'offline') {
      throw new ServiceError('ERR_CONTACT_OFFLINE', `${row.creator} is offline; the link stays valid`);
    }
    if (!this.ctx.links.markRedeemed(id)) throw new ServiceError('ERR_LINK_USED', 'the invitation link was already used');
    const session = this.relay.start({ alias: row.creator, clientId: row.creatorClient }, by, 'link');
    return this.relay.view(session, by.alias);
  }

  dispose(): void {
    clearInterval(this.sweeper);
  }
}
