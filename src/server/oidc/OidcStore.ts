import type { Db } from '../Database';
import { hashSecret, randomToken } from '../secrets';

/**
 * What company sign-in keeps: the accounts each identity (issuer + subject) owns, and one-time nonces. A nonce
 * is issued before the browser opens and used once when the ID token carrying it arrives, also on another
 * server process or after a restart (the sign-in may take minutes, longer than a connection waits). A token
 * from the device-code flow has no nonce: it is recorded in the same table and accepted once.
 */
export class OidcStore {
  private readonly selectIdentity;
  private readonly insertIdentity;
  private readonly insertNonce;
  private readonly useNonce;
  private readonly prune;
  private readonly insertUsedToken;

  constructor(private readonly db: Db) {
    this.selectIdentity = db.prepare<[string, string], { alias: string }>('SELECT alias FROM oidc_identities WHERE issuer = ? AND subject = ?');
    this.insertIdentity = db.prepare('INSERT INTO oidc_identities (issuer, subject, alias, linkedAt) VALUES (?, ?, ?, ?)');
    this.insertNonce = db.prepare('INSERT INTO oidc_nonces (nonceHash, expiresAt) VALUES (?, ?)');
    this.useNonce = db.prepare('UPDATE oidc_nonces SET usedAt = ? WHERE nonceHash = ? AND usedAt IS NULL AND expiresAt > ?');
    this.insertUsedToken = db.prepare('INSERT OR IGNORE INTO oidc_nonces (nonceHash, expiresAt, usedAt) VALUES (?, ?, ?)');
    this.prune = db.prepare('DELETE FROM oidc_nonces WHERE expiresAt < ?');
  }

  /** The account this identity signed in to before, if any. */
  async aliasOf(issuer: string, subject: string): Promise<string | undefined> {
    return (await this.selectIdentity.get(issuer, subject))?.alias;
  }

  async link(issuer: string, subject: string, alias: string): Promise<void> {
    await this.insertIdentity.run(issuer, subject, alias, Date.now());
  }

  /** A new nonce valid for `ttlMs`; only its hash is kept. */
  async issueNonce(ttlMs: number): Promise<string> {
    const nonce = randomToken(24);
    await this.prune.run(Date.now() - ttlMs);
    await this.insertNonce.run(hashSecret(nonce), Date.now() + ttlMs);
    return nonce;
  }

  /** Uses the nonce once: false if it was never issued, has expired or was used already. */
  async redeemNonce(nonce: string): Promise<boolean> {
    return (await this.useNonce.run(Date.now(), hashSecret(nonce), Date.now())).changes === 1;
  }

  /** Records a token without a nonce (device flow) as used until it expires: false if it was used already. */
  async useToken(idToken: string, expiresAt: number): Promise<boolean> {
    return (await this.insertUsedToken.run(hashSecret(`id_token:${idToken}`), expiresAt, Date.now())).changes === 1;
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
