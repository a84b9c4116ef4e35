/** Which invitations are still open for this user, incoming first: the Invitations view and its commands. */
import type { Invitation } from '../protocol/network';

export interface OpenInvitation {
  readonly invitation: Invitation;
  /** Sent to this user (Accept/Decline) rather than by them (Cancel). */
  readonly incoming: boolean;
}

/** Pending and unexpired only: accepted, declined, cancelled and expired ones leave the list. */
export function openInvitations(all: readonly Invitation[], myAlias: string | undefined, now = Date.now()): OpenInvitation[] {
  if (!myAlias) return [];
  const me = myAlias.toLowerCase();
  return all
    .filter((i) => i.status === 'pending' && i.expiresAt > now && (i.to.alias.toLowerCase() === me || i.from.alias.toLowerCase() === me))
    .map((invitation) => ({ invitation, incoming: invitation.to.alias.toLowerCase() === me }))
    .sort((a, b) => Number(b.incoming) - Number(a.incoming) || b.invitation.createdAt - a.invitation.createdAt);
}
