/**
 * What the browser page reads from its address: everything secret travels in the fragment (`/join#id=…&
 * expires=…&join=…&secret=…`), which the browser never sends to any server, so no log ever holds it.
 */
import { z } from 'zod';

export const JoinLink = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed link id'),
  /** The password, when the link carries it; links shown to users leave it out (it travels apart). */
  secret: z.string().min(1).max(256).optional(),
  /** Expiry, ms since the epoch. */
  expiresAt: z.number().int().positive().optional(),
  /** The join password of a sharer's own server. */
  join: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'malformed join key').optional(),
});
export type JoinLink = z.infer<typeof JoinLink>;

/** The link in `hash` (location.hash), or a sentence saying why it cannot be used. */
export function parseJoinFragment(hash: string): { link: JoinLink } | { problem: string } {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  if (!q.get('id')) return { problem: 'This page needs the whole invitation link. Open the link you were sent, or paste it into the address bar.' };
  const expires = q.get('expires');
  const parsed = JoinLink.safeParse({
    id: q.get('id'),
    ...(q.get('secret') === null ? {} : { secret: q.get('secret') }),
    ...(expires === null ? {} : { expiresAt: Number(expires) }),
    ...(q.get('join') === null ? {} : { join: q.get('join') }),
  });
  if (!parsed.success) return { problem: `The invitation link is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}.` };
  return { link: parsed.data };
}

/** The sentence shown for a link the server refused, by the network's error code. */
export function refusalText(code: string, message: string): string {
  switch (code) {
    case 'ERR_BAD_SECRET':
      return 'The password is wrong. Check it with the person who invited you and try again.';
    case 'ERR_EXPIRED':
      return 'This invitation has expired. Ask for a new one.';
    case 'ERR_LINK_USED':
      return 'This invitation was already used. Ask for a new one.';
    case 'ERR_NO_SUCH_LINK':
      return 'This server does not know this invitation. Check that you opened the whole link.';
    case 'ERR_CONTACT_OFFLINE':
      return 'The person who invited you is not connected right now. The invitation stays valid: try again later.';
    case 'ERR_RATE_LIMITED':
      return 'Too many wrong passwords. Wait a few minutes, then try again.';
    case 'ERR_BAD_JOIN_PASSWORD':
      return 'This invitation link is damaged (its join key is wrong). Open the link exactly as you were sent it.';
    default:
      return `Could not join: ${message}`;
  }
}
