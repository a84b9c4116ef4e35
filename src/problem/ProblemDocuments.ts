/**
 * Read-only documents for problem bundles: the helper's view of an invitation's problem, and the sharer's
 * preview of a part before sending it. Served by a content provider, so nobody can edit or save them by accident.
 */
import * as vscode from 'vscode';

const PROBLEM_SCHEME = 'remote-assist-problem';

export class ProblemDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROBLEM_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** Opens (or refreshes) the markdown document `title` under `key`, beside the current editor. */
  async show(key: string, title: string, markdown: string): Promise<vscode.TextEditor> {
    const safeTitle = title.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').slice(0, 80);
    const uri = vscode.Uri.from({ scheme: PROBLEM_SCHEME, path: `/${encodeURIComponent(key)}/${safeTitle}.md` });
    this.texts.set(uri.path, markdown);
    this._onDidChange.fire(uri);
    const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'markdown');
    return vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.registration.dispose();
    this._onDidChange.dispose();
    this.texts.clear();
  }
}
