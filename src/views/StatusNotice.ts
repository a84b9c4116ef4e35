/**
 * Reports what happened without asking anything ("Signed in to …", "Contact request sent to bob.") in the
 * status bar for a while, and in the log, instead of a notification toast: toasts stay for what needs a
 * decision or an answer, so they do not pile up at the bottom right.
 */
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';

/** How long a notice stays in the status bar. */
export const NOTICE_MS = 10_000;

export class StatusNotice implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly log: Logger,
    private readonly shownMs = NOTICE_MS,
  ) {
    this.item = vscode.window.createStatusBarItem('remoteAssist.notice', vscode.StatusBarAlignment.Left, 98);
    this.item.name = 'Remote Assist Notices';
    // Clicking it shows the log, where every notice stays.
    this.item.command = 'remoteAssist.showLog';
  }

  /** Shows `text` in the status bar for a while (the newest replaces the last) and keeps it in the log. */
  report(text: string, codicon = 'info'): void {
    this.log.info(`notice: ${text}`);
    this.item.text = `$(${codicon}) ${text}`;
    this.item.tooltip = `${text}\nRemote Assist — click to show the log`;
    this.item.show();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.item.hide(), this.shownMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
