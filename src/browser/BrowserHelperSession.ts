/**
 * The helper's side of a session in a plain browser page: what HelperSession does in the extension host, here
 * over the page's own WebSocket. The panel's RemoteViewer (the browser's RTCPeerConnection) reports to it; it
 * relays signaling through the assistance network, keeps the session's state machine and history, and routes
 * chat and control to the viewer's data channels. The sharer's side decides everything that matters.
 */
import { DisposableStore, Emitter } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { ConnectionPath, IceServer } from '../protocol/ice';
import type { Session, SessionEndReason } from '../protocol/network';
import { RELAY_MESSAGE_MAX_BYTES, RelayMessage } from '../protocol/relay';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import type { ExtensionMessage } from '../protocol/webview';
import type { ActiveSession } from '../session/ActiveSession';
import { AssistanceSession, CONTROL_ANSWER_MS, REJOIN_WINDOW_MS, SessionError } from '../session/AssistanceSession';
import type { ViewerReport } from '../session/HelperSession';
import { SessionTexts as T } from '../session/SessionTexts';
import { TalkController } from '../audio/TalkController';
import { VoiceTexts } from '../audio/VoiceTexts';
import { BrowserFiles } from './BrowserFiles';
import type { BrowserSignaling } from './BrowserSignaling';
import { BrowserVoice } from './BrowserVoice';
import { askToSave } from './FileOfferPrompt';


/** How the page asks the helper about a voice conversation and shows what went wrong with it. */
export interface TalkPrompts {
  askToTalk(peerName: string): Promise<boolean>;
  showError(message: string): void;
}

export class BrowserHelperSession implements ActiveSession {
  readonly model: AssistanceSession;
  readonly iceServers: readonly IceServer[];
  private readonly _onDidEnd = new Emitter<void>();
  readonly onDidEnd = this._onDidEnd.event;
  private readonly _onDidChangePath = new Emitter<ConnectionPath>();
  readonly onDidChangePath = this._onDidChangePath.event;
  path: ConnectionPath | undefined;
  private readonly store = new DisposableStore();
  private epoch = 0;
  private finished = false;
  private controlAnswerTimer: ReturnType<typeof setTimeout> | undefined;
  private rejoinDeadline: ReturnType<typeof setTimeout> | undefined;
  /** Send a File on the viewer's current peer connection (a new connection gets a fresh engine). */
  private transfers: BrowserFiles | undefined;
  /** Start Talking, with the browser's microphone and speaker (the same consent flow as the extension's). */
  readonly talk: TalkController;
  private readonly voice: BrowserVoice;

  constructor(
    private readonly session: Session,
    private readonly signaling: BrowserSignaling,
    private readonly myName: string,
    private readonly toViewer: (message: ExtensionMessage) => void,
    private readonly log: Logger,
    prompts: TalkPrompts,
  ) {
    this.model = new AssistanceSession({ sessionId: session.id, role: 'helper', peerName: session.peer.displayName });
    this.iceServers = session.iceServers;
    this.store.add(signaling.onSignal(({ sessionId, payload }) => sessionId === session.id && this.onPayload(payload)));
    this.store.add(signaling.onSessionEnded(({ sessionId, reason }) => sessionId === session.id && this.onEnded(reason)));
    this.store.add({ dispose: () => (clearTimeout(this.controlAnswerTimer), clearTimeout(this.rejoinDeadline), this.transfers?.dispose()) });
    this.openFiles();
    const voice = new BrowserVoice((m) => this.toViewer(m));
    this.talk = new TalkController({
      peerName: this.model.peerName,
      endpoint: voice,
      // The browser picks the devices; its echo cancellation is always on, and the page has no push-to-talk.
      settings: () => ({ input: '', output: '', echoCancel: true, micMode: 'open' }),
      askToTalk: (peer) => prompts.askToTalk(peer),
      history: (line) => this.guard('voice', () => this.model.note(line)),
      showError: (message) => prompts.showError(message),
      failedText: VoiceTexts.browserFailed,
      log,
    });
    this.store.add({ dispose: () => (this.talk.dispose(), voice.dispose()) });
    this.voice = voice;
  }

  /** Transfers on an old connection end as it closing (ERR_DISCONNECTED); the new one starts clean. */
  private openFiles(): void {
    this.transfers?.dispose();
    this.transfers = new BrowserFiles(this.model.peerName, (m) => this.toViewer(m), (line, sha256) => this.guard('files', () => this.model.note(line, sha256)), askToSave, this.log);
  }

  /** Send a File: the files the helper picked go to the sharer, who accepts each one. */
  sendFiles(files: Iterable<File>): void {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    this.transfers?.send(files);
  }

  /** What the panel's RemoteViewer reported (already validated by the WebviewRouter). */
  handleViewerReport(report: ViewerReport): void {
    if (this.finished) return;
    switch (report.type) {
      case 'viewerSignal':
        this.send({ type: 'rtc', payload: report.payload, epoch: this.epoch });
        break;
      case 'viewerConnected':
        if (this.model.phase === 'reconnecting') this.restored();
        else this.guard('connected', () => this.model.peerConnected());
        break;
      case 'viewerLink':
        if (report.state === 'interrupted') this.lost();
        else this.restored();
        break;
      case 'viewerDisconnected':
        if (this.model.phase === 'connecting') void this.disconnect();
        else this.askToRejoin();
        break;
      case 'viewerRejoin':
        this.askToRejoin();
        break;
      case 'viewerChat':
        this.guard('chat', () => this.model.chat('peer', report.text, this.myName));
        break;
      case 'viewerControl':
        if (this.model.controlReported(report.granted, report.reason, report.remainingMs)) this.toViewer({ type: 'viewerReleaseControl' });
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
        this.path = report.path;
        this._onDidChangePath.fire(report.path);
        break;
      case 'viewerError':
        this.log.warn(`viewer: ${report.message}`);
        break;
      case 'viewerVoicePeer':
      case 'viewerVoicePcm':
      case 'viewerVoiceError':
      case 'viewerVoiceStarted':
      case 'viewerVoiceLevel':
        this.voice.receive(report);
        break;
      case 'viewerFilesOpen':
      case 'viewerFilesClose':
      case 'viewerFilesText':
      case 'viewerFilesFrame':
      case 'viewerFilesDrained':
        this.transfers?.receive(report);
        break;
      default:
        // Clipboard reports and dropped file URIs (a page gets no paths): not part of the browser page yet.
        break;
    }
  }

  async sendChat(text: string): Promise<void> {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    const entry = this.model.chat('me', text, this.myName);
    this.toViewer({ type: 'viewerSendChat', text: entry.text });
  }

  takeControl(): void {
    this.model.requestControl();
    this.toViewer({ type: 'viewerRequestControl' });
    clearTimeout(this.controlAnswerTimer);
    this.controlAnswerTimer = setTimeout(() => {
      if (!this.finished && this.model.phase === 'connected' && this.model.control === 'requested') this.model.refuseControl('timedOut');
    }, CONTROL_ANSWER_MS);
  }

  stopControl(): void {
    if (this.model.control !== 'granted') throw new SessionError('ERR_ILLEGAL_TRANSITION', 'You are not in control.');
    this.toViewer({ type: 'viewerReleaseControl' });
  }

  async setQuality(preset: 'Auto' | 'Low' | 'Balanced' | 'Best'): Promise<void> {
    if (this.model.phase !== 'connected') throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    this.send({ type: 'qualityRequest', preset });
  }

  async disconnect(): Promise<void> {
    if (this.finished) return;
    await this.signaling.endSession(this.session.id).catch((err: Error) => this.log.warn(`could not tell the server the session ended: ${err.message}`));
    this.finish('me');
  }

  dispose(): void {
    if (!this.finished) void this.disconnect();
  }

  /** A relay message from the sharer's extension, through the server (not trusted: validated first). */
  private onPayload(payload: string): void {
    if (this.finished) return;
    let message: RelayMessage;
    try {
      message = decodeMessage(RelayMessage, payload, RELAY_MESSAGE_MAX_BYTES);
    } catch (err) {
      this.log.warn(`dropped a relay message: ${err instanceof ProtocolError ? `${err.code} ${err.message}` : String(err)}`);
      return;
    }
    switch (message.type) {
      case 'rtc': {
        const epoch = message.epoch ?? 0;
        if (epoch < this.epoch) return;
        // The sharer's host only signals after the sharer said Yes.
        if (this.model.phase === 'consent') this.model.consentGiven();
        if (epoch > this.epoch && this.model.phase === 'connected') this.lost();
        if (epoch > this.epoch && this.epoch > 0) {
          // Voice and files lived on the old connection: talking stops (start again), transfers fail cleanly.
          this.talk.reset();
          this.openFiles();
        }
        this.epoch = epoch;
        this.toViewer({ type: 'viewerSignal', payload: message.payload, epoch });
        break;
      }
      case 'controlRefused':
        this.guard('controlRefused', () => this.model.refuseControl(message.reason));
        break;
      case 'consentTimedOut':
        this.guard('consentTimedOut', () => this.model.consentTimedOut());
        if (this.model.phase === 'ended') this.finish('peer');
        break;
      case 'resumeDeclined':
        this.finish('peer', T.peerDeclinedResume(this.model.peerName));
        break;
      case 'away':
        if (this.model.phase === 'connected' || this.model.phase === 'reconnecting') this.model.note(T.peerAway(this.model.peerName));
        break;
      case 'rejoin':
      case 'qualityRequest':
        this.log.warn(`the sharer sent a helper-only message (${message.type}); dropped`);
        break;
    }
  }

  private onEnded(reason: SessionEndReason): void {
    // The page lost the server but the peer connection still carries the session: it goes on.
    if (reason === 'connectionLost' && (this.model.phase === 'connected' || this.model.phase === 'reconnecting')) return;
    this.finish(reason === 'connectionLost' ? 'error' : 'peer');
  }

  private send(message: RelayMessage): void {
    void this.signaling.sendSignal(this.session.id, JSON.stringify(RelayMessage.parse(message))).catch((err: Error) => this.log.warn(`${message.type} not relayed: ${err.message}`));
  }

  private lost(): void {
    if (this.finished) return;
    if (this.model.phase === 'connected') this.model.connectionLost();
    if (this.model.phase !== 'reconnecting' || this.rejoinDeadline) return;
    this.rejoinDeadline = setTimeout(() => void this.disconnect(), REJOIN_WINDOW_MS);
  }

  private restored(): void {
    clearTimeout(this.rejoinDeadline);
    this.rejoinDeadline = undefined;
    if (this.model.phase === 'reconnecting') this.model.reconnected();
  }

  private askToRejoin(): void {
    if (this.model.phase !== 'connected' && this.model.phase !== 'reconnecting') return;
    this.lost();
    this.send({ type: 'rejoin' });
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.warn(`${what} refused: ${(err as Error).message}`);
    }
  }

  private finish(by: 'me' | 'peer' | 'error', problem?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.model.phase !== 'ended') this.model.end(by, problem);
    clearTimeout(this.controlAnswerTimer);
    this.toViewer({ type: 'viewerClose' });
    this.store.dispose();
    this._onDidEnd.fire();
    this._onDidEnd.dispose();
    this._onDidChangePath.dispose();
  }
}
