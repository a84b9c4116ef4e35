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
      // The exact sentence; the note is shown with the invitation in the Invitations view.
      const answer = await vscode.window.showInformationMessage(T.invitationToast(invitation.from.displayName), 'Accept', 'Decline');
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
