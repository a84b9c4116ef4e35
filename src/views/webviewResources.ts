/** Webview options and HTML for VS Code: only the extension's own bundles, styles and icons can load. */
import * as vscode from 'vscode';
import { buildWebviewHtml } from './webviewHtml';

function roots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [
    vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
    vscode.Uri.joinPath(extensionUri, 'media'),
    vscode.Uri.joinPath(extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
  ];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: roots(extensionUri) };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: 'panel' | 'chat', title: string): string {
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    title,
    scriptUri: uri('dist', 'webview', `${entry}.js`),
    styleUris: [uri('node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), uri('media', 'webview.css')],
    bodyClass: entry === 'chat' ? 'chat-view' : 'panel-view',
    voiceWorkletUri: entry === 'panel' ? uri('dist', 'webview', 'voice-worklet.js') : undefined,
  });
}
