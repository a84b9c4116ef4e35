/**
 * The sharer's side of a session: asks consent (modal), and only on Yes starts the host process; relays its
 * signaling to the helper; decides control requests against the machine's setting and the sharer's answer;
 * records everything in the session's history. Security is enforced here and in the host, never trusted to
 * the helper or the server.
 */
import type { NetworkClient } from '../network/NetworkClient';
import type { Session } from '../protocol/network';
import type { RelayMessage } from '../protocol/relay';
import { HostVoiceEndpoint } from '../audio/HostVoiceEndpoint';
import type { TalkController, TalkFactory } from '../common/audio/TalkController';
import { HostFilesEndpoint } from '../common/files/FilesEndpoint';
import type { FilesFactory, SessionFiles } from '../files/SessionFiles';
import { settingsUrlFor } from '../host/capture/macPermissions';
import type { HostSupervisor } from '../supervisor/HostSupervisor';
import { DEFAULT_REDACT_WINDOWS, type MonitorInfo, type ScreenChoice, type WindowInfo } from '../protocol/host';
import type { ClipboardAllowed } from '../protocol/clipboard';
import { listHostWindows } from './hostWindows';
import { SharerClipboard } from './SharerClipboard';
import { noteAnnotations } from './sharerAnnotations';
import { DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import type { ControlReason } from '../protocol/host';
import { ControlEndedBy, SessionError } from './AssistanceSession';
import type { ResumedFrom, SessionContext, SuspendableSession } from './ActiveSession';
import { cappedPreset, QualityPreset, qualityFor } from './QualityPresets';
import { recordedSessionModel } from './recordedSessionModel';
import { SessionSide } from './SessionSide';
import { SessionTexts as T } from './SessionTexts';

/**
 * Questions only the sharer answers (modal dialogs in VS Code). `helper` names the helper as "Bob (bob)":
 * the display name anyone can choose, beside the alias the server vouches for.
 */
export interface SharerPrompts {
  askConsent(helperName: string): Promise<boolean>;
  /**
   * Yes (until stopped), a timed Yes (`{ minutes }`), 'oneWindow' (yes, until stopped, but only inside one
   * window the sharer picks next with pickWindow), or No. `verificationCode` is the live connection's code
   * for the sharer to compare with what the helper reads out of their panel; `timeLimits` the minutes offered
   * for a timed Yes.
   */
  askControl(helperName: string, info: { verificationCode?: string; timeLimits?: readonly number[] }): Promise<ControlAnswer>;
  /** Which window (its id), or undefined when the sharer cancels; `wholeScreen` offers the whole screen first. */
  pickWindow?(windows: readonly WindowInfo[], purpose: 'control' | 'share'): Promise<number | 'wholeScreen' | undefined>;
  /** After a window reload: resume sharing with the helper? Without this question nothing is shared again. */
  askResume?(helperName: string): Promise<boolean>;
  /** Every `continueSharingMinutes`: keep sharing? (No, or no answer within a minute, ends the session.) */
  askContinue?(helperName: string): Promise<boolean>;
  /** The host process crashed: offer "Restart Sharing" (calls `restart` when chosen). */
  offerRestart?(restart: () => void): void;
  /** A permission the system withholds (macOS): the message, and a button to the System Settings page for it. */
  offerSystemSettings?(message: string, settingsUrl: string): Promise<void>;
  /** Clipboard sync: which directions to allow now (undefined: cancelled, nothing changes). */
  pickClipboard?(helperName: string, current: ClipboardAllowed): Promise<ClipboardAllowed | undefined>;
  /** Which monitor (or all) to share; undefined when the sharer cancels. Asked only with two or more monitors. */
  pickScreen?(monitors: readonly MonitorInfo[], current: ScreenChoice, midSession: boolean): Promise<ScreenChoice | undefined>;
}

/** The sharer's answer to a control request: No, Yes until stopped, or Yes for so many minutes. */
export type ControlAnswer = boolean | { readonly minutes: number } | 'oneWindow';

/** How long the sharer's questions wait, and how long "a minute" is for timed grants and Continue sharing? (tests shorten it). */
export interface SharerTiming {
  readonly consentPromptMs: number;
  readonly controlPromptMs: number;
  readonly continuePromptMs: number;
  readonly minuteMs: number;
}

export const DEFAULT_SHARER_TIMING: SharerTiming = { consentPromptMs: 120_000, controlPromptMs: 120_000, continuePromptMs: 60_000, minuteMs: 60_000 };

const TIMED_OUT = Symbol('timedOut');

/** The answer, or TIMED_OUT when none came within `ms` (a late answer is then ignored). */
function answerWithin<T>(answer: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/** A new peer connection that is not up after this long is replaced by another. */
const ATTEMPT_MS = 20_000;
/** A helper's fresh rejoin starts a new host process at most this often (one arriving sooner is served when this has passed). */
const FRESH_REJOIN_MIN_MS = 3_000;

/** The machine's rules, read fresh each time (the user may change them mid-session). */
export interface SharerPolicy {
  allowRemoteControl(): boolean;
  qualityPreset(): QualityPreset;
  /** Minutes between "Continue sharing?" questions (0: never); absent: every 30. */
  continueSharingMinutes?(): number;
  /** Windows hidden from the helper (title or class text); DEFAULT_REDACT_WINDOWS when absent. */
  redactWindows?(): readonly string[];
  /** Minutes offered for a timed grant; DEFAULT_CONTROL_TIME_LIMITS when absent. */
  controlTimeLimits?(): readonly number[];
}

/** How the host's reason for ending control reads in the history. */
const CONTROL_ENDED_BY: Partial<Record<ControlReason, ControlEndedBy>> = { localEscape: 'escape', helperReleased: 'peer', expired: 'expired', panic: 'panic' };

export class SharerSession extends SessionSide implements SuspendableSession {
  private host: HostSupervisor | undefined;
  /** The preset the stream uses now: the sharer's setting, or less if the helper asked for less. */
  private preset: QualityPreset | undefined;
  /** What belongs to the current host process (its supervisor, talk, files, listeners). */
  private hostStore = new DisposableStore();
  private hostConnected = false;
  private hostStartedAt = 0;
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  private continueTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timing: SharerTiming;
  talk: TalkController | undefined;
  files: SessionFiles | undefined;
  /** "Only One Window…": the window the helper sees alone (kept for the host of a reconnect). */
  private sharedWindow: number | undefined;
  /** What the sharer chose to share (at consent, or since): every new host process starts on it. */
  private screen: ScreenChoice = 'all';
  /** Clipboard sync for this session: both directions off until the sharer turns one on. */
  private readonly clipboard: SharerClipboard;

  constructor(
    session: Session,
    client: NetworkClient,
    ctx: SessionContext,
    private readonly prompts: SharerPrompts,
    private readonly policy: SharerPolicy,
    private readonly createHost: () => HostSupervisor,
    log: Logger,
    private readonly talkFactory?: TalkFactory,
    private readonly filesFactory?: FilesFactory,
    private readonly resumed?: ResumedFrom,
  ) {
    super(session, client, recordedSessionModel(session, 'sharer', ctx.historyDir, resumed), ctx, log, resumed);
    this.helper = T.vouchedName(session.peer);
    this.timing = { ...DEFAULT_SHARER_TIMING, ...ctx.sharerTiming };
    this.clipboard = new SharerClipboard(session.peer.displayName, (line) => this.guard('clipboard', () => this.model.note(line)), log);
  }

  /** "Clipboard Sync…": the sharer turns each direction on or off for this session. */
  async chooseClipboard(): Promise<void> {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not sharing your screen in a session.');
    const allowed = await this.prompts.pickClipboard?.(this.helper, this.clipboard.allowed);
    if (allowed) this.setClipboard(allowed);
  }

  /** Turns clipboard directions on or off for this session (the host enforces them). */
  setClipboard(allowed: ClipboardAllowed): void {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not sharing your screen in a session.');
    this.clipboard.set(allowed, this.host);
  }

  /** The helper as the consent and control questions name them. */
  private readonly helper: string;

  /** Asks the sharer; only on Yes is anything shared. */
  async start(): Promise<void> {
    if (this.resumed) return this.resume();
    const yes = await answerWithin(this.prompts.askConsent(this.helper), this.timing.consentPromptMs);
    if (this.model.phase !== 'consent') return; // the helper left while the question was open
    if (yes === TIMED_OUT) {
      this.model.consentTimedOut();
      await this.channel.send({ type: 'consentTimedOut' }).catch((err: Error) => this.log.warn(`consent time-out not relayed: ${err.message}`));
      await this.channel.end();
      this.release();
      return;
    }
    if (!yes) {
      this.model.consentRefused();
      await this.channel.end();
      this.release();
      return;
    }
    // Which monitor: part of the consent, so cancelling the picker shares nothing.
    const screen = await this.askScreen(false);
    if (this.model.phase !== 'consent') return;
    if (!screen) {
      this.model.consentRefused();
      await this.channel.end();
      this.release();
      return;
    }
    this.screen = screen;
    this.model.consentGiven();
    this.startHost();
  }

  /**
   * The window reloaded mid-session: the sharer is asked again, never re-shared silently. Yes starts a new host
   * process and peer connection in the same session; No (or no way to ask) ends it, with a line on both sides.
   */
  private async resume(): Promise<void> {
    const yes = (await this.prompts.askResume?.(this.helper)) ?? false;
    if (this.model.phase !== 'consent') return; // the helper left, or the session ran out, while the question was open
    // The monitor is part of the consent: asked again too (the reloaded window does not remember it).
    const screen = yes ? await this.askScreen(false) : undefined;
    if (this.model.phase !== 'consent') return;
    if (!screen) {
      await this.channel.send({ type: 'resumeDeclined' }).catch((err: Error) => this.log.warn(`resume refusal not relayed: ${err.message}`));
      await this.channel.end();
      this.finish('me', T.resumeDeclined(this.helper));
      return;
    }
    this.screen = screen;
    this.model.consentGiven();
    this.startHost();
  }

  /**
   * The sharer's choice among the display's monitors, or 'all' when there is nothing to choose (one monitor,
   * no picker, or monitors that cannot be listed); undefined when the sharer cancelled.
   */
  private async askScreen(midSession: boolean): Promise<ScreenChoice | undefined> {
    if (!this.prompts.pickScreen) return this.screen;
    const probe = this.createHost();
    let monitors: MonitorInfo[];
    try {
      monitors = await probe.listMonitors();
    } catch (err) {
      this.log.warn(`session ${this.model.sessionId}: monitors could not be listed (${(err as Error).message}); offering the whole screen`);
      monitors = [];
    } finally {
      probe.dispose();
    }
    if (monitors.length < 2) return this.screen;
    return this.prompts.pickScreen(monitors, this.screen, midSession);
  }

  /** "Choose Screen to Share…" mid-session: the helper's viewer follows with the new monitor's size. */
  async chooseScreen(): Promise<void> {
    if (this.model.phase !== 'connected' || this.host?.state !== 'running') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not sharing your screen in a session.');
    const host = this.host;
    const screen = await this.askScreen(true);
    if (!screen || this.host !== host || host.state !== 'running') return;
    host.selectScreen(screen);
  }

  async sendChat(text: string): Promise<void> {
    const entryText = text.trim();
    if (this.model.phase !== 'connected' || !this.host) throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    this.host.sendChat(entryText);
    this.model.chat('me', entryText, this.ctx.myName);
  }

  takeControl(): void {
    throw new SessionError('ERR_ILLEGAL_TRANSITION', 'Only the helper takes control; you share your screen.');
  }

  stopControl(): void {
    if (this.model.control !== 'granted') throw new SessionError('ERR_ILLEGAL_TRANSITION', `${this.model.peerName} is not in control.`);
    // The history records it when the host confirms (onControl), so it is true when written.
    this.host?.revokeControl();
  }

  /** Pause (or resume) sharing: the host stops capturing and sending; recorded when the host confirms. */
  setPaused(paused: boolean): void {
    if ((this.model.phase !== 'connected' && this.model.phase !== 'reconnecting') || this.host?.state !== 'running') {
      throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not sharing your screen.');
    }
    this.host.setPaused(paused);
  }

  /** The panic chord: control revoked and sharing paused in one step in the host. */
  panic(): void {
    if (this.host?.state !== 'running') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not sharing your screen.');
    this.host.panic();
  }

  /** The sharer's own choice (Settings): applied as it is. */
  async setQuality(preset: QualityPreset): Promise<void> {
    this.applyQuality(preset);
  }

  get quality(): QualityPreset | undefined {
    return this.preset;
  }

  private applyQuality(preset: QualityPreset): void {
    if (this.host?.state !== 'running') return;
    this.preset = preset;
    this.host.setQuality(qualityFor(preset));
  }

  /**
   * The helper's Settings changes the sharer's stream: the sharer reads it in the history, and their own
   * setting (read fresh) is the most the helper gets. A request that changes nothing is not recorded.
   */
  private onQualityRequest(requested: QualityPreset): void {
    if (this.model.phase !== 'connected' || this.host?.state !== 'running') {
      this.log.warn(`session ${this.model.sessionId}: quality request while ${this.model.phase}; dropped`);
      return;
    }
    const allowed = this.policy.qualityPreset();
    const preset = cappedPreset(requested, allowed);
    this.log.info(`session ${this.model.sessionId}: ${this.model.peerName} asked for quality ${requested}; applying ${preset} (setting ${allowed})`);
    if (preset === this.preset) return;
    this.applyQuality(preset);
    this.model.note(preset === requested ? T.qualityRequested(this.model.peerName, requested) : T.qualityCapped(this.model.peerName, requested, allowed));
  }

  /**
   * Starts a host process for a peer connection (the first, or a new one after a drop or a crash). Each has
   * its own epoch, which tags its signaling, so the helper's viewer knows a new connection from the old one.
   */
  private startHost(): void {
    this.retireHost();
    const hostStore = (this.hostStore = this.store.add(new DisposableStore()));
    const epoch = ++this.epoch;
    const host = (this.host = hostStore.add(this.createHost()));
    this.hostConnected = false;
    this.hostStartedAt = Date.now();
    const current = () => this.host === host && !this.finished;
    if (this.talkFactory) {
      const endpoint = hostStore.add(new HostVoiceEndpoint(host, this.log));
      this.talk = hostStore.add(this.talkFactory(this.model.peerName, endpoint, (line) => this.guard('voice', () => this.model.note(line))));
    }
    if (this.filesFactory) {
      this.files = hostStore.add(this.filesFactory(this.model.peerName, new HostFilesEndpoint(host, this.log), (line, sha256) => this.guard('files', () => this.model.note(line, sha256))));
    }
    for (const d of this.clipboard.attach(host)) hostStore.add(d);
    hostStore.add(noteAnnotations(host, this.model.peerName, (line) => this.guard('annotations', () => this.model.note(line)), this.log));
    hostStore.add(host.onSignal((payload) => void this.channel.send({ type: 'rtc', payload, epoch }).catch((err: Error) => this.log.warn(`signal not relayed: ${err.message}`))));
    hostStore.add(
      host.onConnected(({ width, height }) => {
        this.log.info(`session ${this.model.sessionId}: ${this.model.peerName} connected (connection ${epoch}), sharing ${width}x${height}`);
        this.hostConnected = true;
        clearTimeout(this.attemptTimer);
        if (this.model.phase === 'connecting') {
          this.model.peerConnected();
          this.scheduleContinue();
        } else this.connectionRestored();
      }),
    );
    hostStore.add(
      host.onLink((state) => {
        this.log.info(`session ${this.model.sessionId}: connection ${epoch} ${state}`);
        if (!current()) return;
        if (state === 'interrupted') this.connectionLost();
        else this.connectionRestored();
      }),
    );
    hostStore.add(
      host.onDisconnected((reason) => {
        this.log.info(`session ${this.model.sessionId}: peer connection ${epoch} closed (${reason})`);
        if (!current()) return;
        if (this.model.phase === 'connected' || this.model.phase === 'reconnecting') {
          this.connectionLost();
          this.startHost();
        } else void this.disconnect();
      }),
    );
    hostStore.add(host.onChat((text) => this.guard('chat', () => this.model.chat('peer', text, this.ctx.myName))));
    hostStore.add(
      host.onScreen(({ screen, width, height }) => {
        if (!current()) return;
        const changed = JSON.stringify(screen) !== JSON.stringify(this.screen);
        this.screen = screen;
        if (changed) this.guard('screen', () => this.model.note(T.sharingScreen(screen === 'all' ? undefined : screen.monitor, width, height)));
      }),
    );
    hostStore.add(host.onControlRequested(() => current() && void this.onControlRequested()));
    hostStore.add(
      host.onControl(({ granted, reason, remainingMs }) => {
        if (!current()) return;
        if (granted && this.model.control === 'requested') {
          this.model.grantControl();
          if (remainingMs !== undefined) this.model.setControlLimit(remainingMs);
        } else if (!granted && this.model.control === 'granted') {
          this.model.endControl(CONTROL_ENDED_BY[reason] ?? 'me');
        }
      }),
    );
    hostStore.add(
      host.onControlRefused(({ code, message }) => {
        if (!current() || !this.stillAsking()) return;
        this.log.warn(`session ${this.model.sessionId}: the host refused control (${code}): ${message}`);
        this.model.refuseControl('unavailable', message);
        void this.channel.send({ type: 'controlRefused', reason: 'unavailable' }).catch((err: Error) => this.log.warn(`refusal not relayed: ${err.message}`));
      }),
    );
    hostStore.add(host.onVerification((code) => current() && this.guard('verification', () => this.model.setVerificationCode(code))));
    hostStore.add(host.onPaused((paused) => current() && this.guard('paused', () => this.model.setPaused(paused))));
    hostStore.add(host.onScreenHidden((hidden) => current() && this.guard('screenHidden', () => this.model.setScreenHidden(hidden))));
    hostStore.add(
      host.onError((e) => {
        this.log.error(`host ${e.code}: ${e.message}`);
        const settingsUrl = settingsUrlFor(e.code);
        if (settingsUrl) void this.prompts.offerSystemSettings?.(e.message, settingsUrl);
        if (e.code === 'ERR_MONITOR_NOT_FOUND' && current()) this.guard('screen', () => this.model.note(T.monitorNotFound(e.message)));
        // Before the first connection a fatal error means sharing cannot start; later, the exit handler decides.
        if (e.fatal && this.model.phase === 'connecting' && current()) void this.fail(T.sharingFailed(e.message));
      }),
    );
    hostStore.add(
      host.onExit(({ code, signal }) => {
        if (!current()) return;
        this.host = undefined;
        if (this.model.phase !== 'connected' && this.model.phase !== 'reconnecting') {
          void this.fail(T.sharingFailed('the screen sharing process stopped'));
          return;
        }
        this.connectionLost();
        if (code === 0) {
          this.startHost();
          return;
        }
        // A crash (kill -9, out of memory): the supervisor already lifted held keys; the sharer decides.
        this.guard('hostCrashed', () => this.model.note(T.hostCrashed(signal ?? `exit code ${code}`)));
        this.prompts.offerRestart?.(() => this.restartSharing());
      }),
    );
    // A new connection that never comes up (the helper does not answer): try another within the window.
    clearTimeout(this.attemptTimer);
    if (epoch > 1) {
      this.attemptTimer = setTimeout(() => {
        if (current() && !this.hostConnected && this.model.phase === 'reconnecting') this.startHost();
      }, ATTEMPT_MS);
    }
    this.preset = this.policy.qualityPreset();
    hostStore.add(host.onStats((stats) => stats.path && this.setPath(stats.path)));
    // A new connection keeps sharing paused if the sharer paused it: nothing is sent until they resume.
    host.start({
      quality: qualityFor(this.preset),
      screen: this.screen,
      iceServers: [...this.iceServers],
      redactWindows: this.policy.redactWindows?.() ?? DEFAULT_REDACT_WINDOWS,
      shareWindow: this.sharedWindow,
      paused: this.model.paused,
    });
  }

  /**
   * Lets the previous host process stop on its own terms: its file transfers end with ERR_DISCONNECTED (the
   * partial file removed, a line in the history) before its store goes; killed if it takes longer than 2 s.
   */
  private retireHost(): void {
    const store = this.hostStore;
    const host = this.host;
    this.host = undefined;
    if (host?.state === 'running') void host.stop(2000).finally(() => store.dispose());
    else store.dispose();
  }

  /** "Restart Sharing": a new host process and peer connection for this same session, after a crash. */
  restartSharing(): void {
    if (this.model.phase !== 'reconnecting') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'Sharing is running; there is nothing to restart.');
    if (this.host?.state === 'running') return;
    this.startHost();
  }

  private async onControlRequested(): Promise<void> {
    if (this.model.phase !== 'connected' || this.model.control !== 'viewOnly') {
      this.log.warn(`session ${this.model.sessionId}: control request ignored while ${this.model.phase}/${this.model.control}`);
      return;
    }
    this.model.requestControl();
    if (!this.policy.allowRemoteControl()) {
      this.model.refuseControl('notAllowed');
      await this.channel.send({ type: 'controlRefused', reason: 'notAllowed' });
      return;
    }
    const answer = await answerWithin(this.prompts.askControl(this.helper, { verificationCode: this.model.verificationCode, timeLimits: this.policy.controlTimeLimits?.() }), this.timing.controlPromptMs);
    if (!this.stillAsking()) return;
    if (answer === TIMED_OUT) {
      this.model.refuseControl('timedOut');
      await this.channel.send({ type: 'controlRefused', reason: 'timedOut' });
      return;
    }
    const window = answer === 'oneWindow' ? await this.pickControlWindow() : undefined;
    if (!this.stillAsking()) return;
    const yes = answer === 'oneWindow' ? window !== undefined : answer !== false;
    // The setting is read again: it may have been switched off while the question was open.
    if (yes && this.policy.allowRemoteControl() && this.host) {
      this.host.grantControl({ limitMs: typeof answer === 'object' ? Math.round(answer.minutes * this.timing.minuteMs) : undefined, window: window?.id });
      if (window) this.model.note(T.controlLimited(this.helper, window.title));
      return;
    }
    this.model.refuseControl(yes ? 'notAllowed' : 'declined');
    await this.channel.send({ type: 'controlRefused', reason: yes ? 'notAllowed' : 'declined' });
  }

  /** The window control is limited to, or undefined when the sharer cancels (or none can be listed). */
  private async pickControlWindow(): Promise<WindowInfo | undefined> {
    if (!this.host || !this.prompts.pickWindow) return undefined;
    try {
      const windows = await listHostWindows(this.host);
      const picked = await this.prompts.pickWindow(windows, 'control');
      return windows.find((w) => w.id === picked);
    } catch (err) {
      this.log.warn(`session ${this.model.sessionId}: no window to limit control to: ${(err as Error).message}`);
      this.model.note(T.oneWindowUnavailable((err as Error).message));
      return undefined;
    }
  }

  /** "Only One Window…": the sharer picks a window (or the whole screen again); the helper sees only that. */
  async shareOneWindow(): Promise<void> {
    const host = this.host;
    if (!host || !this.prompts.pickWindow || !this.hostConnected) throw new SessionError('ERR_ILLEGAL_TRANSITION', 'Nothing is being shared right now.');
    const picked = await this.prompts.pickWindow(await listHostWindows(host), 'share');
    if (picked === undefined || this.host !== host) return;
    this.sharedWindow = picked === 'wholeScreen' ? undefined : picked;
    host.shareWindow(this.sharedWindow);
  }

  /** The redaction setting changed: the host hides by the new rules at once. */
  setRedaction(rules: readonly string[]): void {
    this.host?.setRedaction(rules);
  }

  /** Read through a call so TypeScript does not narrow the state across the awaited question. */
  private stillAsking(): boolean {
    return this.model.phase === 'connected' && this.model.control === 'requested';
  }

  protected override onRelay(message: RelayMessage): void {
    switch (message.type) {
      case 'rtc':
        // Answers meant for an earlier connection must not reach the new one.
        if (message.epoch !== undefined && message.epoch !== this.epoch) this.log.info(`session ${this.model.sessionId}: signal for connection ${message.epoch} dropped (now ${this.epoch})`);
        else if (this.host?.state === 'running') this.host.signal(message.payload);
        else this.log.warn(`session ${this.model.sessionId}: signaling without a running host was dropped`);
        break;
      case 'rejoin':
        this.onRejoin(message.fresh === true);
        break;
      case 'qualityRequest':
        this.guard('qualityRequest', () => this.onQualityRequest(message.preset));
        break;
      case 'controlRefused':
      case 'resumeDeclined':
      case 'consentTimedOut':
        this.log.warn(`session ${this.model.sessionId}: the helper sent a sharer-only message; dropped`);
        break;
    }
  }

  /**
   * The helper lost its peer connection or its panel reloaded: a new connection, unless one is on its way.
   * `fresh` (the helper's window reloaded): one on its way went to the window that is gone, so a new one now.
   */
  private onRejoin(fresh: boolean): void {
    if (this.model.phase !== 'connected' && this.model.phase !== 'reconnecting') return;
    this.connectionLost();
    if (!this.host) {
      this.log.info(`session ${this.model.sessionId}: rejoin asked while sharing is stopped; waiting for Restart Sharing`);
      return;
    }
    if (!this.hostConnected && !fresh) return;
    const wait = this.hostConnected ? 0 : this.hostStartedAt + FRESH_REJOIN_MIN_MS - Date.now();
    if (wait <= 0) {
      this.startHost();
      return;
    }
    // Connection `epoch` only just started (its offer likely went to the window that is gone): replace it soon.
    const host = this.host;
    clearTimeout(this.attemptTimer);
    this.attemptTimer = setTimeout(() => {
      if (this.host === host && !this.finished && !this.hostConnected && this.model.phase === 'reconnecting') this.startHost();
    }, wait);
  }

  /** Sharing broke (unsupported platform, no display, the host died): say why, and end on both sides. */
  private async fail(problem: string): Promise<void> {
    if (this.finished) return;
    await this.channel.end();
    this.finish('error', problem);
  }

  /**
   * Every `continueSharingMinutes` the sharer is asked whether to go on; No, or no answer within the prompt's
   * time, ends the session (a forgotten session does not stay open for days).
   */
  private scheduleContinue(): void {
    const minutes = this.policy.continueSharingMinutes?.() ?? 30;
    const ask = this.prompts.askContinue?.bind(this.prompts);
    if (!ask || !(minutes > 0)) return;
    clearTimeout(this.continueTimer);
    this.continueTimer = setTimeout(() => void this.askContinue(ask), minutes * this.timing.minuteMs);
  }

  private async askContinue(ask: (helper: string) => Promise<boolean>): Promise<void> {
    if (this.finished) return;
    const answer = await answerWithin(ask(this.helper), this.timing.continuePromptMs);
    if (this.finished) return;
    if (answer === true) return this.scheduleContinue();
    if (answer === TIMED_OUT) this.guard('continue', () => this.model.note(T.continueUnanswered));
    await this.disconnect();
  }

  protected override onRelease(): void {
    clearTimeout(this.attemptTimer);
    clearTimeout(this.continueTimer);
    // Disposing the supervisor (in the store) sends `stop` at once and kills the process if it does not exit in time.
    this.host = undefined;
  }
}
