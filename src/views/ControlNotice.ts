/**
 * While the helper controls this machine the sharer gets a notification naming the helper and how to stop
 * (ESC — on Wayland VS Code's Ctrl+Alt+End — or Stop Control), besides the status bar item.
 */
import * as vscode from 'vscode';
import type { IDisposable } from '../common/lifecycle';
import type { SessionCoordinator } from '../session/SessionCoordinator';
import { SessionTexts as T } from '../session/SessionTexts';
import { sharerStopKey } from '../common/waylandSession';

export class ControlNotice implements vscode.Disposable {
  private sessionListener: IDisposable | undefined;
  private readonly subscription: IDisposable;

  constructor(sessions: SessionCoordinator) {
    this.subscription = sessions.onDidChangeActive((active) => {
      this.sessionListener?.dispose();
      if (!active || active.model.role !== 'sharer') return;
      let wasGranted = false;
      this.sessionListener = active.model.onDidChange((view) => {
        const granted = view.control === 'granted';
        if (granted && !wasGranted) {
          void vscode.window.showWarningMessage(T.controlGrantedSharer(view.peerName, sharerStopKey()), 'Stop Control').then((choice) => {
            if (choice && active.model.control === 'granted') active.stopControl();
          });
        }
        wasGranted = granted;
      });
    });
  }

  dispose(): void {
    this.sessionListener?.dispose();
    this.subscription.dispose();
  }
}
