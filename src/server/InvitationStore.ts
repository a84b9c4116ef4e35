import type { InvitationStatus } from '../protocol/network';
import type { ContactStatus } from './ContactStore';
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

/** Everything a new invitation is checked against (Invitations.invite), read in one round trip. */
export interface InviteChecks extends SentCounts {
  /** The inviter's contact row for the invitee (undefined: none). */
  contact: ContactStatus | undefined;
  fromInSession: boolean;
  toInSession: boolean;
}

/** Invitations, kept while pending and for a while after they close so both sides can list them. */
export class InvitationStore {
  private readonly insert;
  private readonly select;
  private readonly close;
  private readonly selectFor;
  private readonly selectChecks;
  private readonly selectToAnswer;
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
    // the three counts the invitation limits need (one read of the sender's invitations), the contact row and whether
    // either side is in a session (two EXISTS each: see SessionStore)
    const inSession = (who: string, param = '@') =>
      `CASE WHEN EXISTS (SELECT 1 FROM sessions WHERE sharer = ${param}${who} AND endedAt IS NULL) OR EXISTS (SELECT 1 FROM sessions WHERE helper = ${param}${who} AND endedAt IS NULL) THEN 1 ELSE 0 END`;
    this.selectChecks = db.prepare<[{ from: string; to: string; since: number }], SentCounts & { contactStatus: ContactStatus | null; fromInSession: number; toInSession: number }>(
      'SELECT (SELECT status FROM contacts WHERE owner = @from AND other = @to) AS contactStatus, ' +
        `${inSession('from')} AS fromInSession, ${inSession('to')} AS toInSession, ` +
        "coalesce(sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS pending, coalesce(sum(CASE WHEN createdAt >= @since THEN 1 ELSE 0 END), 0) AS sent, " +
        'coalesce(sum(CASE WHEN createdAt >= @since AND toAlias = @to THEN 1 ELSE 0 END), 0) AS sentTo FROM invitations WHERE fromAlias = @from',
    );
    // an answer reads the invitation and whether its two sides are in a session at once
    this.selectToAnswer = db.prepare<[{ id: string; by: string }], InvitationRow & { fromInSession: number; byInSession: number }>(
      `SELECT i.*, ${inSession('i.fromAlias', '')} AS fromInSession, ${inSession('by')} AS byInSession FROM invitations i WHERE i.id = @id`,
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

  /** The invitation, and whether its inviter and `by` (who answers it) are in a session now. */
  async getToAnswer(id: string, by: string): Promise<{ row: InvitationRow; fromInSession: boolean; byInSession: boolean } | undefined> {
    const found = await this.selectToAnswer.get({ id, by });
    if (!found) return undefined;
    const { fromInSession, byInSession, ...row } = found;
    return { row, fromInSession: Number(fromInSession) > 0, byInSession: Number(byInSession) > 0 };
  }

  /** pending → `status`, atomically (also across processes); false if it was no longer pending. */
  async closePending(id: string, status: Exclude<InvitationStatus, 'pending'>): Promise<boolean> {
    return (await this.close.run(status, Date.now(), id)).changes === 1;
  }

  listFor(alias: string): Promise<InvitationRow[]> {
    return this.selectFor.all(alias, alias);
  }

  /** The contact row, both sides' sessions and the sender's counts (sentCounts) for an invitation from `from` to `to`: what `from` sent is pending now, and created since `since` (any status: cancelled ones count too), in all and to `to`. */
  async inviteChecks(from: string, to: string, since: number): Promise<InviteChecks> {
    const row = await this.selectChecks.get({ from, to, since });
    return {
      contact: row?.contactStatus ?? undefined,
      fromInSession: Number(row?.fromInSession ?? 0) > 0,
      toInSession: Number(row?.toInSession ?? 0) > 0,
      pending: Number(row?.pending ?? 0),
      sent: Number(row?.sent ?? 0),
      sentTo: Number(row?.sentTo ?? 0),
    };
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
