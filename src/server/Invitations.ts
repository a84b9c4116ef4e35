import { ProblemBundle } from '../protocol/bundle';
import type { Invitation, InvitationStatus, Session } from '../protocol/network';
import type { IDisposable } from '../common/lifecycle';
import type { Identity } from './ClientConnection';
import type { InvitationRow } from './InvitationStore';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';
import type { SessionRelay } from './SessionRelay';
import { randomToken } from './secrets';

/** How often overdue invitations are looked for (besides each invitation's own timer). */
const OVERDUE_SWEEP_MS = 5_000;

/**
 * Invitations from a sharer to an online mutual contact. pending → accepted | declined | cancelled |
 * expired, each transition atomic in the store (single use, also across processes); only the invitee
 * answers, only the inviter cancels. Both sides' devices hear about every change.
 */
export class Invitations implements IDisposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pruner: NodeJS.Timeout;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ctx: ServerContext,
    private readonly relay: SessionRelay,
  ) {
    const prune = () => this.background('pruning invitations', () => ctx.invitations.pruneOlderThan(ctx.limits.closedInvitationRetentionMs));
    this.pruner = setInterval(prune, 3600_000);
    this.pruner.unref();
    // each process times the invitations it created; this catches those of a process that died
    this.sweeper = setInterval(
      () =>
        this.background('expiring overdue invitations', async () => {
          for (const row of await ctx.invitations.overdue()) await this.close(row, 'expired', false);
        }),
      OVERDUE_SWEEP_MS,
    );
    this.sweeper.unref();
  }

  /** Times the pending invitations found in the store and prunes old ones (at start). */
  async start(): Promise<void> {
    for (const row of await this.ctx.invitations.allPending()) this.scheduleExpiry(row);
    await this.ctx.invitations.pruneOlderThan(this.ctx.limits.closedInvitationRetentionMs);
  }

  /** Work on a timer: a failure (the store unreachable a moment) is logged, and the next run catches up. */
  private background(what: string, work: () => Promise<void>): void {
    work().catch((err: unknown) => this.ctx.logger.warn(`${what}: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** `expiresInMs`: the inviter's choice (default: the server's invitation expiry), at most the link limit. */
  async invite(from: Identity, toAlias: string, note: string | undefined, expiresInMs?: number, problem?: ProblemBundle): Promise<Invitation> {
    const ttl = expiresInMs ?? this.ctx.inviteExpiryMs;
    if (ttl > this.ctx.limits.maxLinkExpiryMs) {
      throw new ServiceError('ERR_MALFORMED', `an invitation may live at most ${this.ctx.limits.maxLinkExpiryMs} ms`);
    }
    const to = toAlias.toLowerCase();
    if (to === from.alias) throw new ServiceError('ERR_SELF', 'you cannot invite yourself');
    const limits = this.ctx.limits;
    // everything below is read in one round trip; both sides' sessions are kept as the cached answers
    const readMark = this.ctx.sessions.readMark;
    // cancelled and answered invitations count too: invite, cancel, invite… must not flood a contact with toasts
    const counts = await this.ctx.invitations.inviteChecks(from.alias, to, Date.now() - limits.invitationWindowMs);
    this.ctx.sessions.answered(from.alias, counts.fromInSession, readMark);
    this.ctx.sessions.answered(to, counts.toInSession, readMark);
    // one session at a time: a helper who accepted would see it end at once
    if (counts.fromInSession) throw new ServiceError('ERR_IN_SESSION', 'you are already in a Remote Assistance session; disconnect first');
    // the same answer whether or not the alias exists: a stranger learns nothing about who is on the server
    if (counts.contact !== 'accepted') {
      throw new ServiceError('ERR_NOT_A_CONTACT', `${to} is not in your contacts`);
    }
    if (counts.pending >= limits.maxPendingInvitationsPerAccount) {
      throw new ServiceError('ERR_RATE_LIMITED', 'too many open invitations; cancel one or wait for answers');
    }
    if (counts.sentTo >= limits.invitationsPerPair) {
      throw new ServiceError('ERR_RATE_LIMITED', `you invited ${to} ${limits.invitationsPerPair} times recently; wait a few minutes`);
    }
    if (counts.sent >= limits.invitationsPerSender) {
      throw new ServiceError('ERR_RATE_LIMITED', 'you sent many invitations recently; wait a few minutes');
    }
    if ((await this.ctx.presence.of([to])).get(to) === 'offline') {
      throw new ServiceError('ERR_CONTACT_OFFLINE', `${to} is offline; an invitation link can reach them another way`);
    }
    // in another session, a toast they cannot act on helps nobody: the inviter hears it at once instead
    // (a chosen Busy still takes invitations)
    if (counts.toInSession) throw new ServiceError('ERR_CONTACT_BUSY', `${to} is in another Remote Assistance session`);
    const now = Date.now();
    const row = await this.ctx.invitations.create({
      id: randomToken(16),
      fromAlias: from.alias,
      fromClient: from.clientId,
      toAlias: to,
      note: note ?? '',
      createdAt: now,
      expiresAt: now + ttl,
      problem: problem ? JSON.stringify(problem) : null,
    });
    this.scheduleExpiry(row);
    const invitation = await this.toWire(row);
    this.ctx.cluster.deliver(to, { type: 'invitationReceived', invitation });
    this.ctx.cluster.deliver(from.alias, { type: 'invitationChanged', invitation });
    return invitation;
  }

  /** The invitee accepts: the session starts between the inviting client and the accepting client. */
  async accept(by: Identity, id: string): Promise<Session> {
    const row = await this.answerable(by, id, 'invitee');
    // Either side already in a session: the invitation stays open, and the one who accepted hears why.
    if (await this.ctx.sessions.hasOpen(by.alias)) throw new ServiceError('ERR_IN_SESSION', 'you are already in a Remote Assistance session; disconnect first');
    // reachable, not shown: an inviter who appears offline still waits for this answer
    if (!(await this.ctx.presence.reachable(row.fromAlias))) {
      throw new ServiceError('ERR_CONTACT_OFFLINE', `${row.fromAlias} is offline now`);
    }
    // in another session (not a chosen Busy, which still takes invitations)
    if (await this.ctx.sessions.hasOpen(row.fromAlias)) throw new ServiceError('ERR_CONTACT_BUSY', `${row.fromAlias} is in another Remote Assistance session`);
    await this.close(row, 'accepted');
    const session = await this.relay.start({ alias: row.fromAlias, clientId: row.fromClient }, by, 'invitation');
    return this.relay.view(session, by.alias);
  }

  async decline(by: Identity, id: string): Promise<void> {
    await this.close(await this.answerable(by, id, 'invitee'), 'declined');
  }

  async cancel(by: Identity, id: string): Promise<void> {
    await this.close(await this.answerable(by, id, 'inviter'), 'cancelled');
  }

  /** The problem bundle of an invitation, for its two parties only (others learn nothing, as for answers). */
  async problem(by: Identity, id: string): Promise<ProblemBundle> {
    const row = await this.ctx.invitations.get(id);
    if (!row || (row.toAlias !== by.alias && row.fromAlias !== by.alias)) throw new ServiceError('ERR_NO_SUCH_INVITATION', `no invitation ${id}`);
    if (row.problem === null) throw new ServiceError('ERR_NO_PROBLEM', 'nothing was attached to this invitation');
    // validated before it was stored; validated again, as the store is a file anyone with access could edit
    let parsed: ReturnType<typeof ProblemBundle.safeParse> | undefined;
    try {
      parsed = ProblemBundle.safeParse(JSON.parse(row.problem));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw new ServiceError('ERR_INTERNAL', 'the stored problem bundle is damaged');
    return parsed.data;
  }

  async list(alias: string): Promise<Invitation[]> {
    return Promise.all((await this.ctx.invitations.listFor(alias)).map((row) => this.toWire(row)));
  }

  async toWire(row: InvitationRow): Promise<Invitation> {
    const person = async (alias: string) => (await this.ctx.accounts.get(alias)) ?? { alias, displayName: alias };
    return {
      id: row.id,
      from: await person(row.fromAlias),
      to: await person(row.toAlias),
      note: row.note,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      expiresInMs: row.status === 'pending' ? Math.max(0, row.expiresAt - Date.now()) : 0,
      status: row.status,
      ...(row.problem !== null ? { hasProblem: true } : {}),
    };
  }

  /** The account was disabled or removed: its pending invitations, sent or received, are cancelled. */
  async withdrawAllOf(alias: string): Promise<void> {
    for (const row of await this.ctx.invitations.listFor(alias)) if (row.status === 'pending') await this.close(row, 'cancelled', false);
  }

  dispose(): void {
    clearInterval(this.pruner);
    clearInterval(this.sweeper);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * Non-parties learn nothing (ERR_NO_SUCH_INVITATION); the wrong party gets a clear refusal. Whether both sides are
   * in a session is read with the row and kept as the cached answers (an acceptance asks right after).
   */
  private async answerable(by: Identity, id: string, as: 'invitee' | 'inviter'): Promise<InvitationRow> {
    const readMark = this.ctx.sessions.readMark;
    const found = await this.ctx.invitations.getToAnswer(id, by.alias);
    const row = found?.row;
    if (found) {
      this.ctx.sessions.answered(found.row.fromAlias, found.fromInSession, readMark);
      this.ctx.sessions.answered(by.alias, found.byInSession, readMark);
    }
    if (!row || (row.toAlias !== by.alias && row.fromAlias !== by.alias)) {
      throw new ServiceError('ERR_NO_SUCH_INVITATION', `no invitation ${id}`);
    }
    if (as === 'invitee' && row.toAlias !== by.alias) throw new ServiceError('ERR_NOT_INVITEE', 'only the invited contact can answer');
    if (as === 'inviter' && row.fromAlias !== by.alias) throw new ServiceError('ERR_NOT_INVITER', 'only the inviter can cancel');
    if (row.status === 'pending' && row.expiresAt <= Date.now()) {
      await this.close(row, 'expired', false);
      throw new ServiceError('ERR_EXPIRED', 'the invitation has expired');
    }
    if (row.status !== 'pending') throw new ServiceError('ERR_INVITATION_CLOSED', `the invitation was already ${row.status}`);
    return row;
  }

  /** pending → status; loses quietly to a concurrent answer (single use), then reports it closed. */
  private async close(row: InvitationRow, status: Exclude<InvitationStatus, 'pending'>, throwIfLost = true): Promise<void> {
    if (!(await this.ctx.invitations.closePending(row.id, status))) {
      if (!throwIfLost) return;
      const now = (await this.ctx.invitations.get(row.id))?.status ?? 'closed';
      throw new ServiceError('ERR_INVITATION_CLOSED', `the invitation was already ${now}`);
    }
    clearTimeout(this.timers.get(row.id));
    this.timers.delete(row.id);
    const invitation = await this.toWire({ ...row, status, closedAt: Date.now() });
    this.ctx.cluster.deliver(row.fromAlias, { type: 'invitationChanged', invitation });
    this.ctx.cluster.deliver(row.toAlias, { type: 'invitationChanged', invitation });
  }

  private scheduleExpiry(row: InvitationRow): void {
    // setTimeout holds at most ~24.8 days; longer expiries are caught by answerable() and the next restart
    const delay = Math.min(Math.max(0, row.expiresAt - Date.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.timers.delete(row.id);
      this.background(`expiring invitation ${row.id}`, () => this.close(row, 'expired', false));
    }, delay);
    timer.unref();
    this.timers.set(row.id, timer);
  }
}
