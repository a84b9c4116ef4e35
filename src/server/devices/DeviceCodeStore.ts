import { randomInt } from 'crypto';
import type { Db } from '../Database';
import { hashSecret } from '../secrets';

/** Crockford's base 32: no I, L, O or U, so a code read aloud or off a screen is typed right. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = 8;

export type CodeIssuer = 'device' | 'admin';

/** A code as shown: two groups of four (40 bits; guessing is bounded by the failure limit per address). */
export function newDeviceCode(): string {
  let code = '';
  for (let i = 0; i < CODE_CHARS; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code as typed, in the form it is hashed: upper case, no dash, the letters people confuse mapped as Crockford does. */
export function normalizeDeviceCode(typed: string): string {
  return typed.toUpperCase().replace(/-/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** One-time codes that let a new device join an account; kept only as hashes, used once, short-lived. */
export class DeviceCodeStore {
  private readonly insert;
  private readonly select;
  private readonly markUsed;
  private readonly countSince;
  private readonly deleteFor;
  private readonly prune;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO device_codes (codeHash, alias, issuer, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?)');
    this.select = db.prepare<[Buffer, number], { alias: string }>('SELECT alias FROM device_codes WHERE codeHash = ? AND usedAt IS NULL AND expiresAt > ?');
    this.markUsed = db.prepare('UPDATE device_codes SET usedAt = ? WHERE codeHash = ? AND usedAt IS NULL');
    this.countSince = db.prepare<[string, string, number], { n: number }>('SELECT count(*) AS n FROM device_codes WHERE alias = ? AND issuer = ? AND createdAt >= ?');
    this.deleteFor = db.prepare('DELETE FROM device_codes WHERE alias = ?');
    this.prune = db.prepare('DELETE FROM device_codes WHERE expiresAt < ?');
  }

  /** Issues a code for `alias`, valid for `ttlMs`; only its hash is kept. */
  async issue(alias: string, issuer: CodeIssuer, ttlMs: number): Promise<{ code: string; expiresAt: number }> {
    const code = newDeviceCode();
    const now = Date.now();
    await this.insert.run(hashSecret(normalizeDeviceCode(code)), alias, issuer, now, now + ttlMs);
    return { code, expiresAt: now + ttlMs };
  }

  /** Uses the code once (atomically, also across processes): the account it joins, or undefined. */
  redeem(typed: string): Promise<string | undefined> {
    const hash = hashSecret(normalizeDeviceCode(typed));
    return this.db.transaction(async () => {
      const row = await this.select.get(hash, Date.now());
      if (!row || (await this.markUsed.run(Date.now(), hash)).changes !== 1) return undefined;
      return row.alias;
    }, [`device-code ${hash.toString('hex')}`]);
  }

  /** Codes `issuer` made for `alias` since `since`, used or not (for the rate limit). */
  async issuedSince(alias: string, issuer: CodeIssuer, since: number): Promise<number> {
    return (await this.countSince.get(alias, issuer, since))?.n ?? 0;
  }

  /** Every open code of the account stops working (sign out everywhere, a reset by an administrator). */
  async revokeAll(alias: string): Promise<void> {
    await this.deleteFor.run(alias);
  }

  /** Forgets codes that expired more than `keepMs` ago (the rate limit looks back less than that). */
  async pruneOlderThan(keepMs: number): Promise<void> {
    await this.prune.run(Date.now() - keepMs);
  }
}
