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
import { sharerStopKey } from '../common/waylandSession';

export class SessionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('remoteAssist.status', vscode.StatusBarAlignment.Left, 100);
  private sessionListener: IDisposable | undefined;
  /** Re-renders once a second while a timed grant counts down. */
  private ticker: ReturnType<typeof setInterval> | undefined;
  private current: ActiveSession | undefined;
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
    const counting = s !== undefined && s.phase !== 'ended' && s.controlEndsAt !== undefined;
    this.current = active;
    if (counting && !this.ticker) this.ticker = setInterval(() => this.render(this.current), 1000);
    else if (!counting && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    if (!s || s.phase === 'ended') {
      this.item.hide();
      return;
    }
    const peer = s.peerName;
    this.item.backgroundColor = undefined;
    if (s.role === 'sharer' && s.control === 'granted') {
      this.item.text = `$(remote) ${T.statusBarControl(peer, sharerStopKey())}${countdown(s.controlEndsAt)}`;
      this.item.tooltip = `${peer} controls your mouse and keyboard. Press ${sharerStopKey()} or click here (Stop Control) to stop.`;
      this.item.command = 'remoteAssist.stopControl';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (s.phase !== 'connected') {
      this.item.text = `$(sync~spin) ${s.statusLine}`;
      this.item.tooltip = s.statusLine;
      this.item.command = s.role === 'helper' ? 'remoteAssist.showPanel' : s.phase === 'reconnecting' ? 'remoteAssist.restartSharing' : undefined;
    } else if (s.role === 'sharer' && s.paused) {
      this.item.text = `$(debug-pause) ${T.statusBarPaused}`;
      this.item.tooltip = `${peer} sees the picture from before you paused. Click to resume sharing.`;
      this.item.command = 'remoteAssist.resumeSharing';
    } else if (s.role === 'sharer' && s.screenHidden) {
      this.item.text = `$(shield) ${T.statusBarScreenHidden}`;
      this.item.tooltip = T.screenHiddenBySecureDesktopSharer(peer);
      this.item.command = 'remoteAssist.disconnect';
    } else if (s.role === 'sharer') {
      this.item.text = `$(broadcast) ${T.statusBarSharing(peer)}`;
      this.item.tooltip = `${peer} sees your screen. Click to disconnect.`;
      this.item.command = 'remoteAssist.disconnect';
    } else {
      this.item.text = `$(vm-connect) ${s.control === 'granted' ? T.statusBarControlling(peer) + countdown(s.controlEndsAt) : T.statusBarViewing(peer)}`;
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
    clearInterval(this.ticker);
    this.sessionListener?.dispose();
    this.subscription.dispose();
    this.item.dispose();
  }
}

/** " · 14:59 left" while a timed grant runs. */
function countdown(endsAt: number | undefined): string {
  if (endsAt === undefined) return '';
  const seconds = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  return ` · ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left`;
}
