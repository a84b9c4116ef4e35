/** WorkspacePointing in VS Code: the local workspace folders, and the editor opened at the referenced place. */
import * as vscode from 'vscode';
import { WorkspacePointing } from './WorkspacePointing';

export function editorPointing(): WorkspacePointing {
  return new WorkspacePointing({
    // local folders only: a reference never reaches another file system
    roots: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    openFile: async (file, line, column) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const row = Math.min(line, doc.lineCount) - 1;
      const at = new vscode.Position(row, Math.min(column - 1, doc.lineAt(row).text.length));
      const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: true });
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    },
  });
}
