import { timingSafeEqual } from 'crypto';
import type { Person, ServerMessage } from '../protocol/network';
import type { ClientConnection, SignedInIdentity } from './ClientConnection';
import type { Devices } from './devices/Devices';
import type { IDisposable } from '../common/lifecycle';
import type { Invitations } from './Invitations';
import type { CompanySignIn } from './oidc/CompanySignIn';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';
import type { SessionRelay } from './SessionRelay';
import { hashSecret } from './secrets';
import type { WindowCounter } from './WindowCounter';

type SignedIn = Extract<ServerMessage, { type: 'signedIn' }>;


/**
 * Sign-in (new account or device token), binding a connection to its account, and its departure. New
 * accounts and wrong secrets (join password, device token) are counted per network address.
 */
export class Accounts implements IDisposable {
  private readonly creations: WindowCounter;
  private readonly failures: WindowCounter;
  /** Nonces for company sign-in are rows in the store: bounded per address. */
  private readonly challenges: WindowCounter;

  constructor(
    private readonly ctx: ServerContext,
    private readonly relay: SessionRelay,
    private readonly invitations: Invitations,
    private readonly devices: Devices,
    /** Set when the server was started with --oidc-issuer and --oidc-client-id. */
    private readonly company: CompanySignIn | undefined,
  ) {
    // counted by every process of a cluster: a guesser gains nothing by spreading over them
    this.creations = ctx.cluster.counter('accounts', ctx.limits.accountsPerAddress, ctx.limits.accountWindowMs);
    this.failures = ctx.cluster.counter('signInFailures', ctx.limits.signInFailuresPerAddress, ctx.limits.signInFailureWindowMs);
    this.challenges = ctx.cluster.counter('oidcChallenges', ctx.limits.oidcChallengesPerAddress, ctx.limits.signInFailureWindowMs);
  }

  dispose(): void {}

  /** Creates the account and a device token, then binds the connection. */
  async signIn(connection: ClientConnection, id: number, alias: string, displayName: string, joinPassword: string | undefined, clientId: string, deviceName = ''): Promise<SignedIn> {
    const address = connection.remoteAddress;
    await this.checkFailures(address);
    await this.checkJoinPassword(address, joinPassword);
    if (await this.creations.exceeded(address)) {
      throw new ServiceError('ERR_RATE_LIMITED', 'too many new accounts from your network address; try again later');
    }
    // a socket that is gone by the commit rolls the account back; from the commit to binding nothing awaits,
    // so no account is ever left that nobody holds
    const { account, token, deviceId } = await this.ctx.accounts.transaction(alias, async () => {
      const created = await this.ctx.accounts.create(alias, displayName);
      const device = await this.ctx.accounts.issueDeviceToken(created.alias, deviceName);
      if (!connection.open) throw new ServiceError('ERR_INTERNAL', 'the connection closed during sign-in');
      return { account: created, ...device };
    });
    // counted after the fact without waiting: nothing may await between the commit and binding the account
    this.creations.record(address).catch(() => undefined);
    this.ctx.logger.debug(`account ${account.alias} created`);
    return { ...(await this.bind(connection, id, account, deviceId, clientId, true)), token };
  }

  /** Signs in with a device token (the join password was checked when the token was issued). */
  async signInWithToken(connection: ClientConnection, id: number, token: string, clientId: string): Promise<SignedIn> {
    await this.checkFailures(connection.remoteAddress);
    let authenticated;
    try {
      authenticated = await this.ctx.accounts.authenticate(token);
    } catch (err) {
      // a store that is down is no wrong token: reconnecting clients must not lock their address out
      if (err instanceof ServiceError && err.code === 'ERR_BAD_TOKEN') await this.failures.record(connection.remoteAddress);
      throw err;
    }
    return this.bind(connection, id, authenticated.account, authenticated.deviceId, clientId, false, authenticated.disabledAt);
  }

  /** Joins the account that issued the one-time code as a new device with a token of its own (no join password: a member vouched). */
  async signInWithCode(connection: ClientConnection, id: number, code: string, deviceName: string, clientId: string): Promise<SignedIn> {
    await this.checkFailures(connection.remoteAddress);
    let alias;
    try {
      alias = await this.devices.redeemCode(code);
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'ERR_BAD_CODE') await this.failures.record(connection.remoteAddress);
      throw err;
    }
    await this.devices.checkEnabled(alias);
    if (!connection.open) throw new ServiceError('ERR_INTERNAL', 'the connection closed during sign-in');
    const { token, deviceId } = await this.ctx.accounts.issueDeviceToken(alias, deviceName);
    this.ctx.logger.debug(`device ${deviceId} joined ${alias} with a code`);
    return { ...(await this.bind(connection, id, (await this.ctx.accounts.get(alias)) as Person, deviceId, clientId)), token };
  }

  /** The identity provider and a one-time nonce for company sign-in. */
  async oidcChallenge(connection: ClientConnection): Promise<{ issuer: string; clientId: string; nonce: string }> {
    const company = this.companySignIn();
    if (await this.challenges.exceeded(connection.remoteAddress)) throw new ServiceError('ERR_RATE_LIMITED', 'too many company sign-ins from your network address; try again later');
    await this.challenges.record(connection.remoteAddress);
    return company.challenge();
  }

  /**
   * Company sign-in: the server validates the ID token itself (signature, issuer, audience, expiry, nonce),
   * then signs in to the identity's account (made on first use) with a device token of its own. The identity
   * provider vouches for the person, so no join password is asked.
   */
  async signInWithIdToken(connection: ClientConnection, id: number, idToken: string, deviceName: string | undefined, clientId: string): Promise<SignedIn> {
    const company = this.companySignIn();
    await this.checkFailures(connection.remoteAddress);
    let account: Person;
    try {
      account = await company.account(idToken);
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'ERR_BAD_ID_TOKEN') await this.failures.record(connection.remoteAddress);
      throw err;
    }
    await this.devices.checkEnabled(account.alias);
    if (!connection.open) throw new ServiceError('ERR_INTERNAL', 'the connection closed during sign-in');
    const { token, deviceId } = await this.ctx.accounts.issueDeviceToken(account.alias, deviceName);
    this.ctx.logger.debug(`device ${deviceId} signed in to ${account.alias} with the company identity provider`);
    return { ...(await this.bind(connection, id, account, deviceId, clientId)), token };
  }

  private companySignIn(): CompanySignIn {
    if (!this.company) throw new ServiceError('ERR_OIDC_DISABLED', 'this server does not offer company sign-in (it was started without --oidc-issuer)');
    return this.company;
  }

  /** The connection closed: presence and the client's sessions are updated. */
  left(connection: ClientConnection): void {
    const identity = connection.identity;
    if (!identity) return;
    void this.devices.seen(identity.deviceId);
    const lastOfAlias = this.ctx.registry.remove(connection);
    if (lastOfAlias) this.ctx.cluster.unwatch(identity.alias);
    if (!this.ctx.registry.hasClient(identity.alias, identity.clientId)) {
      this.ctx.cluster.clientPresent(identity.alias, identity.clientId, false);
      this.relay.clientLeft(identity);
    }
    void this.ctx.presence.changed(identity.alias);
  }

  /** An address that gave too many wrong secrets is refused before any secret is looked at. */
  private async checkFailures(address: string): Promise<void> {
    if (await this.failures.exceeded(address)) {
      throw new ServiceError('ERR_RATE_LIMITED', 'too many wrong passwords or tokens from your network address; try again later');
    }
  }

  private async checkJoinPassword(address: string, given: string | undefined): Promise<void> {
    const expected = this.ctx.joinPassword;
    if (expected === undefined) return;
    if (given === undefined || !timingSafeEqual(hashSecret(given), hashSecret(expected))) {
      // a client that gave none was only asking whether the server needs one
      if (given !== undefined) await this.failures.record(address);
      throw new ServiceError('ERR_BAD_JOIN_PASSWORD', 'this server needs its join password');
    }
  }

  /** Revokes the connection's device token; every process closes the connections that used it. */
  async signOut(connection: ClientConnection): Promise<void> {
    if (connection.identity) await this.devices.signOutThis(connection.identity);
  }

  /** `disabledAt`: read with the account already (a token sign-in), else read here. */
  private async bind(connection: ClientConnection, id: number, account: Person, deviceId: string, clientId: string, isNew = false, disabledAt?: number | null): Promise<SignedIn> {
    // a new account cannot be disabled yet (and must bind without awaiting: see signIn)
    if (!isNew) await this.devices.checkEnabled(account.alias, disabledAt);
    if (!isNew && (await this.ctx.presence.connectionCount(account.alias)) >= this.ctx.limits.maxConnectionsPerAccount) {
      throw new ServiceError('ERR_TOO_MANY_CONNECTIONS', `at most ${this.ctx.limits.maxConnectionsPerAccount} connections per account`);
    }
    if (!connection.open) throw new ServiceError('ERR_INTERNAL', 'the connection closed during sign-in');
    const identity: SignedInIdentity = { alias: account.alias, clientId, deviceId };
    void this.devices.seen(deviceId);
    const firstOfClient = !this.ctx.registry.hasClient(identity.alias, identity.clientId);
    connection.identity = identity;
    if (this.ctx.registry.add(connection)) this.ctx.cluster.watch(account.alias);
    if (firstOfClient) this.ctx.cluster.clientPresent(identity.alias, identity.clientId, true);
    this.relay.clientBack(identity);
    void this.ctx.presence.changed(account.alias);
    // a new account has no contacts, invitations or sessions yet (whatever comes from now on is pushed to it):
    // nothing to read, so no store failure can lose the token just committed
    if (isNew) return { type: 'signedIn', id, account, contacts: [], invitations: [], sessions: [] };
    try {
      return {
        type: 'signedIn',
        id,
        account,
        contacts: await this.ctx.presence.contactList(account.alias),
        invitations: await this.invitations.list(account.alias),
        sessions: await this.relay.openFor(identity),
      };
    } catch (err) {
      // the reply cannot be built (the store is away): the connection is not signed in, so the client can try again
      this.left(connection);
      connection.identity = undefined;
      throw err;
    }
  }
}
