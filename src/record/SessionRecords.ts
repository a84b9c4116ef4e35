/**
 * "Export Session…" (the session as markdown in a new untitled editor) and "Past Sessions…" (every stored
 * session, newest first; the chosen one shows in the Chat view, or exports with the item's button).
 */
import { join } from 'path';
import * as vscode from 'vscode';
import type { SessionView } from '../protocol/webview';
import { ChatLog, chatLogFileName, type StoredSession } from '../session/ChatLog';
import type { SessionCoordinator } from '../session/SessionCoordinator';
import { renderRecord } from './renderRecord';
import { buildSessionRecord } from './sessionRecord';

export interface SessionRecordsServices {
  readonly historyDir: string;
  readonly sessions: SessionCoordinator;
  readonly myName: () => string;
  /** Shows a stored session in the Chat view. */
  readonly showInChat: (view: SessionView) => Promise<void>;
}

export class SessionRecords implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly s: SessionRecordsServices) {
    const run = (fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } catch (err) {
        void vscode.window.showErrorMessage((err as Error).message);
      }
    };
    this.disposables = [
      vscode.commands.registerCommand('remoteAssist.exportSession', run(() => this.exportCurrent())),
      vscode.commands.registerCommand('remoteAssist.pastSessions', run(() => this.browse())),
    ];
  }

  /** The session in progress (or the last one) as markdown in an untitled editor. */
  private async exportCurrent(): Promise<void> {
    const active = this.s.sessions.active;
    const stored = active ? ChatLog.read(join(this.s.historyDir, chatLogFileName(active.model.sessionId))) : ChatLog.readAll(this.s.historyDir)[0];
    if (!stored) {
      void vscode.window.showInformationMessage('There is no Remote Assistance session to export yet.');
      return;
    }
    await this.export(stored);
  }

  private async export(stored: StoredSession): Promise<void> {
    const content = renderRecord(buildSessionRecord(stored, this.s.myName()));
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  private async browse(): Promise<void> {
    const all = ChatLog.readAll(this.s.historyDir);
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No Remote Assistance sessions are stored on this machine yet.');
      return;
    }
    const exportButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('markdown'), tooltip: 'Export Session as Markdown' };
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { stored: StoredSession }>();
    pick.title = 'Past Remote Assistance Sessions';
    pick.placeholder = 'Choose a session to show its chat; the button exports it as markdown';
    pick.items = all.map((stored) => {
      const h = stored.header;
      const messages = stored.entries.filter((e) => e.kind === 'message').length;
      return {
        label: h.role === 'sharer' ? `${h.peerName} helped you` : `You helped ${h.peerName}`,
        description: new Date(h.startedAt).toLocaleString(),
        detail: `${messages} message${messages === 1 ? '' : 's'}, ${stored.entries.length - messages} status line${stored.entries.length - messages === 1 ? '' : 's'}`,
        stored,
        buttons: [exportButton],
      };
    });
    const chosen = await new Promise<{ stored: StoredSession; action: 'show' | 'export' } | undefined>((resolve) => {
      pick.onDidTriggerItemButton(({ item }) => {
        resolve({ stored: item.stored, action: 'export' });
        pick.hide();
      });
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        resolve(item && { stored: item.stored, action: 'show' });
        pick.hide();
      });
      pick.onDidHide(() => {
        resolve(undefined);
        pick.dispose();
      });
      pick.show();
    });
    if (!chosen) return;
    if (chosen.action === 'export') return this.export(chosen.stored);
    if (this.s.sessions.active) {
      // the Chat view belongs to the live session: show the past one as its record instead
      await this.export(chosen.stored);
      return;
    }
    const h = chosen.stored.header;
    await this.s.showInChat({ sessionId: h.sessionId, role: h.role, peerName: h.peerName, phase: 'ended', control: 'viewOnly', statusLine: `Session with ${h.peerName}, ${new Date(h.startedAt).toLocaleString()} (ended)`, history: chosen.stored.entries });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
