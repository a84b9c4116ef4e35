/**
 * One Remote Assistance session as an explicit state machine, from the helper's acceptance to disconnect.
 * It knows nothing of VS Code, the network or the host process: controllers feed it what happened and it
 * decides whether that is legal, records the history (messages and status lines) and reports changes.
 *
 *   phase:   consent ──consentGiven──► connecting ──peerConnected──► connected ◄──reconnected──┐
 *              │ consentRefused / end     │ end                          │ end  └─connectionLost─► reconnecting
 *              └──────────────────────────┴──────────► ended ◄───────────┴──────── end ───────────────┘
 *   control (only while connected): viewOnly ─request─► requested ─grant─► granted ─endControl─► viewOnly
 *                                                          └─refuse─► viewOnly
 *   A lost connection takes control back to viewOnly: it never survives a drop and needs a new grant.
 */
import type { ChatEntry, ControlPhase, SessionPhase, SessionRole, SessionView } from '../protocol/webview';
import { HISTORY_MAX_ENTRIES } from '../protocol/webview';
import { Emitter } from '../common/lifecycle';
import { SessionTexts as T } from './SessionTexts';
import { sharerStopKey } from '../common/waylandSession';

/** How long both sides try to recover a lost peer connection before the session ends. */
export const REJOIN_WINDOW_MS = 60_000;
/** How long the helper waits for the sharer's side to answer Take Control (its own question times out at 120 s). */
export const CONTROL_ANSWER_MS = 150_000;

export type SessionErrorCode = 'ERR_ILLEGAL_TRANSITION' | 'ERR_SESSION_ENDED' | 'ERR_BAD_CHAT';

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

/** Who ended something: this side, the other side, or a failure. */
export type EndedBy = 'me' | 'peer' | 'error';
/** Why control ended: this side or the other stopped it, or ESC was pressed on the sharer's machine. */
export type ControlEndedBy = 'me' | 'peer' | 'escape' | 'expired' | 'panic';
export type ControlRefusal = 'notAllowed' | 'declined' | 'unavailable' | 'timedOut';

export interface HistorySink {
  append(entry: ChatEntry): void;
}

export interface SessionInit {
  readonly sessionId: string;
  readonly role: SessionRole;
  /** The other party's display name ("Alice"). */
  readonly peerName: string;
  /** Where history lines go as they happen (the per-session log file). */
  readonly sink?: HistorySink;
  /** History restored from a previous run, shown before anything new. */
  readonly restored?: readonly ChatEntry[];
  readonly now?: () => number;
  /**
   * The session goes on after this window reloaded. The helper comes back `reconnecting` (the sharer said Yes
   * before); the sharer comes back in `consent`, to be asked again whether to resume sharing.
   */
  readonly resumed?: boolean;
}

const PHASE_EDGES: Record<SessionPhase, readonly SessionPhase[]> = {
  consent: ['connecting', 'ended'],
  connecting: ['connected', 'ended'],
  connected: ['reconnecting', 'ended'],
  reconnecting: ['connected', 'ended'],
  ended: [],
};

const CONTROL_EDGES: Record<ControlPhase, readonly ControlPhase[]> = {
  viewOnly: ['requested'],
  requested: ['granted', 'viewOnly'],
  granted: ['viewOnly'],
};

export class AssistanceSession {
  private readonly _onDidChange = new Emitter<SessionView>();
  /** Fires after every change of phase or control. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidAppend = new Emitter<ChatEntry>();
  /** Fires for every new history line (message or status). */
  readonly onDidAppend = this._onDidAppend.event;

  readonly sessionId: string;
  readonly role: SessionRole;
  readonly peerName: string;
  private _phase: SessionPhase = 'consent';
  private _control: ControlPhase = 'viewOnly';
  private endedBy: EndedBy | undefined;
  private _verificationCode: string | undefined;
  private _controlEndsAt: number | undefined;
  private _paused = false;
  private _screenHidden = false;
  /** The consent question went unanswered (not a No): the end says so instead. */
  private consentExpired = false;
  private everConnected = false;
  private readonly resumed: boolean;
  /** Helper: the sharer ended the session while asked for consent (said No). */
  private peerRefused = false;
  private readonly entries: ChatEntry[];
  private readonly sink: HistorySink | undefined;
  private readonly now: () => number;

  constructor(init: SessionInit) {
    this.sessionId = init.sessionId;
    this.role = init.role;
    this.peerName = init.peerName;
    this.sink = init.sink;
    this.now = init.now ?? Date.now;
    this.entries = [...(init.restored ?? [])];
    this.resumed = init.resumed ?? false;
    if (this.resumed && this.role === 'helper') {
      this._phase = 'reconnecting';
      this.everConnected = true;
      this.status(T.resumingHelper(this.peerName));
    } else if (this.role === 'helper') this.status(T.invitationAccepted(this.peerName));
  }

  get phase(): SessionPhase {
    return this._phase;
  }

  get control(): ControlPhase {
    return this._control;
  }

  get history(): readonly ChatEntry[] {
    return this.entries;
  }

  get statusLine(): string {
    switch (this._phase) {
      case 'consent':
        if (this.role === 'helper') return T.waitingForConsent(this.peerName);
        return this.resumed ? T.resumeWaiting(this.peerName) : T.helperAccepted(this.peerName);
      case 'connecting':
        return T.connecting(this.peerName);
      case 'connected':
        // While a Windows security prompt hides the screen, the status line says why the picture is black.
        if (this._screenHidden) return this.role === 'helper' ? T.screenHiddenBySecureDesktop(this.peerName) : T.screenHiddenBySecureDesktopSharer(this.peerName);
        return T.connected(this.peerName);
      case 'reconnecting':
        return T.connectionLost;
      case 'ended':
        if (this.consentExpired && this.role === 'helper') return T.consentTimedOut(this.peerName);
        return this.endedBy === 'peer' && this.role === 'helper' && !this.everConnected
          ? T.peerRefusedConsent(this.peerName)
          : T.disconnected(this.peerName);
    }
  }

  get view(): SessionView {
    return {
      sessionId: this.sessionId,
      role: this.role,
      peerName: this.peerName,
      phase: this._phase,
      control: this._control,
      statusLine: this.statusLine,
      history: this.entries.slice(-HISTORY_MAX_ENTRIES),
      ending: this.ending,
      verificationCode: this._verificationCode,
      controlEndsAt: this._control === 'granted' ? this._controlEndsAt : undefined,
      paused: this._paused || undefined,
      screenHidden: this._screenHidden || undefined,
    };
  }

  /** Who ended the session (`refused`: the sharer said No before anything was shared); undefined while it lives. */
  private get ending(): SessionView['ending'] {
    if (this._phase !== 'ended') return undefined;
    if (this.peerRefused) return 'refused';
    return this.endedBy;
  }

  /** The live peer connection's code ("123 456"), as this side computed it. */
  get verificationCode(): string | undefined {
    return this._verificationCode;
  }

  /** When a timed grant ends, on this side's clock (undefined: until stopped). */
  get controlEndsAt(): number | undefined {
    return this._control === 'granted' ? this._controlEndsAt : undefined;
  }

  get paused(): boolean {
    return this._paused;
  }

  /** This side's peer connection told its code (each new connection has its own). */
  setVerificationCode(code: string): void {
    if (this._phase === 'ended') throw new SessionError('ERR_SESSION_ENDED', 'setVerificationCode: the session has already ended');
    if (this._verificationCode === code) return;
    this._verificationCode = code;
    this.changed();
  }

  /** A timed grant: it runs out `remainingMs` from now (the host ends it then). Only while granted. */
  setControlLimit(remainingMs: number): void {
    if (this._control !== 'granted') throw this.illegal('setControlLimit', `control is ${this._control}`);
    const first = this._controlEndsAt === undefined;
    this._controlEndsAt = this.now() + remainingMs;
    if (first) this.status(T.controlLimit(formatMinutes(remainingMs)));
    this.changed();
  }

  /** The sharer paused or resumed sharing (recorded once the host confirms it). */
  setPaused(paused: boolean): void {
    if (this._paused === paused) return;
    if (this._phase !== 'connected' && this._phase !== 'reconnecting') throw this.illegal('setPaused', `the session is ${this._phase}`);
    this._paused = paused;
    if (this.role === 'sharer') this.status(paused ? T.sharingPausedSharer : T.sharingResumedSharer);
    else this.status(paused ? T.sharingPaused(this.peerName) : T.sharingResumed(this.peerName));
    this.changed();
  }

  /** A Windows security prompt (the secure desktop) hides the sharer's screen from capture, or it is back. */
  setScreenHidden(hidden: boolean): void {
    if (this._screenHidden === hidden) return;
    if (this._phase !== 'connected' && this._phase !== 'reconnecting') throw this.illegal('setScreenHidden', `the session is ${this._phase}`);
    this._screenHidden = hidden;
    if (this.role === 'sharer') this.status(hidden ? T.screenHiddenBySecureDesktopSharer(this.peerName) : T.screenBackSharer(this.peerName));
    else this.status(hidden ? T.screenHiddenBySecureDesktop(this.peerName) : T.screenBack(this.peerName));
    this.changed();
  }

  get screenHidden(): boolean {
    return this._screenHidden;
  }

  /** The sharer did not answer the consent question in time: the session ends here, said plainly on both sides. */
  consentTimedOut(): void {
    if (this._phase !== 'consent') throw this.illegal('consentTimedOut', `the session is ${this._phase}`);
    this.consentExpired = true;
    this.status(this.role === 'sharer' ? T.consentTimedOutSharer(this.peerName) : T.consentTimedOut(this.peerName));
    this.end(this.role === 'sharer' ? 'me' : 'peer');
  }

  /** Sharer: answered Yes to the consent modal. Helper: the sharer's first signal arrived (they said Yes). */
  consentGiven(): void {
    this.movePhase('consentGiven', 'consent', 'connecting');
    if (this.role === 'sharer') this.status(T.consentGiven(this.peerName));
    this.changed();
  }

  /** Sharer only: answered No (or dismissed) the consent modal. */
  consentRefused(): void {
    if (this.role !== 'sharer') throw this.illegal('consentRefused', 'only the sharer refuses consent');
    this.movePhase('consentRefused', 'consent', 'ended');
    this.endedBy = 'me';
    this.status(T.consentRefused(this.peerName));
    this.changed();
  }

  /** The WebRTC connection between the two machines is up. */
  peerConnected(): void {
    this.movePhase('peerConnected', 'connecting', 'connected');
    this.everConnected = true;
    this.status(T.connected(this.peerName));
    this.status(T.screenViewOnly);
    this.changed();
  }

  /** The peer connection failed or stays disconnected: both sides try to recover; control is taken back. */
  connectionLost(): void {
    this.movePhase('connectionLost', 'connected', 'reconnecting');
    const hadControl = this._control !== 'viewOnly';
    this._control = 'viewOnly';
    this._controlEndsAt = undefined;
    this.status(T.connectionLost);
    if (hadControl) this.status(T.controlEndedByLoss);
    this.changed();
  }

  /** A recovered or new peer connection is up again within the same session. */
  reconnected(): void {
    this.movePhase('reconnected', 'reconnecting', 'connected');
    this.status(T.connected(this.peerName));
    this.status(T.screenViewOnly);
    this.changed();
  }

  /** The session is over for whatever reason (`problem` says what failed); legal from every phase but `ended`. */
  end(by: EndedBy, problem?: string): void {
    if (this._phase === 'ended') throw new SessionError('ERR_SESSION_ENDED', 'the session has already ended');
    const wasConsent = this._phase === 'consent';
    this._phase = 'ended';
    this._control = 'viewOnly';
    this.endedBy = by;
    if (problem) this.status(problem.slice(0, 1000));
    this.peerRefused = wasConsent && by === 'peer' && this.role === 'helper' && !this.consentExpired;
    if (this.peerRefused) this.status(T.peerRefusedConsent(this.peerName));
    this.status(T.disconnected(this.peerName));
    this.changed();
  }

  /** Helper: asked for control. Sharer: the helper's request arrived. */
  requestControl(): void {
    this.moveControl('requestControl', 'viewOnly', 'requested');
    if (this.role === 'helper') this.status(T.controlRequested(this.peerName));
    this.changed();
  }

  /** The sharer said Yes and the host process granted control. */
  grantControl(): void {
    this.moveControl('grantControl', 'requested', 'granted');
    this._controlEndsAt = undefined;
    this.status(this.role === 'helper' ? T.controlGrantedHelper(this.peerName) : T.controlGrantedSharer(this.peerName, sharerStopKey()));
    if (this.role === 'helper') this.status(T.controlMouseAdvice);
    this.changed();
  }

  /** The request was refused: the sharer's machine does not allow remote control, or the sharer said No. */
  refuseControl(why: ControlRefusal, detail = ''): void {
    this.moveControl('refuseControl', 'requested', 'viewOnly');
    const helper = this.role === 'helper';
    switch (why) {
      case 'notAllowed':
        this.status(helper ? T.controlNotAllowed : T.controlNotAllowedSharer(this.peerName));
        break;
      case 'declined':
        this.status(helper ? T.controlDeclined(this.peerName) : T.controlDeclinedSharer(this.peerName));
        break;
      case 'unavailable':
        this.status(helper ? T.controlUnavailable(this.peerName) : T.controlUnavailableSharer(this.peerName, detail));
        break;
      case 'timedOut':
        this.status(helper ? T.controlTimedOut(this.peerName) : T.controlTimedOutSharer(this.peerName));
        break;
    }
    this.changed();
  }

  /**
   * Helper: what the sharer's host reported of control (`reason` is the host's word for an end). Returns true
   * for a grant that arrived after this side stopped waiting for it: it must be given straight back, never held unawares.
   */
  controlReported(granted: boolean, reason: string, remainingMs: number | undefined): boolean {
    if (granted) {
      if (this._control === 'requested') {
        this.grantControl();
        if (remainingMs !== undefined) this.setControlLimit(remainingMs);
      }
      return this._control === 'viewOnly';
    }
    if (this._control === 'granted') {
      const by = ({ localEscape: 'escape', helperReleased: 'me', expired: 'expired', panic: 'panic' } as const)[reason as 'localEscape'];
      this.endControl(by ?? 'peer');
    }
    return false;
  }

  /** Control went back to the sharer: Stop Control on either side, or ESC on the sharer's machine. */
  endControl(by: ControlEndedBy): void {
    this.moveControl('endControl', 'granted', 'viewOnly');
    this._controlEndsAt = undefined;
    if (by === 'escape') {
      this.status(this.role === 'helper' ? T.controlEndedByEscape(this.peerName) : T.controlEndedByEscapeSharer);
    } else if (by === 'expired') {
      this.status(T.controlExpired);
    } else if (by === 'panic') {
      this.status(this.role === 'helper' ? T.controlEndedByPanic(this.peerName) : T.controlEndedByPanicSharer);
    } else {
      this.status(T.controlEnded(by === 'me' ? 'You' : this.peerName));
    }
    this.status(T.screenViewOnly);
    this.changed();
  }

  /** A status line from a session feature (Start Talking, Send a File) or a fault; while connected or reconnecting. */
  note(text: string, sha256?: string): void {
    if (this._phase !== 'connected' && this._phase !== 'reconnecting') throw this.illegal('note', `the session is ${this._phase}`);
    this.status(text, sha256);
  }

  /** Records a chat message written here (`me`) or received from the peer; only while connected. */
  chat(from: 'me' | 'peer', text: string, myName: string): ChatEntry {
    if (this._phase !== 'connected') throw this.illegal('chat', `cannot chat while ${this._phase}`);
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > 4000) {
      throw new SessionError('ERR_BAD_CHAT', 'a chat message has 1 to 4000 characters');
    }
    const entry: ChatEntry = { kind: 'message', from, author: from === 'me' ? myName : this.peerName, text: trimmed, at: this.now() };
    this.append(entry);
    return entry;
  }

  dispose(): void {
    this._onDidChange.dispose();
    this._onDidAppend.dispose();
  }

  private movePhase(action: string, from: SessionPhase, to: SessionPhase): void {
    if (this._phase === 'ended') throw new SessionError('ERR_SESSION_ENDED', `${action}: the session has already ended`);
    if (this._phase !== from || !PHASE_EDGES[from].includes(to)) throw this.illegal(action, `the session is ${this._phase}`);
    this._phase = to;
  }

  private moveControl(action: string, from: ControlPhase, to: ControlPhase): void {
    if (this._phase === 'ended') throw new SessionError('ERR_SESSION_ENDED', `${action}: the session has already ended`);
    if (this._phase !== 'connected') throw this.illegal(action, `the session is ${this._phase}`);
    if (this._control !== from || !CONTROL_EDGES[from].includes(to)) throw this.illegal(action, `control is ${this._control}`);
    this._control = to;
  }

  private illegal(action: string, why: string): SessionError {
    return new SessionError('ERR_ILLEGAL_TRANSITION', `${action} is not allowed now: ${why}`);
  }

  private status(text: string, sha256?: string): void {
    this.append({ kind: 'status', text, at: this.now(), ...(sha256 ? { sha256 } : {}) });
  }

  private append(entry: ChatEntry): void {
    this.entries.push(entry);
    // Memory stays bounded in long sessions; the log file keeps everything.
    if (this.entries.length > HISTORY_MAX_ENTRIES * 2) this.entries.splice(0, this.entries.length - HISTORY_MAX_ENTRIES);
    this.sink?.append(entry);
    this._onDidAppend.fire(entry);
  }

  private changed(): void {
    this._onDidChange.fire(this.view);
  }
}

/** "5 minutes", "1 minute", "30 seconds", "90 seconds": whole minutes (give or take the trip here) read in minutes. */
function formatMinutes(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const minutes = Math.round(seconds / 60);
  if (minutes >= 1 && Math.abs(seconds - minutes * 60) <= 2) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
