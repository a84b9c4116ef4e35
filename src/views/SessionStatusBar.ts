/**
 * The status bar item: the session's state at a glance. While the helper controls this machine it turns to
 * a warning colour, names the helper and says how to stop; clicking it stops control. Once connected it also
 * says which path the connection takes (Direct, or Relayed through TURN) and the round trip.
 */
import * as vscode from 'vscode';
import { pathDetail, pathSummary } from '../common/connectionPath';
import { DisposableStore, type IDisposable } from '../common/lifecycle';
import type { ActiveSession } from '../session/ActiveSession';
import type { SessionCoordinator } from '../session/SessionCoordinator';
import { SessionTexts as T } from '../session/SessionTexts';

export class SessionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('remoteAssist.status', vscode.StatusBarAlignment.Left, 100);
  private sessionListener: IDisposable | undefined;
  private readonly subscription: IDisposable;

  constructor(sessions: SessionCoordinator) {
    this.item.name = 'Remote Assist';
    this.subscription = sessions.onDidChangeActive((active) => this.follow(active));
    this.follow(sessions.active);
  }

  private follow(active: ActiveSession | undefined): void {
    this.sessionListener?.dispose();
    if (active) {
      const listeners = new DisposableStore();
      listeners.add(active.model.onDidChange(() => this.render(active)));
      listeners.add(active.onDidChangePath(() => this.render(active)));
      this.sessionListener = listeners;
    } else this.sessionListener = undefined;
    this.render(active);
  }

  private render(active: ActiveSession | undefined): void {
    const s = active?.model;
    if (!s || s.phase === 'ended') {
      this.item.hide();
      return;
    }
    const peer = s.peerName;
    this.item.backgroundColor = undefined;
    if (s.role === 'sharer' && s.control === 'granted') {
      this.item.text = `$(remote) ${T.statusBarControl(peer)}`;
      this.item.tooltip = `${peer} controls your mouse and keyboard. Press ESC or click here (Stop Control) to stop.`;
      this.item.command = 'remoteAssist.stopControl';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (s.phase !== 'connected') {
      this.item.text = `$(sync~spin) ${s.statusLine}`;
      this.item.tooltip = s.statusLine;
      this.item.command = s.role === 'helper' ? 'remoteAssist.showPanel' : s.phase === 'reconnecting' ? 'remoteAssist.restartSharing' : undefined;
    } else if (s.role === 'sharer') {
      this.item.text = `$(broadcast) ${T.statusBarSharing(peer)}`;
      this.item.tooltip = `${peer} sees your screen. Click to disconnect.`;
      this.item.command = 'remoteAssist.disconnect';
    } else {
      this.item.text = `$(vm-connect) ${s.control === 'granted' ? T.statusBarControlling(peer) : T.statusBarViewing(peer)}`;
      this.item.tooltip = 'Show the Remote Assistance panel';
      this.item.command = 'remoteAssist.showPanel';
    }
    const path = active.path;
    if (path && s.phase === 'connected') {
      this.item.text += ` · ${pathSummary(path)}`;
      this.item.tooltip = `${this.item.tooltip}\n${pathDetail(path)}`;
    }
    this.item.accessibilityInformation = { label: `Remote Assist: ${this.item.text.replace(/\$\([^)]*\)\s*/g, '')}` };
    this.item.show();
  }

  dispose(): void {
    this.sessionListener?.dispose();
    this.subscription.dispose();
    this.item.dispose();
  }
}
