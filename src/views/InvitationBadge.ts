/** The badge on the Assistance icon: how many invitations wait for this user's answer. */
import * as vscode from 'vscode';
import type { InvitationItem, InvitationsTreeProvider } from './InvitationsTreeProvider';

export class InvitationBadge implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(invitations: InvitationsTreeProvider, view: vscode.TreeView<InvitationItem>) {
    const render = () => {
      const pending = invitations.open().filter((i) => i.incoming).length;
      // a view's badge shows on its container's activity bar icon
      view.badge = pending > 0 ? { value: pending, tooltip: pending === 1 ? '1 invitation waits for your answer' : `${pending} invitations wait for your answer` } : undefined;
    };
    this.subscription = invitations.onDidChangeTreeData(render);
    render();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
