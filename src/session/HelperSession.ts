/**
 * The helper's side of a session: the remote desktop lives in the panel's RemoteViewer (a webview), so this
 * class relays signaling between the network and the viewer, turns the viewer's reports into the session's
 * history, and routes chat and control requests to the viewer's data channels.
 */
import { HelperVoice } from '../audio/HelperVoice';
import type { TalkController, TalkFactory } from '../audio/TalkController';
import { helperFilesEndpoint } from '../files/helperFilesEndpoint';
import type { RelayChannel } from '../files/RelayChannel';
import type { FilesFactory, SessionFiles } from '../files/SessionFiles';
import type { NetworkClient } from '../network/NetworkClient';
import type { Session } from '../protocol/network';
import type { RelayMessage } from '../protocol/relay';
import type { ExtensionMessage, WebviewMessage } from '../protocol/webview';
import { DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { HelperClipboard, SystemClipboard } from './HelperClipboard';
import { CONTROL_ANSWER_MS, SessionError } from './AssistanceSession';
import type { ResumedFrom, SessionContext, SuspendableSession } from './ActiveSession';
import type { QualityPreset } from './QualityPresets';
import { SessionSide } from './SessionSide';
import { SessionTexts as T } from './SessionTexts';

/** Where viewer commands go: the panel webview (which queues them until its page is ready). */
export type ViewerPost = (message: ExtensionMessage) => void;
export type ViewerReport = Extract<WebviewMessage, { type: `viewer${string}` }>;


export class HelperSession extends SessionSide implements SuspendableSession {
  readonly talk: TalkController | undefined;
  private readonly clipboard: HelperClipboard | undefined;
  private readonly voice: HelperVoice | undefined;
  files: SessionFiles | undefined;
  private filesRelay: RelayChannel | undefined;
  private filesStore = new DisposableStore();
  /** This window reloaded and has not asked for a connection yet: its first rejoin is a fresh one. */
  private freshRejoin: boolean;
  private controlAnswerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    session: Session,
    client: NetworkClient,
    ctx: SessionContext,
    private readonly toViewer: ViewerPost,
    log: Logger,
    talkFactory?: TalkFactory,
    private readonly filesFactory?: FilesFactory,
    resumed?: ResumedFrom,
    systemClipboard?: SystemClipboard,
  ) {
    super(session, client, 'helper', ctx, log, resumed);
    this.freshRejoin = resumed !== undefined;
    const peerName = session.peer.displayName;
    if (systemClipboard) this.clipboard = new HelperClipboard(peerName, systemClipboard, (m) => this.toViewer(m), (line) => this.guard('clipboard', () => this.model.note(line)), log);
    if (talkFactory) {
      // The helper's microphone and speaker are opened here in Node; the panel's peer carries the audio.
      const voice = (this.voice = new HelperVoice((m) => this.toViewer(m)));
      this.store.add({ dispose: () => void voice.dispose() });
      this.talk = this.store.add(talkFactory(peerName, voice, (line) => this.guard('voice', () => this.model.note(line))));
    }
    this.openFiles();
    // Back after a window reload, `reconnecting`: asks the sharer for a new connection at once (the restored
    // panel may first show the last history, so its own rejoin cannot be counted on) and the rejoin window runs.
    if (resumed) this.askToRejoin();
  }

  /**
   * Send a File over the viewer's current peer connection: a new connection gets a fresh relay and engine;
   * transfers on the old one end as the connection closing (ERR_DISCONNECTED, partial files removed).
   */
  private openFiles(): void {
    if (!this.filesFactory) return;
    this.filesRelay?.receive({ type: 'viewerFilesClose' });
    this.filesStore.dispose();
    this.filesStore = this.store.add(new DisposableStore());
    const { relay, endpoint } = helperFilesEndpoint((m) => this.toViewer(m), this.log);
    this.filesRelay = relay;
    this.files = this.filesStore.add(this.filesFactory(this.model.peerName, endpoint, (line, sha256) => this.guard('files', () => this.model.note(line, sha256))));
  }

  /** What the panel's RemoteViewer reported (already validated by the panel controller). */
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
      case 'viewerClipboard':
        this.clipboard?.receive(report.message).catch((err: Error) => this.log.warn(`clipboard: ${err.message}`));
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
      case 'viewerFilesDropped':
        this.files?.sendDropped(report.uris);
        break;
    }
  }

  /** "Send Clipboard Text": the helper's clipboard goes to the sharer, whose host decides. */
  async sendClipboard(): Promise<void> {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    if (!this.clipboard) throw new SessionError('ERR_ILLEGAL_TRANSITION', 'Clipboard sync is not available here.');
    await this.clipboard.send();
  }

  async sendChat(text: string): Promise<void> {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
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
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    await this.channel.send({ type: 'qualityRequest', preset });
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
      case 'rejoin':
        this.log.warn(`session ${this.model.sessionId}: the sharer sent a helper-only message; dropped`);
        break;
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
      case 'qualityRequest':
        this.log.warn(`session ${this.model.sessionId}: the sharer sent a helper-only message; dropped`);
        break;
    }
  }

  /** The viewer has no working peer connection: reconnecting, and the sharer is asked for a new one. */
  private askToRejoin(): void {
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
