/**
 * The helper's side of a session in a plain browser page: HelperSide's routing (the same as the extension
 * host's HelperSession) over the page's own WebSocket, with the browser's microphone and speaker and the
 * page's file picker. The history lives only in the page. The sharer's side decides everything that matters.
 */
import type { Logger } from '../common/logger';
import type { Session } from '../protocol/network';
import type { ActiveSession } from '../session/ActiveSession';
import { AssistanceSession } from '../session/AssistanceSession';
import { HelperSide, type ViewerPost } from '../session/HelperSide';
import { TalkController } from '../common/audio/TalkController';
import { VoiceTexts } from '../common/audio/VoiceTexts';
import { BrowserFiles } from './BrowserFiles';
import type { BrowserSignaling } from './BrowserSignaling';
import { BrowserVoice } from './BrowserVoice';
import { askToSave } from './FileOfferPrompt';

/** How the page asks the helper about a voice conversation and shows what went wrong with it. */
export interface TalkPrompts {
  askToTalk(peerName: string): Promise<boolean>;
  showError(message: string): void;
}

export class BrowserHelperSession extends HelperSide implements ActiveSession {
  /** Start Talking, with the browser's microphone and speaker (the same consent flow as the extension's). */
  readonly talk: TalkController;
  /** Send a File on the viewer's current peer connection (a new connection gets a fresh engine). */
  private transfers: BrowserFiles | undefined;

  constructor(session: Session, signaling: BrowserSignaling, myName: string, toViewer: ViewerPost, log: Logger, prompts: TalkPrompts) {
    super(session, signaling, new AssistanceSession({ sessionId: session.id, role: 'helper', peerName: session.peer.displayName }), { myName }, toViewer, log);
    this.store.add({ dispose: () => this.transfers?.dispose() });
    this.openFiles();
    const voice = new BrowserVoice((m) => this.toViewer(m));
    this.voice = voice;
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
  }

  /** Transfers on an old connection end as it closing (ERR_DISCONNECTED); the new one starts clean. */
  protected override openFiles(): void {
    this.transfers?.dispose();
    this.transfers = new BrowserFiles(this.model.peerName, (m) => this.toViewer(m), (line, sha256) => this.guard('files', () => this.model.note(line, sha256)), askToSave, this.log);
    this.filesRelay = this.transfers;
  }

  /** Send a File: the files the helper picked go to the sharer, who accepts each one. */
  sendFiles(files: Iterable<File>): void {
    this.mustBeConnected();
    this.transfers?.send(files);
  }
}
