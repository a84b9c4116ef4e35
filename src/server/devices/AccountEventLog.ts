import type { Db } from '../Database';

export type AccountEventKind = 'signedOut' | 'disabled' | 'removed';

export interface AccountEvent {
  seq: number;
  alias: string;
  /** signedOut: the one device signed out; null: every device of the account. */
  deviceId: string | null;
  kind: AccountEventKind;
  /** removed: the aliases that had it as a contact (their lists change). */
  formerContacts: string[];
  at: number;
}

/**
 * What every server process on the data directory must act on at once — a device signed out, an account
 * disabled or removed — written by the process (or the admin command) that did it and read by all of them.
 * A table in the shared SQLite store, polled: it reaches processes that share only the data directory (the
 * admin command has no Redis connection and no socket to the server).
 */
export class AccountEventLog {
  private readonly insert;
  private readonly selectAfter;
  private readonly selectLast;
  private readonly prune;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO account_events (alias, deviceId, kind, formerContacts, at) VALUES (?, ?, ?, ?, ?)');
    this.selectAfter = db.prepare<[number], Omit<AccountEvent, 'formerContacts'> & { formerContacts: string }>(
      'SELECT seq, alias, deviceId, kind, formerContacts, at FROM account_events WHERE seq > ? ORDER BY seq LIMIT 1000',
    );
    this.selectLast = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM account_events');
    this.prune = db.prepare('DELETE FROM account_events WHERE at < ?');
  }

  async append(alias: string, kind: AccountEventKind, deviceId: string | null = null, formerContacts: string[] = []): Promise<void> {
    await this.insert.run(alias, deviceId, kind, JSON.stringify(formerContacts), Date.now());
  }

  async after(seq: number): Promise<AccountEvent[]> {
    return (await this.selectAfter.all(seq)).map((row) => ({ ...row, formerContacts: parseAliases(row.formerContacts) }));
  }

  /** The newest event's number (0 when there is none): a process that starts acts only on what follows. */
  async last(): Promise<number> {
    return (await this.selectLast.get())?.seq ?? 0;
  }

  async pruneOlderThan(keepMs: number): Promise<void> {
    await this.prune.run(Date.now() - keepMs);
  }
}

/** The stored JSON list, or none when it is not one (the table is shared with other processes and tools). */
function parseAliases(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
