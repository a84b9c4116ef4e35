import type { Contact } from '../protocol/network';
import type { Db } from './Database';

export type ContactStatus = Contact['status'];

/** One row per direction: (owner, other, status as the owner sees it). */
export class ContactStore {
  private readonly selectStatus;
  private readonly upsert;
  private readonly remove;
  private readonly selectList;
  private readonly selectAccepted;

  constructor(private readonly db: Db) {
    this.selectStatus = db.prepare<[string, string], { status: ContactStatus }>('SELECT status FROM contacts WHERE owner = ? AND other = ?');
    this.upsert = db.prepare('INSERT INTO contacts (owner, other, status) VALUES (?, ?, ?) ON CONFLICT (owner, other) DO UPDATE SET status = excluded.status');
    this.remove = db.prepare('DELETE FROM contacts WHERE owner = ? AND other = ?');
    this.selectList = db.prepare<[string], { alias: string; displayName: string; status: ContactStatus }>(
      'SELECT c.other AS alias, a.displayName, c.status FROM contacts c JOIN accounts a ON a.alias = c.other WHERE c.owner = ? ORDER BY c.other',
    );
    this.selectAccepted = db.prepare<[string], { other: string }>("SELECT other FROM contacts WHERE owner = ? AND status = 'accepted'");
  }

  async status(owner: string, other: string): Promise<ContactStatus | undefined> {
    return (await this.selectStatus.get(owner, other))?.status;
  }

  async set(owner: string, other: string, status: ContactStatus | undefined): Promise<void> {
    if (status) await this.upsert.run(owner, other, status);
    else await this.remove.run(owner, other);
  }

  /**
   * Runs `fn` in one transaction on the two rows between `a` and `b`, so a handshake step changes both rows or
   * neither and sees no concurrent step of that pair half done; steps of other pairs run alongside.
   */
  transaction<T>(a: string, b: string, fn: () => Promise<T>): Promise<T> {
    return this.db.transaction(fn, [`contacts ${[a, b].sort().join(' ')}`]);
  }

  list(owner: string): Promise<{ alias: string; displayName: string; status: ContactStatus }[]> {
    return this.selectList.all(owner);
  }

  /** Aliases that are mutual contacts of `owner` (who may see its presence). */
  async accepted(owner: string): Promise<string[]> {
    return (await this.selectAccepted.all(owner)).map((row) => row.other);
  }
}
