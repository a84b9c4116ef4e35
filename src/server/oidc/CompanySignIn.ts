import { Alias, cleanDisplayName, type Person } from '../../protocol/network';
import type { AccountStore } from '../AccountStore';
import type { Logger } from '../../common/logger';
import { ServiceError } from '../ServiceError';
import type { OidcStore } from './OidcStore';
import type { OidcVerifier, VerifiedIdentity } from './OidcVerifier';

/** How long a nonce waits for its ID token: the person signs in in the browser meanwhile. */
export const NONCE_TTL_MS = 15 * 60_000;
/** A token without a nonce (device flow) must have been issued this recently. */
const FRESH_S = 10 * 60;

/**
 * The alias an identity gets on first sign-in: preferred_username, else e-mail, up to an "@", lower-case,
 * other characters as "-". Undefined when nothing usable is left.
 */
export function aliasFromClaims(identity: Pick<VerifiedIdentity, 'preferredUsername' | 'email'>): string | undefined {
  for (const claim of [identity.preferredUsername, identity.email]) {
    if (!claim) continue;
    const candidate = claim
      .split('@')[0]
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 32);
    if (Alias.safeParse(candidate).success) return candidate;
  }
  return undefined;
}

/**
 * Company sign-in (OpenID Connect): a nonce before the browser opens; then an ID token, validated here, names
 * the account — the one this identity signed in to before, or a new one from its claims. No password is kept.
 */
export class CompanySignIn {
  constructor(
    private readonly verifier: OidcVerifier,
    private readonly store: OidcStore,
    private readonly accounts: AccountStore,
    private readonly logger: Logger,
  ) {}

  async challenge(): Promise<{ issuer: string; clientId: string; nonce: string }> {
    return { issuer: this.verifier.options.issuer, clientId: this.verifier.options.clientId, nonce: await this.store.issueNonce(NONCE_TTL_MS) };
  }

  /** Validates the ID token and its nonce (once; a token without one, from the device flow, once and fresh) and returns the account, creating it on first sign-in. */
  async account(idToken: string): Promise<Person> {
    const identity = await this.verifier.verify(idToken);
    // after the signature: only a token the provider issued can use up a nonce
    if (identity.nonce !== undefined) {
      if (!(await this.store.redeemNonce(identity.nonce))) {
        throw new ServiceError('ERR_BAD_ID_TOKEN', "the ID token's nonce was not issued by this server, has expired or was used already; sign in again");
      }
    } else {
      // the device-code flow carries no nonce (RFC 8628): a fresh token, accepted once
      if (identity.iat < Date.now() / 1000 - FRESH_S) throw new ServiceError('ERR_BAD_ID_TOKEN', 'the ID token has no nonce and was issued more than 10 minutes ago; sign in again');
      if (!(await this.store.useToken(idToken, identity.exp * 1000))) throw new ServiceError('ERR_BAD_ID_TOKEN', 'this ID token was used already; sign in again');
    }
    return this.store.transaction(async () => {
      const known = await this.store.aliasOf(identity.issuer, identity.subject);
      const existing = known && (await this.accounts.get(known));
      if (existing) return existing;
      const alias = aliasFromClaims(identity);
      if (!alias) throw new ServiceError('ERR_BAD_ID_TOKEN', 'the ID token has no preferred_username or email claim that makes an alias (2-32 letters, digits, ".", "_" or "-")');
      const displayName = cleanDisplayName(identity.name ?? '') || alias;
      let person: Person;
      try {
        person = await this.accounts.create(alias, displayName);
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'ERR_ALIAS_TAKEN') {
          throw new ServiceError('ERR_ALIAS_TAKEN', `the alias ${alias} belongs to an account that was not made by company sign-in; ask the server's administrator`);
        }
        throw err;
      }
      await this.store.link(identity.issuer, identity.subject, person.alias);
      this.logger.info(`company sign-in created the account ${person.alias}`);
      return person;
    });
  }
}
