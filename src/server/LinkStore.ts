import type { Db } from './Database';

export interface LinkRow {
  id: string;
  secretHash: Buffer;
  creator: string;
  creatorClient: string;
  createdAt: number;
  expiresAt: number;
  redeemedAt: number | null;
  failures: number;
  failureWindowStart: number;
}

/** Invitation links (secret stored hashed) and their wrong-secret counters, shared by all processes. */
export class LinkStore {
  private readonly insert;
  private readonly select;
  private readonly redeem;
  private readonly fail;
  private readonly prune;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO links (id, secretHash, creator, creatorClient, createdAt, expiresAt) VALUES (@id, @secretHash, @creator, @creatorClient, @createdAt, @expiresAt)',
    );
    this.select = db.prepare<[string], LinkRow>('SELECT * FROM links WHERE id = ?');
    this.redeem = db.prepare('UPDATE links SET redeemedAt = ? WHERE id = ? AND redeemedAt IS NULL');
    // a new window starts when the old one is over; otherwise the count grows
    this.fail = db.prepare(
      'UPDATE links SET failures = CASE WHEN failureWindowStart <= @windowFloor THEN 1 ELSE failures + 1 END, failureWindowStart = CASE WHEN failureWindowStart <= @windowFloor THEN @now ELSE failureWindowStart END WHERE id = @id',
    );
    this.prune = db.prepare('DELETE FROM links WHERE expiresAt < ?');
  }

  create(row: Omit<LinkRow, 'redeemedAt' | 'failures' | 'failureWindowStart'>): void {
    this.insert.run(row);
  }

  get(id: string): LinkRow | undefined {
    return this.select.get(id);
  }

  /** Marks the link used, atomically; false if someone redeemed it first. */
  markRedeemed(id: string): boolean {
    return this.redeem.run(Date.now(), id).changes === 1;
  }

  recordFailure(id: string, windowMs: number): void {
    const now = Date.now();
    this.fail.run({ id, now, windowFloor: now - windowMs });
  }

  pruneExpired(): void {
    this.prune.run(Date.now());
  }
}
