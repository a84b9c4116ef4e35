import type { Contact, Invitation, PresenceStatus, ServerEvent, Session, SessionEndReason } from '../protocol/network';
import { Disposable, Emitter, type Event } from '../common/lifecycle';

export interface PresenceChange {
  alias: string;
  presence: PresenceStatus;
}

export interface SignalEvent {
  sessionId: string;
  payload: string;
}

export interface SessionEnd {
  sessionId: string;
  reason: SessionEndReason;
}

/**
 * The invitation with `expiresAt` on this machine's clock (now + the remaining time the server sent), so a
 * countdown is right even when the two clocks disagree.
 */
function onLocalClock(invitation: Invitation): Invitation {
  return invitation.status === 'pending' ? { ...invitation, expiresAt: Date.now() + invitation.expiresInMs } : invitation;
}

/**
 * The client's mirror of what the server says about this user: contacts, invitations and open sessions,
 * kept current from sign-in snapshots and pushed events, with an event for every change. Pending
 * invitations carry `expiresAt` on the local clock.
 */
export class NetworkState extends Disposable {
  private readonly contactMap = new Map<string, Contact>();
  private readonly invitationMap = new Map<string, Invitation>();
  private readonly sessionMap = new Map<string, Session>();

  private readonly _onDidChangeContacts: Emitter<readonly Contact[]>;
  private readonly _onDidChangePresence: Emitter<PresenceChange>;
  private readonly _onDidReceiveInvitation: Emitter<Invitation>;
  private readonly _onDidChangeInvitation: Emitter<Invitation>;
  private readonly _onDidStartSession: Emitter<Session>;
  private readonly _onDidReceiveSignal: Emitter<SignalEvent>;
  private readonly _onDidEndSession: Emitter<SessionEnd>;

  readonly onDidChangeContacts: Event<readonly Contact[]>;
  readonly onDidChangePresence: Event<PresenceChange>;
  readonly onDidReceiveInvitation: Event<Invitation>;
  readonly onDidChangeInvitation: Event<Invitation>;
  readonly onDidStartSession: Event<Session>;
  readonly onDidReceiveSignal: Event<SignalEvent>;
  readonly onDidEndSession: Event<SessionEnd>;

  constructor(onListenerError: (err: unknown) => void) {
    super();
    const emitter = <T>() => this.register(new Emitter<T>(onListenerError));
    this._onDidChangeContacts = emitter();
    this._onDidChangePresence = emitter();
    this._onDidReceiveInvitation = emitter();
    this._onDidChangeInvitation = emitter();
    this._onDidStartSession = emitter();
    this._onDidReceiveSignal = emitter();
    this._onDidEndSession = emitter();
    this.onDidChangeContacts = this._onDidChangeContacts.event;
    this.onDidChangePresence = this._onDidChangePresence.event;
    this.onDidReceiveInvitation = this._onDidReceiveInvitation.event;
    this.onDidChangeInvitation = this._onDidChangeInvitation.event;
    this.onDidStartSession = this._onDidStartSession.event;
    this.onDidReceiveSignal = this._onDidReceiveSignal.event;
    this.onDidEndSession = this._onDidEndSession.event;
  }

  get contacts(): readonly Contact[] {
    return [...this.contactMap.values()];
  }
  get invitations(): readonly Invitation[] {
    return [...this.invitationMap.values()];
  }
  get sessions(): readonly Session[] {
    return [...this.sessionMap.values()];
  }

  /**
   * Takes the server's view after a sign-in: fires what changed while this client was away (new
   * invitations to `self`, changed ones, sessions that ended or started).
   */
  applySnapshot(self: string, contacts: readonly Contact[], invitations: readonly Invitation[], sessions: readonly Session[]): void {
    this.setContacts(contacts);

    const previous = new Map(this.invitationMap);
    this.invitationMap.clear();
    for (const received of invitations) {
      const invitation = onLocalClock(received);
      this.invitationMap.set(invitation.id, invitation);
      const before = previous.get(invitation.id);
      if (!before) {
        if (invitation.to.alias === self && invitation.status === 'pending') this._onDidReceiveInvitation.fire(invitation);
      } else if (before.status !== invitation.status) {
        this._onDidChangeInvitation.fire(invitation);
      }
    }
    // A pending invitation that ran out while we were away is gone from the snapshot: say it expired.
    for (const before of previous.values()) {
      if (before.status === 'pending' && !this.invitationMap.has(before.id) && Date.now() >= before.expiresAt) {
        this._onDidChangeInvitation.fire({ ...before, status: 'expired', expiresInMs: 0 });
      }
    }

    const open = new Set(sessions.map((s) => s.id));
    for (const id of [...this.sessionMap.keys()]) {
      if (!open.has(id)) this.endSession(id, 'connectionLost');
    }
    for (const session of sessions) {
      if (!this.sessionMap.has(session.id)) {
        this.sessionMap.set(session.id, session);
        this._onDidStartSession.fire(session);
      }
    }
  }

  /** Applies one event pushed by the server. */
  apply(event: ServerEvent): void {
    switch (event.type) {
      case 'contacts':
        this.setContacts(event.contacts);
        break;
      case 'presence': {
        const contact = this.contactMap.get(event.alias);
        if (contact) this.contactMap.set(event.alias, { ...contact, presence: event.presence });
        this._onDidChangePresence.fire({ alias: event.alias, presence: event.presence });
        break;
      }
      case 'invitationReceived': {
        const invitation = onLocalClock(event.invitation);
        this.invitationMap.set(invitation.id, invitation);
        this._onDidReceiveInvitation.fire(invitation);
        break;
      }
      case 'invitationChanged': {
        const invitation = onLocalClock(event.invitation);
        this.invitationMap.set(invitation.id, invitation);
        this._onDidChangeInvitation.fire(invitation);
        break;
      }
      case 'sessionStarted':
        this.sessionMap.set(event.session.id, event.session);
        this._onDidStartSession.fire(event.session);
        break;
      case 'signalReceived':
        this._onDidReceiveSignal.fire({ sessionId: event.sessionId, payload: event.payload });
        break;
      case 'sessionEnded':
        this.endSession(event.sessionId, event.reason);
        break;
    }
  }

  /** Records an invitation this client just sent (the reply arrives before any event about it). */
  rememberInvitation(received: Invitation): Invitation {
    const invitation = onLocalClock(received);
    this.invitationMap.set(invitation.id, invitation);
    return invitation;
  }

  /** Replaces the invitation list with a fresh one from the server. */
  replaceInvitations(received: readonly Invitation[]): Invitation[] {
    const invitations = received.map(onLocalClock);
    this.invitationMap.clear();
    for (const invitation of invitations) this.invitationMap.set(invitation.id, invitation);
    return invitations;
  }

  /** Forgets everything (signing out); open sessions end here with `connectionLost`. */
  clear(): void {
    this.invitationMap.clear();
    if (this.contactMap.size > 0) this.setContacts([]);
    for (const id of [...this.sessionMap.keys()]) this.endSession(id, 'connectionLost');
  }

  private setContacts(contacts: readonly Contact[]): void {
    this.contactMap.clear();
    for (const contact of contacts) this.contactMap.set(contact.alias, contact);
    this._onDidChangeContacts.fire(this.contacts);
  }

  private endSession(sessionId: string, reason: SessionEndReason): void {
    if (this.sessionMap.delete(sessionId)) this._onDidEndSession.fire({ sessionId, reason });
  }
}
