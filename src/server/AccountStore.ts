import { cleanDisplayName, type Person } from '../protocol/network';
import type { Db } from './Database';
import { hashSecret, randomToken, secretMatches } from './secrets';
import { ServiceError } from './ServiceError';

/** Accounts looked up by alias stay cached up to this many (a name lookup happens on every event). */
const CACHE_LIMIT = 100_000;

/** Accounts and their device tokens. Aliases are stored lower-case; tokens only as hashes. */
export class AccountStore {
  private readonly insertAccount;
  private readonly selectAccount;
  private readonly insertDevice;
  private readonly selectDevice;
  private readonly cache = new Map<string, Person>();

  constructor(private readonly db: Db) {
    this.insertAccount = db.prepare('INSERT OR IGNORE INTO accounts (alias, displayName, createdAt) VALUES (?, ?, ?)');
    this.selectAccount = db.prepare<[string], Person>('SELECT alias, displayName FROM accounts WHERE alias = ?');
    this.insertDevice = db.prepare('INSERT INTO devices (id, alias, tokenHash, createdAt, lastSeenAt, name) VALUES (?, ?, ?, ?, ?, ?)');
    // a token sign-in reads its device, account and whether it is disabled in one round trip
    this.selectDevice = db.prepare<[string], { alias: string; tokenHash: Buffer; displayName: string; disabledAt: number | null }>(
      'SELECT d.alias, d.tokenHash, a.displayName, a.disabledAt FROM devices d JOIN accounts a ON a.alias = d.alias WHERE d.id = ?',
    );
  }

  /** Creates the account; ERR_ALIAS_TAKEN if the alias exists. */
  async create(alias: string, displayName: string): Promise<Person> {
    const key = alias.toLowerCase();
    if ((await this.insertAccount.run(key, displayName, Date.now())).changes === 0) {
      throw new ServiceError('ERR_ALIAS_TAKEN', `the alias ${key} is taken; sign in with that account's device token`);
    }
    return { alias: key, displayName };
  }

  async get(alias: string): Promise<Person | undefined> {
    const key = alias.toLowerCase();
    const cached = this.cache.get(key);
    if (cached) return cached;
    const stored = await this.selectAccount.get(key);
    return stored && this.remember(stored);
  }

  /** The account as clients see it, cached (accounts are never renamed; a removed one is forgotten when its removal event arrives). */
  private remember(stored: Person): Person {
    // a name stored before the display-name rules tightened is shown cleaned rather than refused by every client
    const person = { alias: stored.alias, displayName: cleanDisplayName(stored.displayName) || stored.alias };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(person.alias, person);
    return person;
  }

  /** Issues a device token `<deviceId>.<secret>` for the account; only its hash is kept. */
  async issueDeviceToken(alias: string, name = ''): Promise<{ token: string; deviceId: string }> {
    const deviceId = randomToken(12);
    const secret = randomToken(32);
    const now = Date.now();
    await this.insertDevice.run(deviceId, alias, hashSecret(secret), now, now, name);
    return { token: `${deviceId}.${secret}`, deviceId };
  }

  /** The account and device a token belongs to, and when the account was disabled (null: enabled); ERR_BAD_TOKEN for anything else. */
  async authenticate(token: string): Promise<{ account: Person; deviceId: string; disabledAt: number | null }> {
    const [deviceId, secret, extra] = token.split('.');
    const device = deviceId && secret && extra === undefined ? await this.selectDevice.get(deviceId) : undefined;
    if (!device || !secretMatches(secret, device.tokenHash)) {
      throw new ServiceError('ERR_BAD_TOKEN', 'the device token is not valid on this server');
    }
    return { account: this.cache.get(device.alias) ?? this.remember({ alias: device.alias, displayName: device.displayName }), deviceId, disabledAt: device.disabledAt ?? null };
  }

  /** Runs `fn` in one transaction (an account and its first device token, or neither); other aliases' alongside. */
  transaction<T>(alias: string, fn: () => Promise<T>): Promise<T> {
    return this.db.transaction(fn, [`account ${alias.toLowerCase()}`]);
  }

  /** Drops the cached name of a removed account. */
  forget(alias: string): void {
    this.cache.delete(alias.toLowerCase());
  }
}
