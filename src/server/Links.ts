import type { Link, Session } from '../protocol/network';
import type { IDisposable } from '../common/lifecycle';
import type { Identity } from './ClientConnection';
import type { WindowCounter } from './WindowCounter';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';
import type { SessionRelay } from './SessionRelay';
import { hashSecret, randomToken, secretMatches } from './secrets';

/**
 * Invitation links for any channel: id + secret + expiry, redeemable once by any signed-in user (the
 * redeemer becomes the helper). Wrong secrets lock out the guesser — per link and account, per account and per
 * network address — never the link: its rightful holder can still redeem it while someone else guesses.
 */
export class Links implements IDisposable {
  private readonly perLinkAndAccount: WindowCounter;
  private readonly perAccount: WindowCounter;
  /** Fresh accounts are cheap, so guesses are also counted per network address. */
  private readonly perAddress: WindowCounter;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ctx: ServerContext,
    private readonly relay: SessionRelay,
  ) {
    // counted by every process of a cluster: a guesser gains nothing by spreading over them
    this.perLinkAndAccount = ctx.cluster.counter('linkFailures:link', ctx.limits.linkFailuresPerLink, ctx.limits.linkFailureWindowMs);
    this.perAccount = ctx.cluster.counter('linkFailures:account', ctx.limits.linkFailuresPerAccount, ctx.limits.linkFailureWindowMs);
    this.perAddress = ctx.cluster.counter('linkFailures:address', ctx.limits.linkFailuresPerAddress, ctx.limits.linkFailureWindowMs);
    const prune = () => ctx.links.pruneExpired().catch((err: unknown) => ctx.logger.warn(`pruning links: ${String(err)}`));
    void prune();
    this.sweeper = setInterval(() => void prune(), 60_000);
    this.sweeper.unref();
  }

  async create(by: Identity, expiresInMs: number | undefined): Promise<Link> {
    const ttl = expiresInMs ?? this.ctx.inviteExpiryMs;
    if (ttl > this.ctx.limits.maxLinkExpiryMs) {
      throw new ServiceError('ERR_MALFORMED', `a link may live at most ${this.ctx.limits.maxLinkExpiryMs} ms`);
    }
    const id = randomToken(12);
    const secret = randomToken(24);
    const expiresAt = Date.now() + ttl;
    await this.ctx.links.create({ id, secretHash: hashSecret(secret), creator: by.alias, creatorClient: by.clientId, createdAt: Date.now(), expiresAt });
    const url = new URL(this.ctx.linkBase);
    url.searchParams.set('id', id);
    url.searchParams.set('secret', secret);
    return { id, secret, expiresAt, url: url.toString() };
  }

  async redeem(by: Identity, address: string, id: string, secret: string): Promise<Session> {
    const linkAndAccount = `${id} ${by.alias}`;
    const exceeded = await Promise.all([this.perLinkAndAccount.exceeded(linkAndAccount), this.perAccount.exceeded(by.alias), this.perAddress.exceeded(address)]);
    if (exceeded.includes(true)) throw new ServiceError('ERR_RATE_LIMITED', 'too many wrong link secrets; try again later');
    const failed = () => Promise.all([this.perLinkAndAccount.record(linkAndAccount), this.perAccount.record(by.alias), this.perAddress.record(address)]);
    const row = await this.ctx.links.get(id);
    const blocked = row && (await this.ctx.contacts.status(row.creator, by.alias)) === 'blocked';
    if (!row || blocked) {
      await failed();
      throw new ServiceError('ERR_NO_SUCH_LINK', 'no such invitation link');
    }
    if (!secretMatches(secret, row.secretHash)) {
      await failed();
      throw new ServiceError('ERR_BAD_SECRET', 'the link secret is wrong');
    }
    if (row.expiresAt <= Date.now()) throw new ServiceError('ERR_EXPIRED', 'the invitation link has expired');
    if (row.redeemedAt !== null) throw new ServiceError('ERR_LINK_USED', 'the invitation link was already used');
    if (row.creator === by.alias) throw new ServiceError('ERR_SELF', 'you cannot redeem your own link');
    if (!(await this.ctx.presence.reachable(row.creator))) {
      throw new ServiceError('ERR_CONTACT_OFFLINE', `${row.creator} is offline; the link stays valid`);
    }
    if (!(await this.ctx.links.markRedeemed(id))) throw new ServiceError('ERR_LINK_USED', 'the invitation link was already used');
    const session = await this.relay.start({ alias: row.creator, clientId: row.creatorClient }, by, 'link');
    return this.relay.view(session, by.alias);
  }

  dispose(): void {
    clearInterval(this.sweeper);
  }
}
