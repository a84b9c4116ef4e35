/** The helper's notification for a new invitation, with Accept and Decline, exactly as Windows asked. */
import * as vscode from 'vscode';
import type { NetworkClient } from '../network/NetworkClient';
import type { Logger } from '../common/logger';
import { SessionTexts as T } from '../session/SessionTexts';
import { userMessage } from './userErrors';

/** The line a device shows when another device of the same account answered first. */
export const answeredElsewhere = (sharer: string, status: 'accepted' | 'declined') => `${sharer}'s invitation was ${status} on another of your devices.`;

export class InvitationToasts implements vscode.Disposable {
  private readonly subscriptions: { dispose(): void }[] = [];
  /** Invitations whose toast is open here, unanswered. */
  private readonly open = new Set<string>();

  constructor(client: NetworkClient, log: Logger) {
    this.subscriptions.push(
      client.onDidReceiveInvitation(async (invitation) => {
        log.info(`invitation ${invitation.id} from ${invitation.from.alias}${invitation.note ? `: ${invitation.note}` : ''}`);
        this.open.add(invitation.id);
        // The exact sentence, then the sharer's note; attached details open from the toast or the Invitations view.
        const text = T.invitationToast(invitation.from.displayName) + (invitation.note ? ` “${invitation.note.replace(/\s+/g, ' ')}”` : '');
        const answer = await vscode.window.showInformationMessage(text, 'Accept', 'Decline', ...(invitation.hasProblem ? ['Show Problem'] : []));
        this.open.delete(invitation.id);
        if (answer === 'Show Problem') {
          await vscode.commands.executeCommand('remoteAssist.showProblem', invitation);
          return;
        }
        // answered meanwhile (Alt+T / Alt+D, the Invitations view, another device — which said so already) or expired
        if (client.invitations.find((i) => i.id === invitation.id)?.status !== 'pending') return;
        try {
          if (answer === 'Accept') await client.acceptInvitation(invitation.id);
          else if (answer === 'Decline') await client.declineInvitation(invitation.id);
        } catch (err) {
          void vscode.window.showErrorMessage(userMessage(err, invitation.from.displayName));
        }
      }),
      // VS Code cannot close a notification from code: the open toast is answered by a line saying who answered
      client.onDidChangeInvitation((invitation) => {
        if (!this.open.has(invitation.id) || (invitation.status !== 'accepted' && invitation.status !== 'declined')) return;
        if (invitation.to.alias !== client.account?.alias) return;
        this.open.delete(invitation.id);
        log.info(`invitation ${invitation.id} ${invitation.status} on another device`);
        void vscode.window.showInformationMessage(answeredElsewhere(invitation.from.displayName, invitation.status));
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
