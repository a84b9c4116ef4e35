/** The helper's notification for a new invitation, with Accept and Decline, exactly as Windows asked. */
import * as vscode from 'vscode';
import type { NetworkClient } from '../network/NetworkClient';
import type { Logger } from '../common/logger';
import { SessionTexts as T } from '../session/SessionTexts';
import { userMessage } from './userErrors';

export class InvitationToasts implements vscode.Disposable {
  private readonly subscription: { dispose(): void };

  constructor(client: NetworkClient, log: Logger) {
    this.subscription = client.onDidReceiveInvitation(async (invitation) => {
      log.info(`invitation ${invitation.id} from ${invitation.from.alias}${invitation.note ? `: ${invitation.note}` : ''}`);
      // The exact sentence, then the sharer's note; attached details open from the toast or the Invitations view.
      const text = T.invitationToast(invitation.from.displayName) + (invitation.note ? ` “${invitation.note.replace(/\s+/g, ' ')}”` : '');
      const answer = await vscode.window.showInformationMessage(text, 'Accept', 'Decline', ...(invitation.hasProblem ? ['Show Problem'] : []));
      if (answer === 'Show Problem') {
        await vscode.commands.executeCommand('remoteAssist.showProblem', invitation);
        return;
      }
      // answered meanwhile (Alt+T / Alt+D, the Invitations view, another device) or expired: nothing to do
      if (client.invitations.find((i) => i.id === invitation.id)?.status !== 'pending') return;
      try {
        if (answer === 'Accept') await client.acceptInvitation(invitation.id);
        else if (answer === 'Decline') await client.declineInvitation(invitation.id);
      } catch (err) {
        void vscode.window.showErrorMessage(userMessage(err));
      }
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
