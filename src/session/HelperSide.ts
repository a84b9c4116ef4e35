/**
 * The helper's side of a session, wherever it runs (the extension host's HelperSession, the browser page's
 * BrowserHelperSession): the remote desktop lives in the panel's RemoteViewer, so this relays signaling between
 * the network and the viewer, turns the viewer's reports into the session's history, and routes chat and
 * control requests to the viewer's data channels. Runtime-neutral: voice, files and clipboard come from the
 * subclass. The sharer's side decides everything that matters.
 */
import type { TalkController } from '../common/audio/TalkController';
import type { Logger } from '../common/logger';
import type { Session } from '../protocol/network';
import type { RelayMessage } from '../protocol/relay';
import type { ExtensionMessage, WebviewMessage } from '../protocol/webview';
import type { ResumedFrom, SideContext } from './ActiveSession';
import { type AssistanceSession, CONTROL_ANSWER_MS, SessionError } from './AssistanceSession';
import type { QualityPreset } from './QualityPresets';
import type { SignalingClient } from './SessionChannel';
import { SessionSide } from './SessionSide';
import { SessionTexts as T } from './SessionTexts';

/** Where viewer commands go: the panel webview (which queues them until its page is ready). */
export type ViewerPost = (message: ExtensionMessage) => void;
export type ViewerReport = Extract<WebviewMessage, { type: `viewer${string}` }>;
type VoiceReport = Extract<ViewerReport, { type: `viewerVoice${string}` }>;
type FilesReport = Extract<ViewerReport, { type: 'viewerFilesOpen' | 'viewerFilesClose' | 'viewerFilesText' | 'viewerFilesFrame' | 'viewerFilesDrained' }>;

export abstract class HelperSide extends SessionSide {
  abstract readonly talk: TalkController | undefined;
  /** Where the viewer's voice reports go (the microphone and speaker of this runtime), if it can talk. */
  protected voice: { receive(report: VoiceReport): void } | undefined;
  /** Where the viewer's file-channel reports go, for the current peer connection. */
  protected filesRelay: { receive(report: FilesReport): void } | undefined;
  /** This window reloaded and has not asked for a connection yet: its first rejoin is a fresh one. */
  protected freshRejoin = false;
  private controlAnswerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    session: Session,
    client: SignalingClient,
    model: AssistanceSession,
    ctx: SideContext,
    protected readonly toViewer: ViewerPost,
    log: Logger,
    resumed?: ResumedFrom,
  ) {
    super(session, client, model, ctx, log, resumed);
  }

  /** Send a File over the viewer's current peer connection: a new connection starts clean. */
  protected abstract openFiles(): void;

  /** Reports only some runtimes handle (clipboard, dropped file URIs); ignored unless overridden. */
  protected onOtherReport(_report: ViewerReport): void {}

  /** What the panel's RemoteViewer reported (already validated by the WebviewRouter). */
  handleViewerReport(report: ViewerReport): void {
    if (this.finished) return;
    switch (report.type) {
      case 'viewerSignal':
        void this.channel.send({ type: 'rtc', payload: report.payload, epoch: this.epoch }).catch((err: Error) => this.log.warn(`signal not relayed: ${err.message}`));
        break;
      case 'viewerConnected':
        if (this.model.phase === 'reconnecting') this.connectionRestored();
        else this.guard('connected', () => this.model.peerConnected());
        break;
      case 'viewerLink':
        if (report.state === 'interrupted') this.connectionLost();
        else this.connectionRestored();
        break;
      case 'viewerDisconnected':
        this.log.info(`session ${this.model.sessionId}: viewer disconnected (${report.reason})`);
        // While connecting this is a connection that could not be made: end rather than wait forever.
        if (this.model.phase === 'connecting') void this.disconnect();
        else this.askToRejoin();
        break;
      case 'viewerRejoin':
        this.askToRejoin();
        break;
      case 'viewerChat':
        this.guard('chat', () => this.model.chat('peer', report.text, this.ctx.myName));
        break;
      case 'viewerControl':
        this.onControlState(report.granted, report.reason, report.remainingMs);
        break;
      case 'viewerVerification':
        this.guard('verification', () => this.model.setVerificationCode(report.code));
        break;
      case 'viewerSharing':
        this.guard('sharing', () => this.model.setPaused(report.paused));
        break;
      case 'viewerScreenHidden':
        this.guard('screenHidden', () => this.model.setScreenHidden(report.hidden));
        break;
      case 'viewerPath':
        this.setPath(report.path);
        break;
      case 'viewerError':
        this.log.warn(`session ${this.model.sessionId}: viewer: ${report.message}`);
        break;
      case 'viewerVoicePeer':
      case 'viewerVoicePcm':
      case 'viewerVoiceError':
      case 'viewerVoiceStarted':
      case 'viewerVoiceLevel':
        this.voice?.receive(report);
        break;
      case 'viewerFilesOpen':
      case 'viewerFilesClose':
      case 'viewerFilesText':
      case 'viewerFilesFrame':
      case 'viewerFilesDrained':
        this.filesRelay?.receive(report);
        break;
      default:
        this.onOtherReport(report);
        break;
    }
  }

  async sendChat(text: string): Promise<void> {
    this.mustBeConnected();
    const entry = this.model.chat('me', text, this.ctx.myName);
    this.toViewer({ type: 'viewerSendChat', text: entry.text });
  }

  takeControl(): void {
    this.model.requestControl();
    this.toViewer({ type: 'viewerRequestControl' });
    // The sharer's side refuses an unanswered question after two minutes; a side that never answers at all
    // (gone quiet, or not trusted to) must not leave this one waiting forever.
    clearTimeout(this.controlAnswerTimer);
    this.controlAnswerTimer = setTimeout(() => {
      if (this.finished || this.model.phase !== 'connected' || this.model.control !== 'requested') return;
      this.log.warn(`session ${this.model.sessionId}: no answer to Take Control within ${CONTROL_ANSWER_MS / 1000} s`);
      this.model.refuseControl('timedOut');
    }, this.ctx.controlAnswerMs ?? CONTROL_ANSWER_MS);
  }

  stopControl(): void {
    if (this.model.control !== 'granted') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not in control.');
    // Recorded when the sharer's host confirms (viewerControl), so the history says what really happened.
    this.toViewer({ type: 'viewerReleaseControl' });
  }

  async setQuality(preset: QualityPreset): Promise<void> {
    this.mustBeConnected();
    await this.channel.send({ type: 'qualityRequest', preset });
  }

  protected mustBeConnected(): void {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
  }

  private onControlState(granted: boolean, reason: string, remainingMs: number | undefined): void {
    if (!this.model.controlReported(granted, reason, remainingMs)) return;
    this.log.warn(`session ${this.model.sessionId}: control granted after the request ended; giving it back`);
    this.toViewer({ type: 'viewerReleaseControl' });
  }

  protected override onRelay(message: RelayMessage): void {
    switch (message.type) {
      case 'rtc': {
        const epoch = message.epoch ?? 0;
        if (epoch < this.epoch) return; // from a connection the sharer has already replaced
        // The sharer's host only signals after the sharer said Yes.
        if (this.model.phase === 'consent') this.model.consentGiven();
        // A new connection from the sharer: the old one is gone, whatever the viewer saw of it yet.
        if (epoch > this.epoch && this.model.phase === 'connected') this.connectionLost();
        if (epoch > this.epoch && this.epoch > 0) {
          // Voice and files lived on the old connection: talking stops (start again), transfers fail cleanly.
          this.talk?.reset();
          this.openFiles();
        }
        this.epoch = epoch;
        this.toViewer({ type: 'viewerSignal', payload: message.payload, epoch });
        break;
      }
      case 'resumeDeclined':
        this.finish('peer', T.peerDeclinedResume(this.model.peerName));
        break;
      case 'controlRefused':
        this.guard('controlRefused', () => this.model.refuseControl(message.reason));
        break;
      case 'consentTimedOut':
        this.guard('consentTimedOut', () => this.model.consentTimedOut());
        if (this.model.phase === 'ended') this.finish('peer');
        break;
      case 'rejoin':
      case 'qualityRequest':
        this.log.warn(`session ${this.model.sessionId}: the sharer sent a helper-only message (${message.type}); dropped`);
        break;
    }
  }

  /** The viewer has no working peer connection: reconnecting, and the sharer is asked for a new one. */
  protected askToRejoin(): void {
    if (this.model.phase !== 'connected' && this.model.phase !== 'reconnecting') return;
    this.connectionLost();
    const fresh = this.freshRejoin;
    this.freshRejoin = false;
    void this.channel.send({ type: 'rejoin', ...(fresh ? { fresh } : {}) }).catch((err: Error) => this.log.warn(`rejoin not relayed: ${err.message}`));
  }

  protected override onRelease(): void {
    clearTimeout(this.controlAnswerTimer);
    this.toViewer({ type: 'viewerClose' });
  }
}
