import type { ChosenPresence, Contact, PresenceStatus } from '../protocol/network';
import type { Logger } from '../common/logger';
import { AdmissionQueue } from './AdmissionQueue';
import type { Cluster, NodePresence } from './Cluster';
import type { ConnectionRegistry } from './ConnectionRegistry';
import type { ContactStore } from './ContactStore';
import type { SessionStore } from './SessionStore';

/** Presence changes closer together than this are pushed once; well inside the one-second promise. */
const PRESENCE_COALESCE_MS = 50;

/** Presence recomputations one process runs at once (each a few reads and a push to the contacts). */
const MAX_CONCURRENT_RECOMPUTES = 32;

/** When devices chose differently, the most available choice wins. */
const CHOICE_RANK: Record<ChosenPresence, number> = { online: 3, busy: 2, away: 1, appearOffline: 0 };

/** The choice of several devices (or processes): the highest ranked one. */
function strongest(choices: Iterable<ChosenPresence>): ChosenPresence | undefined {
  let best: ChosenPresence | undefined;
  for (const c of choices) if (best === undefined || CHOICE_RANK[c] > CHOICE_RANK[best]) best = c;
  return best;
}

/**
 * Presence: offline without a connection anywhere or when every device chose to appear offline; busy while
 * in a session; otherwise what the devices chose (online over busy over away). Every change is pushed at
 * once to the alias's mutual contacts.
 */
export class Presence {
  private readonly lastPushed = new Map<string, PresenceStatus>();
  /** Recomputations of one alias run one after another, so pushes never arrive out of order. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Recomputations not started yet: further changes join them. */
  private readonly scheduled = new Map<string, Promise<void>>();
  /** Recomputations running at once; the rest wait their turn (changes meanwhile join them). */
  private readonly turns = new AdmissionQueue(MAX_CONCURRENT_RECOMPUTES);

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly cluster: Cluster,
    private readonly contacts: ContactStore,
    private readonly sessions: SessionStore,
    private readonly logger: Logger,
  ) {}

  /** This process's view of the alias (its connections here). */
  local(alias: string): NodePresence | undefined {
    const connections = this.registry.of(alias);
    if (!connections || connections.size === 0) return undefined;
    const status = strongest([...connections].map((c) => c.presence)) ?? 'online';
    return { status, connections: connections.size };
  }

  /** Connections of the alias on every process. */
  async connectionCount(alias: string): Promise<number> {
    const remote = (await this.cluster.remotePresence([alias])).get(alias) ?? [];
    return (this.local(alias)?.connections ?? 0) + remote.reduce((n, p) => n + p.connections, 0);
  }

  async of(aliases: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const remote = await this.cluster.remotePresence(aliases);
    const result = new Map<string, PresenceStatus>();
    for (const alias of aliases) {
      const views = [...(remote.get(alias) ?? [])];
      const local = this.local(alias);
      if (local) views.push(local);
      const chosen = strongest(views.map((v) => v.status));
      let status: PresenceStatus = 'offline';
      if (chosen !== undefined && chosen !== 'appearOffline') status = (await this.sessions.hasOpen(alias)) ? 'busy' : chosen;
      result.set(alias, status);
    }
    return result;
  }

  /** True when the alias has a connection on any process, whatever it shows its contacts. */
  async reachable(alias: string): Promise<boolean> {
    if (this.local(alias)) return true;
    return ((await this.cluster.remotePresence([alias])).get(alias) ?? []).length > 0;
  }

  /** The alias's contact list as its owner sees it, presence included for mutual contacts. */
  async contactList(alias: string): Promise<Contact[]> {
    // The rows are read again after the presence lookup (an await) and the list is pushed right after that read:
    // with several processes changing one list at once, a list read before another process's change must not
    // be pushed after that process's own push.
    // the first read tells whether the contacts are in a session too (kept as the cached answers: the presence lookup asks)
    const readMark = this.sessions.readMark;
    const first = await this.contacts.listWithSessions(alias);
    for (const [contact, open] of first.inSession) this.sessions.answered(contact, open, readMark);
    let rows = first.rows;
    for (let attempt = 1; ; attempt++) {
      const presence = await this.of(rows.filter((r) => r.status === 'accepted').map((r) => r.alias));
      const now = await this.contacts.list(alias);
      if (attempt === 3 || now.every((row) => row.status !== 'accepted' || presence.has(row.alias))) {
        return now.map((row) => ({ ...row, presence: presence.get(row.alias) ?? 'offline' }));
      }
      rows = now;
    }
  }

  /**
   * Something that affects the alias's presence happened here: publish it and push it if it changed.
   * Changes within PRESENCE_COALESCE_MS are pushed once (a sign-in burst is one push, not several).
   */
  changed(alias: string): Promise<void> {
    // other processes must know at once (an invitation may follow this sign-in within milliseconds);
    // one Redis connection keeps the order of these writes and of the reads that follow
    this.cluster.publishPresence(alias, this.local(alias)).catch((err: unknown) => this.logger.warn(`presence of ${alias}: ${String(err)}`));
    const pending = this.scheduled.get(alias);
    if (pending) return pending;
    const previous = this.queues.get(alias) ?? Promise.resolve();
    const next = previous
      .then(() => new Promise((resolve) => setTimeout(resolve, PRESENCE_COALESCE_MS)))
      // a turn at most: a burst (the thousands of users of a process that died) is pushed as a queue, not all at once
      .then(() =>
        this.turns.run(() => {
          this.scheduled.delete(alias);
          return this.recompute(alias);
        }),
      )
      .catch((err: unknown) => this.logger.warn(`presence of ${alias}: ${String(err)}`));
    this.scheduled.set(alias, next);
    this.queues.set(alias, next);
    void next.finally(() => {
      if (this.queues.get(alias) === next) this.queues.delete(alias);
    });
    return next;
  }

  /** Resolves when every queued recomputation has finished (before shutting the store). */
  async settled(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async recompute(alias: string): Promise<void> {
    const status = (await this.of([alias])).get(alias) ?? 'offline';
    if (this.lastPushed.get(alias) === status) return;
    if (status === 'offline') this.lastPushed.delete(alias);
    else this.lastPushed.set(alias, status);
    for (const contact of await this.contacts.accepted(alias)) {
      this.cluster.deliver(contact, { type: 'presence', alias, presence: status });
    }
  }
}
