import type { Contact } from '../protocol/network';
import type { Db } from './Database';

export type ContactStatus = Contact['status'];

/** How long a cached list of mutual contacts is used without news (a change made outside this store heals within it). */
const ACCEPTED_CACHE_MS = 10_000;
/** Cached lists kept at most (one per alias whose presence changed). */
const ACCEPTED_CACHE_LIMIT = 100_000;

/** One row per direction: (owner, other, status as the owner sees it). */
export class ContactStore {
  private readonly selectStatus;
  private readonly upsert;
  private readonly remove;
  private readonly selectList;
  private readonly selectListWithSessions;
  private readonly selectAccepted;
  /**
   * Mutual contacts by owner: every presence change is pushed to them (a session's start and end, each sign-in).
   * A change through this store drops the owner's list here, and through the cluster on every other process
   * (forget); an account removed or disabled by an administrator is left at most ACCEPTED_CACHE_MS.
   */
  private readonly acceptedCache = new Map<string, { aliases: string[]; at: number }>();
  /** Bumped by every drop: a list read while one arrived is not cached (it may predate the change). */
  private generation = 0;

  constructor(private readonly db: Db) {
    this.selectStatus = db.prepare<[string, string], { status: ContactStatus }>('SELECT status FROM contacts WHERE owner = ? AND other = ?');
    this.upsert = db.prepare('INSERT INTO contacts (owner, other, status) VALUES (?, ?, ?) ON CONFLICT (owner, other) DO UPDATE SET status = excluded.status');
    this.remove = db.prepare('DELETE FROM contacts WHERE owner = ? AND other = ?');
    this.selectList = db.prepare<[string], { alias: string; displayName: string; status: ContactStatus }>(
      'SELECT c.other AS alias, a.displayName, c.status FROM contacts c JOIN accounts a ON a.alias = c.other WHERE c.owner = ? ORDER BY c.other',
    );
    // the list and, for each contact, whether it is in a session (two EXISTS: see SessionStore), in one round trip
    this.selectListWithSessions = db.prepare<[string], { alias: string; displayName: string; status: ContactStatus; inSession: number }>(
      'SELECT c.other AS alias, a.displayName, c.status, CASE WHEN EXISTS (SELECT 1 FROM sessions WHERE sharer = c.other AND endedAt IS NULL) OR ' +
        'EXISTS (SELECT 1 FROM sessions WHERE helper = c.other AND endedAt IS NULL) THEN 1 ELSE 0 END AS inSession FROM contacts c JOIN accounts a ON a.alias = c.other WHERE c.owner = ? ORDER BY c.other',
    );
    this.selectAccepted = db.prepare<[string], { other: string }>("SELECT other FROM contacts WHERE owner = ? AND status = 'accepted'");
  }

  async status(owner: string, other: string): Promise<ContactStatus | undefined> {
    return (await this.selectStatus.get(owner, other))?.status;
  }

  async set(owner: string, other: string, status: ContactStatus | undefined): Promise<void> {
    try {
      if (status) await this.upsert.run(owner, other, status);
      else await this.remove.run(owner, other);
    } finally {
      this.forget(owner);
    }
  }

  /** Drops the cached mutual contacts of `owner` (they changed here or on another process), or of everyone. */
  forget(owner?: string): void {
    this.generation++;
    if (owner === undefined) this.acceptedCache.clear();
    else this.acceptedCache.delete(owner);
  }

  /**
   * Runs `fn` in one transaction on the two rows between `a` and `b`, so a handshake step changes both rows or
   * neither and sees no concurrent step of that pair half done; steps of other pairs run alongside.
   */
  async transaction<T>(a: string, b: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn, [`contacts ${[a, b].sort().join(' ')}`]);
    } finally {
      // again once committed: a read between a change and its commit would have cached the old rows
      this.forget(a);
      this.forget(b);
    }
  }

  list(owner: string): Promise<{ alias: string; displayName: string; status: ContactStatus }[]> {
    return this.selectList.all(owner);
  }

  /** The list (as list) and which of the contacts are in a session now. */
  async listWithSessions(owner: string): Promise<{ rows: { alias: string; displayName: string; status: ContactStatus }[]; inSession: Map<string, boolean> }> {
    const inSession = new Map<string, boolean>();
    const rows = (await this.selectListWithSessions.all(owner)).map(({ inSession: open, ...row }) => {
      inSession.set(row.alias, Number(open) > 0);
      return row;
    });
    return { rows, inSession };
  }

  /** Aliases that are mutual contacts of `owner` (who may see its presence). */
  async accepted(owner: string): Promise<string[]> {
    const cached = this.acceptedCache.get(owner);
    if (cached && Date.now() - cached.at < ACCEPTED_CACHE_MS) return cached.aliases;
    const generation = this.generation;
    const aliases = (await this.selectAccepted.all(owner)).map((row) => row.other);
    if (generation === this.generation) {
      if (this.acceptedCache.size >= ACCEPTED_CACHE_LIMIT) this.acceptedCache.clear();
      this.acceptedCache.set(owner, { aliases, at: Date.now() });
    }
    return aliases;
  }
}
