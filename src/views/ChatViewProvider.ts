/** The sidebar Chat view: the session in progress on either side, or the last one's history after a restart. */
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { editorPointing } from '../pointing/editorPointing';
import type { SessionView } from '../protocol/webview';
import type { SessionCoordinator } from '../session/SessionCoordinator';
import { webviewHtml, webviewOptions } from './webviewResources';
import { WebviewRouter } from './WebviewRouter';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'remoteAssist.chat';
  private router: WebviewRouter | undefined;
  private view: vscode.WebviewView | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly pointing = editorPointing();
  /** A past session chosen in Past Sessions…, shown while no session is active. */
  private past: SessionView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: SessionCoordinator,
    private readonly log: Logger,
  ) {
    this.subscriptions.push(
      sessions.onDidChangeActive((active) => {
        if (active) this.past = undefined;
        this.router?.show(active);
        // The sharer chats here (the helper has the panel): bring the view up when a session starts.
        if (active?.model.role === 'sharer' && !this.view?.visible) void vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    this.router?.dispose();
    const router = (this.router = new WebviewRouter({
      post: (m) => void view.webview.postMessage(m),
      idleView: () => this.past ?? this.sessions.lastStoredView(),
      pointing: this.pointing,
      log: this.log,
    }));
    router.show(this.sessions.active);
    view.webview.onDidReceiveMessage((m: unknown) => router.receive(m));
    view.onDidDispose(() => {
      router.dispose();
      if (this.router === router) this.router = undefined;
      if (this.view === view) this.view = undefined;
    });
    // A hidden view's page is discarded; it says ready again when shown.
    view.onDidChangeVisibility(() => {
      if (!view.visible) router.reset();
    });
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'chat', 'Remote Assistance Chat');
  }

  /** Shows a past session's history (while no session is active). */
  async showPast(view: SessionView): Promise<void> {
    this.past = view;
    await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
    this.router?.show(this.sessions.active);
  }

  dispose(): void {
    this.router?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
