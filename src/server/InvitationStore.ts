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

/** What one sender's invitations count for the limits (InvitationStore.sentCounts). */
export interface SentCounts {
  pending: number;
  sent: number;
  sentTo: number;
}

/** Invitations, kept while pending and for a while after they close so both sides can list them. */
export class InvitationStore {
  private readonly insert;
  private readonly select;
  private readonly close;
  private readonly selectFor;
  private readonly countSent;
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
    // the three counts the invitation limits need, in one read of the sender's invitations
    this.countSent = db.prepare<[{ from: string; to: string; since: number }], SentCounts>(
      "SELECT coalesce(sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending, coalesce(sum(CASE WHEN createdAt >= @since THEN 1 ELSE 0 END), 0) AS sent, " +
        'coalesce(sum(CASE WHEN createdAt >= @since AND toAlias = @to THEN 1 ELSE 0 END), 0) AS sentTo FROM invitations WHERE fromAlias = @from',
    );
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

  /** What `from` sent: pending now, and created since `since` (any status: cancelled ones count too), in all and to `to`. */
  async sentCounts(from: string, to: string, since: number): Promise<SentCounts> {
    const row = await this.countSent.get({ from, to, since });
    return { pending: Number(row?.pending ?? 0), sent: Number(row?.sent ?? 0), sentTo: Number(row?.sentTo ?? 0) };
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
