import type { Db } from './Database';

export interface LinkRow {
  id: string;
  secretHash: Buffer;
  creator: string;
  creatorClient: string;
  createdAt: number;
  expiresAt: number;
  redeemedAt: number | null;
}

/** Invitation links (secret stored hashed), shared by all processes. */
export class LinkStore {
  private readonly insert;
  private readonly select;
  private readonly redeem;
  private readonly prune;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO links (id, secretHash, creator, creatorClient, createdAt, expiresAt) VALUES (@id, @secretHash, @creator, @creatorClient, @createdAt, @expiresAt)',
    );
    this.select = db.prepare<[string], LinkRow>('SELECT id, secretHash, creator, creatorClient, createdAt, expiresAt, redeemedAt FROM links WHERE id = ?');
    this.redeem = db.prepare('UPDATE links SET redeemedAt = ? WHERE id = ? AND redeemedAt IS NULL');
    this.prune = db.prepare('DELETE FROM links WHERE expiresAt < ?');
  }

  async create(row: Omit<LinkRow, 'redeemedAt'>): Promise<void> {
    await this.insert.run(row);
  }

  get(id: string): Promise<LinkRow | undefined> {
    return this.select.get(id);
  }

  /** Marks the link used, atomically; false if someone redeemed it first. */
  async markRedeemed(id: string): Promise<boolean> {
    return (await this.redeem.run(Date.now(), id)).changes === 1;
  }

  async pruneExpired(): Promise<void> {
    await this.prune.run(Date.now());
  }
}
