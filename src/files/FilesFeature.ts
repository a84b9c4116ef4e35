/**
 * Send a File in VS Code: the modal offer (who, what, how big: Save As… or Decline), the Save As dialog in
 * the default folder, a progress notification with Cancel per transfer, the file picker behind the Send a
 * File button/command, and the remoteAssist.files.* settings. Registered by one line in extension.ts.
 */
import { existsSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import type { ActiveSession } from '../session/ActiveSession';
import type { SessionFeatures } from '../session/SessionFeatures';
import { FileTexts } from '../common/files/FileTexts';
import { FilesFactory, FilesUi, ProgressDisplay, SessionFiles } from './SessionFiles';
import { sanitizeFileName } from '../common/files/fileName';
import { askSafely } from '../views/safeQuestion';

const MB = 1024 * 1024;
const DEFAULT_MAX_MB = 4096;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('remoteAssist.files');
}

/** The folder Save As opens in: the setting if it names an existing folder, else Downloads, else home. */
export function defaultFolder(log: Logger): string {
  // User settings only: a workspace must not steer where received files land.
  const configured = String(config().inspect<string>('defaultFolder')?.globalValue ?? '').trim().replace(/^~(?=$|\/)/, os.homedir());
  if (configured && path.isAbsolute(configured) && existsSync(configured)) return configured;
  if (configured) log.warn(`setting remoteAssist.files.defaultFolder ignored: "${configured.slice(0, 200)}" is not an existing absolute folder`);
  const downloads = path.join(os.homedir(), 'Downloads');
  return existsSync(downloads) ? downloads : os.homedir();
}

export function maxIncomingBytes(log: Logger): number {
  const mb = config().get<number>('maxSizeMB', DEFAULT_MAX_MB);
  if (typeof mb !== 'number' || !Number.isFinite(mb) || mb < 1) {
    log.warn(`setting remoteAssist.files.maxSizeMB ignored: ${String(mb).slice(0, 40)}`);
    return DEFAULT_MAX_MB * MB;
  }
  return Math.round(mb * MB);
}

class NotificationProgress implements ProgressDisplay {
  private report: ((value: { message?: string; increment?: number }) => void) | undefined;
  private shownPercent = 0;
  private closeNotification: (() => void) | undefined;
  private closed = false;
  private last: { message?: string; increment?: number } | undefined;

  constructor(transfer: Parameters<FilesUi['showProgress']>[0], peerName: string, cancel: () => void) {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: FileTexts.progressTitle(transfer, peerName), cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          this.report = (value) => progress.report(value);
          this.closeNotification = resolve;
          token.onCancellationRequested(() => cancel());
          if (this.closed) resolve();
          else if (this.last) progress.report(this.last);
        }),
    );
  }

  update(transfer: Parameters<FilesUi['showProgress']>[0]): void {
    const percent = transfer.size > 0 ? Math.floor((transfer.bytes * 100) / transfer.size) : 100;
    const value = { message: transfer.state === 'verifying' ? 'checking SHA-256…' : FileTexts.progress(transfer), increment: Math.max(0, percent - this.shownPercent) };
    this.shownPercent = Math.max(this.shownPercent, percent);
    if (this.report) this.report(value);
    else this.last = { message: value.message, increment: this.shownPercent };
  }

  close(): void {
    this.closed = true;
    this.closeNotification?.();
  }
}

export function vscodeFilesUi(log: Logger): FilesUi {
  return {
    async askSave({ peerName, name, size }) {
      const answer = await askSafely({
        message: FileTexts.askSave(peerName, name, size),
        detail: 'Nothing is written to your disk unless you choose where to save it.',
        safe: 'Decline',
        risky: ['Save As…'],
        severity: 'information',
      });
      if (answer !== 'Save As…') return undefined;
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(defaultFolder(log), sanitizeFileName(name))),
        title: `Save "${name}" from ${peerName}`,
        saveLabel: 'Save',
      });
      if (!target || target.scheme !== 'file') return undefined;
      // The save dialog already asked before choosing an existing file, so replacing it is the user's choice.
      return { path: target.fsPath, overwrite: existsSync(target.fsPath) };
    },
    showProgress: (transfer, peerName, cancel) => new NotificationProgress(transfer, peerName, cancel),
  };
}

export function filesFactory(log: Logger): FilesFactory {
  const ui = vscodeFilesUi(log);
  return (peerName, endpoint, history) => new SessionFiles(endpoint, ui, peerName, history, log, maxIncomingBytes(log));
}

/** What the Send a File button/command does: pick files and queue them for the peer. */
export async function pickAndSend(session: ActiveSession, log: Logger): Promise<string | undefined> {
  const files = session.files;
  if (!files || session.model.phase !== 'connected') return `Connect to someone first: files go to the person you are connected to.`;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: 'Send',
    title: `Send a File to ${session.model.peerName}`,
    defaultUri: vscode.Uri.file(defaultFolder(log)),
  });
  const paths = (picked ?? []).filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  if (paths.length > 0) files.send(paths);
  return undefined;
}

export function registerFiles(features: SessionFeatures, activeSession: () => ActiveSession | undefined, log: Logger): vscode.Disposable {
  const feature = features.register('sendFile', (session) => pickAndSend(session, log));
  const watch = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('remoteAssist.files.maxSizeMB')) activeSession()?.files?.setMaxIncomingBytes(maxIncomingBytes(log));
  });
  return vscode.Disposable.from(feature, watch);
}
