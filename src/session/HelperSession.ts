/**
 * The helper's side of a session in the extension host: HelperSide's routing, with the history in the
 * session's log file, the helper's microphone and speaker opened in Node, Send a File from the workspace,
 * clipboard text, and a session that survives a window reload.
 */
import { HelperVoice } from '../audio/HelperVoice';
import type { TalkController, TalkFactory } from '../common/audio/TalkController';
import { helperFilesEndpoint } from '../files/helperFilesEndpoint';
import type { FilesFactory, SessionFiles } from '../files/SessionFiles';
import type { NetworkClient } from '../network/NetworkClient';
import type { Session } from '../protocol/network';
import { DisposableStore } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { HelperClipboard, SystemClipboard } from './HelperClipboard';
import { SessionError } from './AssistanceSession';
import type { ResumedFrom, SessionContext, SuspendableSession } from './ActiveSession';
import { HelperSide, type ViewerPost, type ViewerReport } from './HelperSide';
import { recordedSessionModel } from './recordedSessionModel';

export type { ViewerPost, ViewerReport } from './HelperSide';

export class HelperSession extends HelperSide implements SuspendableSession {
  readonly talk: TalkController | undefined;
  private readonly clipboard: HelperClipboard | undefined;
  files: SessionFiles | undefined;
  private filesStore = new DisposableStore();

  constructor(
    session: Session,
    client: NetworkClient,
    ctx: SessionContext,
    toViewer: ViewerPost,
    log: Logger,
    talkFactory?: TalkFactory,
    private readonly filesFactory?: FilesFactory,
    resumed?: ResumedFrom,
    systemClipboard?: SystemClipboard,
  ) {
    super(session, client, recordedSessionModel(session, 'helper', ctx.historyDir, resumed), ctx, toViewer, log, resumed);
    this.freshRejoin = resumed !== undefined;
    const peerName = session.peer.displayName;
    if (systemClipboard) this.clipboard = new HelperClipboard(peerName, systemClipboard, (m) => this.toViewer(m), (line) => this.guard('clipboard', () => this.model.note(line)), log);
    if (talkFactory) {
      // The helper's microphone and speaker are opened here in Node; the panel's peer carries the audio.
      const voice = new HelperVoice((m) => this.toViewer(m));
      this.voice = voice;
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
  protected override openFiles(): void {
    if (!this.filesFactory) return;
    this.filesRelay?.receive({ type: 'viewerFilesClose' });
    this.filesStore.dispose();
    this.filesStore = this.store.add(new DisposableStore());
    const { relay, endpoint } = helperFilesEndpoint((m) => this.toViewer(m), this.log);
    this.filesRelay = relay;
    this.files = this.filesStore.add(this.filesFactory(this.model.peerName, endpoint, (line, sha256) => this.guard('files', () => this.model.note(line, sha256))));
  }

  protected override onOtherReport(report: ViewerReport): void {
    if (report.type === 'viewerClipboard') this.clipboard?.receive(report.message).catch((err: Error) => this.log.warn(`clipboard: ${err.message}`));
    else if (report.type === 'viewerFilesDropped') this.files?.sendDropped(report.uris);
  }

  /** "Send Clipboard Text": the helper's clipboard goes to the sharer, whose host decides. */
  async sendClipboard(): Promise<void> {
    this.mustBeConnected();
    if (!this.clipboard) throw new SessionError('ERR_ILLEGAL_TRANSITION', 'Clipboard sync is not available here.');
    await this.clipboard.send();
  }
}
