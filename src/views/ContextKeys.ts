/** The when-clause context keys the manifest uses, kept in step with the network and the session. */
import * as vscode from 'vscode';
import type { IDisposable } from '../common/lifecycle';
import type { AssistanceNetwork } from '../session/AssistanceNetwork';
import type { SessionCoordinator } from '../session/SessionCoordinator';
import type { InvitationsTreeProvider } from './InvitationsTreeProvider';

export class ContextKeys implements vscode.Disposable {
  private readonly subscriptions: IDisposable[] = [];
  private sessionListener: IDisposable | undefined;

  constructor(network: AssistanceNetwork, sessions: SessionCoordinator, invitations: InvitationsTreeProvider) {
    const set = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', `remoteAssist.${key}`, value);
    const session = () => {
      const s = sessions.active?.model;
      set('sessionActive', !!s && s.phase !== 'ended');
      set('role', s?.role ?? '');
      set('control', s?.control ?? '');
      set('paused', s?.paused ?? false);
    };
    const invites = () => {
      const open = invitations.open();
      set('hasIncomingInvitation', open.some((i) => i.incoming));
      set('hasOutgoingInvitation', open.some((i) => !i.incoming));
    };
    this.subscriptions.push(
      network.onDidChangeSignedIn((on) => {
        set('signedIn', on);
        invites();
      }),
      invitations.onDidChangeTreeData(invites),
      sessions.onDidChangeActive((active) => {
        this.sessionListener?.dispose();
        this.sessionListener = active?.model.onDidChange(session);
        session();
      }),
    );
    set('signedIn', network.signedIn);
    session();
    invites();
  }

  dispose(): void {
    this.sessionListener?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
