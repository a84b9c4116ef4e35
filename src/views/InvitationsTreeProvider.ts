/** The Invitations view: incoming and outgoing invitations still open, with the note and time left. */
import * as vscode from 'vscode';
import type { NetworkClient } from '../network/NetworkClient';
import type { Invitation } from '../protocol/network';
import { timeLeft } from '../session/InvitationLink';
import { OpenInvitation, openInvitations } from '../session/OpenInvitations';

export class InvitationItem extends vscode.TreeItem {
  constructor(
    readonly invitation: Invitation,
    readonly incoming: boolean,
  ) {
    const who = incoming ? invitation.from.displayName : invitation.to.displayName;
    super(incoming ? `From ${who}` : `To ${who}`, vscode.TreeItemCollapsibleState.None);
    const left = timeLeft(invitation.expiresAt);
    this.id = `invitation:${invitation.id}`;
    this.description = [invitation.note && `“${invitation.note}”`, left].filter(Boolean).join(' · ');
    this.tooltip = `${incoming ? `${who} is asking you for help.` : `Waiting for ${who} to answer.`}${invitation.note ? `\n${invitation.note}` : ''}${invitation.hasProblem ? '\nDetails of the problem are attached: click to read them.' : ''}\n${left}`;
    this.accessibilityInformation = { label: `${incoming ? 'Invitation from' : 'Invitation to'} ${who}${invitation.note ? `: ${invitation.note}` : ''}, ${left}` };
    this.contextValue = `${incoming ? 'invitation.incoming' : 'invitation.outgoing'}${invitation.hasProblem ? '.problem' : ''}`;
    // clicking an invitation with a problem attached opens it (read-only), before accepting
    if (invitation.hasProblem) this.command = { command: 'remoteAssist.showProblem', title: 'Show Problem', arguments: [invitation] };
    this.iconPath = new vscode.ThemeIcon(incoming ? 'mail' : 'send');
  }
}

export class InvitationsTreeProvider implements vscode.TreeDataProvider<InvitationItem>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly subscriptions: { dispose(): void }[];
  // "Time left" moves on even when nothing else changes.
  private readonly timer = setInterval(() => this._onDidChangeTreeData.fire(), 30_000);

  constructor(private readonly client: NetworkClient) {
    const refresh = () => this._onDidChangeTreeData.fire();
    this.subscriptions = [client.onDidReceiveInvitation(refresh), client.onDidChangeInvitation(refresh), client.onDidChangeConnectionState(refresh)];
  }

  /** Open invitations: pending and not yet expired. */
  open(): OpenInvitation[] {
    return this.client.connectionState === 'signedIn' ? openInvitations(this.client.invitations, this.client.account?.alias) : [];
  }

  getTreeItem(item: InvitationItem): vscode.TreeItem {
    return item;
  }

  getChildren(): InvitationItem[] {
    return this.open().map(({ invitation, incoming }) => new InvitationItem(invitation, incoming));
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this._onDidChangeTreeData.dispose();
  }
}
