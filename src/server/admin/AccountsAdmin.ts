import type { Db } from '../Database';
import { AccountEventLog } from '../devices/AccountEventLog';
import { DeviceCodeStore } from '../devices/DeviceCodeStore';
import { DeviceStore, type DeviceRow } from '../devices/DeviceStore';
import { AuditLog, type AuditEntry } from './AuditLog';

export interface AccountSummary {
  alias: string;
  displayName: string;
  createdAt: number;
  disabledAt: number | null;
  devices: number;
  /** The latest "last seen" of its devices (null: it has none). */
  lastSeenAt: number | null;
}

export interface AccountDetail extends AccountSummary {
  deviceList: DeviceRow[];
  contacts: number;
  pendingInvitations: number;
  audit: AuditEntry[];
}

/** An administrator's command failed without changing anything (no such account, …). */
export class AdminError extends Error {
  constructor(
    readonly code: 'ERR_NO_SUCH_ACCOUNT' | 'ERR_USAGE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What `npm run server -- accounts …` does, against the data directory's store — also while servers run on
 * it: they read the account event feed and act within a fraction of a second (disconnect, withdraw, end).
 */
export class AccountsAdmin {
  private readonly devices: DeviceStore;
  private readonly codes: DeviceCodeStore;
  private readonly events: AccountEventLog;
  readonly audit: AuditLog;
  private readonly selectSummaries;
  private readonly selectSummary;
  private readonly countContacts;
  private readonly countPending;
  private readonly selectContacts;
  private readonly deleteAccount;

  constructor(
    private readonly db: Db,
    dataDir: string | undefined,
    private readonly actor: string,
  ) {
    this.devices = new DeviceStore(db);
    this.codes = new DeviceCodeStore(db);
    this.events = new AccountEventLog(db);
    this.audit = new AuditLog(db, dataDir);
    const summary = `SELECT a.alias, a.displayName, a.createdAt, a.disabledAt,
        (SELECT count(*) FROM devices d WHERE d.alias = a.alias) AS devices,
        (SELECT max(coalesce(d.lastSeenAt, d.createdAt)) FROM devices d WHERE d.alias = a.alias) AS lastSeenAt
      FROM accounts a`;
    this.selectSummaries = db.prepare<[], AccountSummary>(`${summary} ORDER BY a.alias`);
    this.selectSummary = db.prepare<[string], AccountSummary>(`${summary} WHERE a.alias = ?`);
    this.countContacts = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM contacts WHERE owner = ? AND status = 'accepted'");
    this.countPending = db.prepare<[string, string], { n: number }>("SELECT count(*) AS n FROM invitations WHERE (fromAlias = ? OR toAlias = ?) AND status = 'pending'");
    this.selectContacts = db.prepare<[string], { other: string }>('SELECT other FROM contacts WHERE owner = ?');
    this.deleteAccount = db.prepare('DELETE FROM accounts WHERE alias = ?');
  }

  list(): Promise<AccountSummary[]> {
    return this.selectSummaries.all();
  }

  async show(alias: string): Promise<AccountDetail> {
    const summary = await this.summary(alias);
    return {
      ...summary,
      deviceList: await this.devices.list(summary.alias),
      contacts: (await this.countContacts.get(summary.alias))?.n ?? 0,
      pendingInvitations: (await this.countPending.get(summary.alias, summary.alias))?.n ?? 0,
      audit: await this.audit.about(summary.alias),
    };
  }

  /** Its devices are disconnected at once, its invitations withdrawn and its sessions ended; it cannot sign in. */
  async disable(alias: string): Promise<{ changed: boolean }> {
    const { alias: key, disabledAt } = await this.summary(alias);
    const changed = disabledAt === null;
    await this.db.transaction(async () => {
      if (changed) await this.devices.setDisabled(key, Date.now());
      // sent again when already disabled: a server that was down then still ends what it holds
      await this.events.append(key, 'disabled');
      await this.audit.write(this.actor, 'disable', key, changed ? 'disabled' : 'was already disabled');
    });
    return { changed };
  }

  async enable(alias: string): Promise<{ changed: boolean }> {
    const { alias: key, disabledAt } = await this.summary(alias);
    const changed = disabledAt !== null;
    await this.db.transaction(async () => {
      if (changed) await this.devices.setDisabled(key, null);
      await this.audit.write(this.actor, 'enable', key, changed ? 'enabled' : 'was not disabled');
    });
    return { changed };
  }

  /**
   * Recovery of a lost device: every device token and open code of the account stops working (its devices are
   * disconnected) and one code is issued that the person enters with "Sign In with a Code from Another Device…".
   */
  async resetDevices(alias: string, codeTtlMs: number): Promise<{ code: string; expiresAt: number; revoked: number }> {
    const { alias: key } = await this.summary(alias);
    return this.db.transaction(async () => {
      const revoked = await this.devices.revokeAll(key);
      await this.codes.revokeAll(key);
      const { code, expiresAt } = await this.codes.issue(key, 'admin', codeTtlMs);
      await this.events.append(key, 'signedOut');
      await this.audit.write(this.actor, 'reset-devices', key, `${revoked} device(s) signed out; a one-time code issued, valid until ${new Date(expiresAt).toISOString()}`);
      return { code, expiresAt, revoked };
    });
  }

  /** Deletes the account with its devices, codes and contacts; servers disconnect it and update its contacts' lists. */
  async remove(alias: string): Promise<void> {
    const { alias: key } = await this.summary(alias);
    await this.db.transaction(async () => {
      const formerContacts = (await this.selectContacts.all(key)).map((row) => row.other);
      await this.deleteAccount.run(key);
      await this.events.append(key, 'removed', null, formerContacts);
      await this.audit.write(this.actor, 'remove', key, `removed with ${formerContacts.length} contact entr${formerContacts.length === 1 ? 'y' : 'ies'}`);
    });
  }

  private async summary(alias: string): Promise<AccountSummary> {
    const row = await this.selectSummary.get(alias.toLowerCase());
    if (!row) throw new AdminError('ERR_NO_SUCH_ACCOUNT', `no account ${alias.toLowerCase()} in this data directory`);
    return row;
  }
}
