import type { Db } from '../Database';

export type AccountEventKind = 'signedOut' | 'disabled' | 'removed';

export interface AccountEvent {
  seq: number;
  alias: string;
  /** signedOut: the one device signed out; null: every device of the account. */
  deviceId: string | null;
  kind: AccountEventKind;
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
    this.insert = db.prepare('INSERT INTO account_events (alias, deviceId, kind, at) VALUES (?, ?, ?, ?)');
    this.selectAfter = db.prepare<[number], AccountEvent>('SELECT seq, alias, deviceId, kind, at FROM account_events WHERE seq > ? ORDER BY seq LIMIT 1000');
    this.selectLast = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM account_events');
    this.prune = db.prepare('DELETE FROM account_events WHERE at < ?');
  }

  append(alias: string, kind: AccountEventKind, deviceId: string | null = null): void {
    this.insert.run(alias, deviceId, kind, Date.now());
  }

  after(seq: number): AccountEvent[] {
    return this.selectAfter.all(seq);
  }

  /** The newest event's number (0 when there is none): a process that starts acts only on what follows. */
  last(): number {
    return this.selectLast.get()?.seq ?? 0;
  }

  pruneOlderThan(keepMs: number): void {
    this.prune.run(Date.now() - keepMs);
  }
}
