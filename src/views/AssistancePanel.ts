/**
 * The helper's Remote Assistance panel: a webview kept alive when hidden (the remote desktop keeps
 * streaming), opened when a session starts. Closing it disconnects, as closing the window did in Windows.
 */
import * as vscode from 'vscode';
import type { IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { TalkView } from '../common/audio/TalkController';
import type { ExtensionMessage, SessionView } from '../protocol/webview';
import type { HelperSession } from '../session/HelperSession';
import type { ToolbarDispatch } from './ToolbarDispatch';
import { webviewHtml, webviewOptions } from './webviewResources';
import { WebviewRouter } from './WebviewRouter';

export class AssistancePanel implements vscode.Disposable {
  static readonly viewType = 'remoteAssist.panel';
  private panel: vscode.WebviewPanel | undefined;
  private router: WebviewRouter | undefined;
  private session: HelperSession | undefined;
  private talkWatch: IDisposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly toolbar: ToolbarDispatch,
    private readonly log: Logger,
  ) {}

  /** Viewer commands for the page; queued until it is ready. */
  post(message: ExtensionMessage): void {
    this.router?.post(message);
  }

  /** Opens (or reuses) the panel for `session`. Call before the session can receive signaling. */
  open(peerName: string): void {
    if (!this.panel) this.create(peerName);
    this.panel!.title = `Remote Assistance — ${peerName}`;
    this.panel!.reveal(vscode.ViewColumn.Active);
  }

  attach(session: HelperSession): void {
    this.session = session;
    this.router?.show(session);
    // The toolbar's Start/Stop Talking, Mute and level meter follow the session's talk state.
    this.talkWatch?.dispose();
    this.talkWatch = session.talk?.onDidChange((view) => this.postTalk(view));
    if (session.talk) this.postTalk(session.talk.current);
  }

  private postTalk({ phase, muted, peerMuted, micMode, talkHeld, local, remote }: TalkView): void {
    this.post({ type: 'talkState', talk: { phase, muted, peerMuted, micMode, talkHeld, local, remote } });
  }

  reveal(): void {
    this.panel?.reveal();
  }

  dispose(): void {
    this.talkWatch?.dispose();
    this.panel?.dispose();
  }

  /**
   * A panel VS Code restored after a window reload (WebviewPanelSerializer): it shows the live helper
   * session if there is one (its page asks for a new peer connection), else `idleView` (the last history).
   */
  adopt(panel: vscode.WebviewPanel, idleView: () => SessionView | null): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.wire(panel, idleView);
    if (this.session) this.router?.show(this.session);
  }

  private create(peerName: string): void {
    const panel = vscode.window.createWebviewPanel(AssistancePanel.viewType, `Remote Assistance — ${peerName}`, vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: true,
    });
    this.wire(panel);
  }

  private wire(panel: vscode.WebviewPanel, idleView?: () => SessionView | null): void {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'assistance.svg');
    const router = new WebviewRouter({
      post: (m) => void panel.webview.postMessage(m),
      toolbar: (action) => this.toolbar.run(action),
      viewerReport: (report) => this.session?.handleViewerReport(report),
      idleView,
      log: this.log,
    });
    panel.webview.onDidReceiveMessage((m: unknown) => router.receive(m));
    panel.onDidDispose(() => {
      router.dispose();
      const session = this.session;
      this.panel = undefined;
      this.router = undefined;
      this.session = undefined;
      if (session && session.model.phase !== 'ended') void session.disconnect();
    });
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'panel', 'Remote Assistance');
    this.panel = panel;
    this.router = router;
  }
}
