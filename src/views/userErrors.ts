/** Turns errors with stable codes into sentences a user can act on. */
import { NetworkError } from '../network/NetworkError';

const NETWORK_TEXTS: Partial<Record<NetworkError['code'], string>> = {
  ERR_CONTACT_OFFLINE: 'That contact is offline. Invitations go only to contacts who are online.',
  ERR_IN_SESSION: 'You are already in a Remote Assistance session. Disconnect it first.',
  ERR_ALIAS_TAKEN: 'That alias is taken on this server. If it is yours, run "Sign In with a Code from Another Device…" with a code from your signed-in device or your administrator; otherwise choose another one.',
  ERR_BAD_TOKEN: 'This device is no longer signed in to the server. Sign in again.',
  ERR_BAD_JOIN_PASSWORD: 'The server\'s join password is wrong.',
  ERR_NO_SUCH_USER: 'Nobody with that alias is on this server.',
  ERR_SELF: 'That is you.',
  ERR_ALREADY_CONTACT: 'That person is already a contact (or a request is pending).',
  ERR_BAD_SECRET: 'The invitation password is wrong.',
  ERR_LINK_USED: 'This invitation link has already been used. Ask for a new one.',
  ERR_EXPIRED: 'This invitation has expired. Ask for a new one.',
  ERR_NO_SUCH_LINK: 'This invitation link does not exist on its server (it may have expired).',
  ERR_INVITATION_CLOSED: 'This invitation is no longer open.',
  ERR_NO_SUCH_INVITATION: 'This invitation no longer exists.',
  ERR_NO_PROBLEM: 'Nothing was attached to this invitation.',
  ERR_RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
  ERR_BAD_CODE: 'That code is wrong, used or expired. Ask your signed-in device for a new one ("Add Another Device…").',
  ERR_ACCOUNT_DISABLED: 'Your account is disabled on this server. Ask the server\'s administrator.',
  ERR_NO_SUCH_DEVICE: 'That device is not signed in any more.',
  ERR_CONNECTION_LOST: 'The connection to the assistance server was lost.',
  ERR_NOT_CONNECTED: 'You are not connected to an assistance server.',
  ERR_OIDC_DISABLED: 'This assistance server does not offer company sign-in. Use "Sign In…" or a code from another device.',
  ERR_OIDC_UNAVAILABLE: 'The assistance server could not reach your company\'s identity provider. Try again later.',
  ERR_NOT_ADMIN: 'You are not an administrator of this assistance server.',
  ERR_TIMEOUT: 'The assistance server did not answer in time.',
  ERR_STORE_UNAVAILABLE: 'The assistance server cannot reach its database at the moment. Nothing was changed; try again in a minute.',
};

/** `contact`: the display name of the person the failed request was about, where there is one. */
export function userMessage(err: unknown, contact?: string): string {
  if (err instanceof NetworkError && err.code === 'ERR_CONTACT_BUSY') return `${contact ?? 'That contact'} is helping someone else.`;
  if (err instanceof NetworkError) return NETWORK_TEXTS[err.code] ?? `${err.message} (${err.code})`;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'Could not reach the assistance server: nothing is listening at that address.';
    return err.message;
  }
  return String(err);
}
