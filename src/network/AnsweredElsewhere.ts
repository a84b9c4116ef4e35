import type { Invitation } from '../protocol/network';
import { Disposable, Emitter } from '../common/lifecycle';
import type { NetworkClient } from './NetworkClient';

/**
 * One person, several devices: every device is shown the invitation, the first to answer wins. This tells a
 * device when another device of the same account accepted or declined an invitation it was shown, so it can
 * say so (VS Code cannot close a notification from code).
 */
export class AnsweredElsewhere extends Disposable {
  /** Invitations to this account that this device was shown and that are still open. */
  private readonly shown = new Set<string>();
  private readonly _onDidAnswerElsewhere = this.register(new Emitter<Invitation & { status: 'accepted' | 'declined' }>());
  readonly onDidAnswerElsewhere = this._onDidAnswerElsewhere.event;

  constructor(client: NetworkClient) {
    super();
    this.register(client.onDidReceiveInvitation((invitation) => this.shown.add(invitation.id)));
    this.register(
      client.onDidChangeInvitation((invitation) => {
        if (invitation.status === 'pending' || !this.shown.delete(invitation.id)) return;
        if (invitation.status !== 'accepted' && invitation.status !== 'declined') return;
        if (invitation.to.alias !== client.account?.alias || client.answeredHere(invitation.id)) return;
        this._onDidAnswerElsewhere.fire({ ...invitation, status: invitation.status });
      }),
    );
  }
}
