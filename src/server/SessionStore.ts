import type { Db } from './Database';

export interface SessionRow {
  id: string;
  sharer: string;
  sharerClient: string;
  helper: string;
  helperClient: string;
  via: 'invitation' | 'link';
  startedAt: number;
  endedAt: number | null;
  sharerAwaySince: number | null;
  helperAwaySince: number | null;
}

/** How long a cached "is in a session?" answer is used without news (a lost invalidation heals within it). */
const OPEN_CACHE_MS = 10_000;
/** Cached answers kept at most (one per alias asked about). */
const OPEN_CACHE_LIMIT = 100_000;

/**
 * Open sessions: which two clients may signal each other. Shared by all processes on the machine.
 * "Is this alias in a session?" is asked on every invitation, answer and presence lookup: the answers are
 * cached here, and every session that starts or ends drops its two aliases from the cache of this process
 * at once and of the others through the cluster (`onChange`, then `forgetOpen` there).
 */
export class SessionStore {
  private readonly openCache = new Map<string, { open: boolean; at: number }>();
  /** Bumped by every invalidation: an answer read while one arrived is not cached (it may predate the change). */
  private generation = 0;
  private changed: (aliases: string[], open: boolean) => void = () => undefined;
  private readonly insert;
  private readonly select;
  private readonly end;
  private readonly selectOpenFor;
  private readonly countOpen;
  private readonly markAwaySharer;
  private readonly markAwayHelper;
  private readonly markBackSharer;
  private readonly markBackHelper;
  private readonly selectStale;
  private readonly prune;
  private readonly markAllAwayStatement;
  private readonly selectOpenOfAlias;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO sessions (id, sharer, sharerClient, helper, helperClient, via, startedAt) VALUES (@id, @sharer, @sharerClient, @helper, @helperClient, @via, @startedAt)',
    );
    this.select = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
    this.end = db.prepare('UPDATE sessions SET endedAt = ? WHERE id = ? AND endedAt IS NULL');
    this.selectOpenFor = db.prepare<[string, string, string, string], SessionRow>(
      // a UNION of two index searches; the equivalent OR scans every open session
      'SELECT * FROM sessions WHERE sharer = ? AND sharerClient = ? AND endedAt IS NULL UNION ALL SELECT * FROM sessions WHERE helper = ? AND helperClient = ? AND endedAt IS NULL',
    );
    // two EXISTS so each side uses its partial index (an OR would scan the table)
    this.countOpen = db.prepare<[string, string], { n: number }>(
      'SELECT CASE WHEN EXISTS (SELECT 1 FROM sessions WHERE sharer = ? AND endedAt IS NULL) THEN 1 ELSE 0 END + CASE WHEN EXISTS (SELECT 1 FROM sessions WHERE helper = ? AND endedAt IS NULL) THEN 1 ELSE 0 END AS n',
    );
    this.markAwaySharer = db.prepare('UPDATE sessions SET sharerAwaySince = ? WHERE endedAt IS NULL AND sharer = ? AND sharerClient = ? AND sharerAwaySince IS NULL');
    this.markAwayHelper = db.prepare('UPDATE sessions SET helperAwaySince = ? WHERE endedAt IS NULL AND helper = ? AND helperClient = ? AND helperAwaySince IS NULL');
    this.markBackSharer = db.prepare('UPDATE sessions SET sharerAwaySince = NULL WHERE endedAt IS NULL AND sharer = ? AND sharerClient = ?');
    this.markBackHelper = db.prepare('UPDATE sessions SET helperAwaySince = NULL WHERE endedAt IS NULL AND helper = ? AND helperClient = ?');
    this.selectStale = db.prepare<[number, number], SessionRow>(
      'SELECT * FROM sessions WHERE endedAt IS NULL AND (sharerAwaySince <= ? OR helperAwaySince <= ?)',
    );
    this.prune = db.prepare('DELETE FROM sessions WHERE endedAt IS NOT NULL');
    this.selectOpenOfAlias = db.prepare<[string, string], SessionRow>(
      'SELECT * FROM sessions WHERE sharer = ? AND endedAt IS NULL UNION ALL SELECT * FROM sessions WHERE helper = ? AND endedAt IS NULL',
    );
    this.markAllAwayStatement = db.prepare(
      'UPDATE sessions SET sharerAwaySince = coalesce(sharerAwaySince, @now), helperAwaySince = coalesce(helperAwaySince, @now) WHERE endedAt IS NULL',
    );
  }

  /** Tells the other processes whose sessions started (`open`) or ended (the cluster, once it is known). */
  onChange(changed: (aliases: string[], open: boolean) => void): void {
    this.changed = changed;
  }

  /** Drops cached answers: of these aliases (a session of theirs ended elsewhere), or all. */
  forgetOpen(aliases?: readonly string[]): void {
    this.generation++;
    if (!aliases) this.openCache.clear();
    else for (const alias of aliases) this.openCache.delete(alias);
  }

  /**
   * These aliases are in a session now (one of theirs started, here or elsewhere): the answer is known without a
   * read. The presence pushed right after a start and the checks of the next invitation ask for it at once.
   */
  knownOpen(aliases: readonly string[]): void {
    this.generation++;
    const at = Date.now();
    for (const alias of aliases) this.openCache.set(alias, { open: true, at });
  }

  /** A started session is known to be open; an ended one (or a failed write) is read again when next asked. */
  private sessionChanged(row: Pick<SessionRow, 'sharer' | 'helper'>, open: boolean): void {
    const aliases = [row.sharer, row.helper];
    if (open) this.knownOpen(aliases);
    else this.forgetOpen(aliases);
    this.changed(aliases, open);
  }

  async create(row: Omit<SessionRow, 'endedAt' | 'sharerAwaySince' | 'helperAwaySince'>): Promise<SessionRow> {
    let written = false;
    try {
      await this.insert.run(row);
      written = true;
    } finally {
      this.sessionChanged(row, written);
    }
    return { ...row, endedAt: null, sharerAwaySince: null, helperAwaySince: null };
  }

  get(id: string): Promise<SessionRow | undefined> {
    return this.select.get(id);
  }

  /** Ends the session, atomically; false if it had already ended. */
  async markEnded(row: Pick<SessionRow, 'id' | 'sharer' | 'helper'>): Promise<boolean> {
    try {
      return (await this.end.run(Date.now(), row.id)).changes === 1;
    } finally {
      this.sessionChanged(row, false);
    }
  }

  async openFor(alias: string, clientId: string): Promise<SessionRow[]> {
    // most clients have none: the cached answer saves the read (a sign-in asks twice)
    if (!(await this.hasOpen(alias))) return [];
    return this.selectOpenFor.all(alias, clientId, alias, clientId);
  }

  /** Open sessions of any client of `alias`. */
  openOfAlias(alias: string): Promise<SessionRow[]> {
    return this.selectOpenOfAlias.all(alias, alias);
  }

  /** Taken before a read of open sessions made elsewhere (InvitationStore.inviteChecks), for `answered`. */
  get readMark(): number {
    return this.generation;
  }

  /** An answer read elsewhere since `readMark`: cached as hasOpen's own, unless news arrived meanwhile. */
  answered(alias: string, open: boolean, readMark: number): void {
    if (readMark !== this.generation) return;
    if (this.openCache.size >= OPEN_CACHE_LIMIT) this.openCache.clear();
    this.openCache.set(alias, { open, at: Date.now() });
  }

  async hasOpen(alias: string): Promise<boolean> {
    const cached = this.openCache.get(alias);
    if (cached && Date.now() - cached.at < OPEN_CACHE_MS) return cached.open;
    const generation = this.generation;
    const open = ((await this.countOpen.get(alias, alias))?.n ?? 0) > 0;
    if (generation === this.generation) {
      if (this.openCache.size >= OPEN_CACHE_LIMIT) this.openCache.clear();
      this.openCache.set(alias, { open, at: Date.now() });
    }
    return open;
  }

  /** The client left; its sessions end if it is not back within the grace period. */
  async markAway(alias: string, clientId: string, since = Date.now()): Promise<void> {
    // most clients have no session: a (cached) read is far cheaper than two empty write transactions
    if ((await this.openFor(alias, clientId)).length === 0) return;
    await this.markAwaySharer.run(since, alias, clientId);
    await this.markAwayHelper.run(since, alias, clientId);
  }

  async markBack(alias: string, clientId: string): Promise<void> {
    if ((await this.openFor(alias, clientId)).length === 0) return;
    await this.markBackSharer.run(alias, clientId);
    await this.markBackHelper.run(alias, clientId);
  }

  /** Every open session waits for both its clients (after a restart of a lone server). */
  async markAllAway(): Promise<void> {
    await this.markAllAwayStatement.run({ now: Date.now() });
  }

  /** Open sessions with a party away since before `cutoff`. */
  stale(cutoff: number): Promise<SessionRow[]> {
    return this.selectStale.all(cutoff, cutoff);
  }

  async pruneEnded(): Promise<void> {
    await this.prune.run();
  }
}
