import type { InvitationStatus } from '../protocol/network';
import type { Db } from './Database';

export interface InvitationRow {
  id: string;
  fromAlias: string;
  fromClient: string;
  toAlias: string;
  note: string;
  createdAt: number;
  expiresAt: number;
  status: InvitationStatus;
  closedAt: number | null;
  /** The attached problem bundle's JSON text (validated before it was stored), or null. */
  problem: string | null;
}

/** Invitations, kept while pending and for a while after they close so both sides can list them. */
export class InvitationStore {
  private readonly insert;
  private readonly select;
  private readonly close;
  private readonly selectFor;
  private readonly countPending;
  private readonly countSentSince;
  private readonly countSentToSince;
  private readonly selectPending;
  private readonly selectOverdue;
  private readonly prune;

  constructor(db: Db) {
    this.insert = db.prepare(
      "INSERT INTO invitations (id, fromAlias, fromClient, toAlias, note, createdAt, expiresAt, status, problem) VALUES (@id, @fromAlias, @fromClient, @toAlias, @note, @createdAt, @expiresAt, 'pending', @problem)",
    );
    this.select = db.prepare<[string], InvitationRow>('SELECT * FROM invitations WHERE id = ?');
    this.close = db.prepare("UPDATE invitations SET status = ?, closedAt = ? WHERE id = ? AND status = 'pending'");
    this.selectFor = db.prepare<[string, string], InvitationRow>('SELECT * FROM invitations WHERE fromAlias = ? OR toAlias = ? ORDER BY createdAt');
    this.countPending = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM invitations WHERE fromAlias = ? AND status = 'pending'");
    this.countSentSince = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM invitations WHERE fromAlias = ? AND createdAt >= ?');
    this.countSentToSince = db.prepare<[string, string, number], { n: number }>('SELECT count(*) AS n FROM invitations WHERE fromAlias = ? AND toAlias = ? AND createdAt >= ?');
    this.selectPending = db.prepare<[], InvitationRow>("SELECT * FROM invitations WHERE status = 'pending'");
    this.selectOverdue = db.prepare<[number], InvitationRow>("SELECT * FROM invitations WHERE status = 'pending' AND expiresAt <= ?");
    this.prune = db.prepare("DELETE FROM invitations WHERE (status = 'pending' AND expiresAt < ?) OR (status <> 'pending' AND closedAt < ?)");
  }

  async create(row: Omit<InvitationRow, 'status' | 'closedAt'>): Promise<InvitationRow> {
    await this.insert.run(row);
    return { ...row, status: 'pending', closedAt: null };
  }

  get(id: string): Promise<InvitationRow | undefined> {
    return this.select.get(id);
  }

  /** pending → `status`, atomically (also across processes); false if it was no longer pending. */
  async closePending(id: string, status: Exclude<InvitationStatus, 'pending'>): Promise<boolean> {
    return (await this.close.run(status, Date.now(), id)).changes === 1;
  }

  listFor(alias: string): Promise<InvitationRow[]> {
    return this.selectFor.all(alias, alias);
  }

  async pendingFrom(alias: string): Promise<number> {
    return (await this.countPending.get(alias))?.n ?? 0;
  }

  /** Invitations `from` created since `since` (any status: cancelled ones count too), to `to` when given. */
  async sentSince(from: string, since: number, to?: string): Promise<number> {
    return (await (to === undefined ? this.countSentSince.get(from, since) : this.countSentToSince.get(from, to, since)))?.n ?? 0;
  }

  allPending(): Promise<InvitationRow[]> {
    return this.selectPending.all();
  }

  /** Pending invitations past their expiry (their timer was on a process that is gone). */
  overdue(): Promise<InvitationRow[]> {
    return this.selectOverdue.all(Date.now());
  }

  /** Forgets invitations that expired more than `keepMs` ago or closed more than `keepMs` ago. */
  async pruneOlderThan(keepMs: number): Promise<void> {
    const cutoff = Date.now() - keepMs;
    await this.prune.run(cutoff, cutoff);
  }
}
