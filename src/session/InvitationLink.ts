/**
 * Invitation links as they travel by e-mail or chat: `vscode://remote-assist.remote-assist/redeem?server=…&
 * id=…&secret=…&expires=…&join=…` (the server writes server, id and secret; the extension adds the expiry so
 * the helper sees it before connecting, and for its own server the key to sign in there). Everything in a
 * link is untrusted input.
 */
import { z } from 'zod';

export const LINK_AUTHORITY = 'remote-assist.remote-assist';
const LINK_PATHS = ['/redeem', '/join'];

export const InvitationLink = z.object({
  /** ws:// or wss:// address of the server holding the link (a team server or the sharer's own machine). */
  server: z.string().max(512).refine((s) => /^wss?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(s), 'server must be a ws:// or wss:// address'),
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed link id'),
  /** The password, when the link carries it; links shown to users leave it out (it travels apart). */
  secret: z.string().min(1).max(256).optional(),
  /** Expiry, ms since the epoch, when the link says. */
  expiresAt: z.number().int().positive().optional(),
  /** The join password of a sharer's own server: only holders of a link may create accounts there. */
  join: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'malformed join key').optional(),
  /** SHA-256 of the server's certificate (hex): the helper trusts that certificate and no other. */
  fp: z.string().regex(/^[0-9a-f]{64}$/, 'malformed certificate fingerprint').optional(),
}).refine((link) => link.fp === undefined || link.server.startsWith('wss://'), 'a certificate fingerprint needs a wss:// server');
export type InvitationLink = z.infer<typeof InvitationLink>;

export class InvitationLinkError extends Error {
  readonly code = 'ERR_BAD_LINK';
  constructor(message: string) {
    super(message);
    this.name = 'InvitationLinkError';
  }
}

/** Parses a pasted link (the vscode:// form or the bare query); throws InvitationLinkError on anything else. */
export function parseInvitationLink(text: string): InvitationLink {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 4096) throw new InvitationLinkError('Paste the whole invitation link.');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvitationLinkError('This is not an invitation link.');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!/^(vscode|vscode-insiders|code-oss|vscodium)$/.test(scheme) || url.host !== LINK_AUTHORITY || !LINK_PATHS.includes(url.pathname)) {
    throw new InvitationLinkError('This is not a Remote Assist invitation link.');
  }
  const q = url.searchParams;
  const expires = q.get('expires');
  const parsed = InvitationLink.safeParse({
    server: q.get('server') ?? '',
    id: q.get('id') ?? '',
    ...(q.get('secret') === null ? {} : { secret: q.get('secret') }),
    ...(expires === null ? {} : { expiresAt: Number(expires) }),
    ...(q.get('join') === null ? {} : { join: q.get('join') }),
    ...(q.get('fp') === null ? {} : { fp: q.get('fp') }),
  });
  if (!parsed.success) throw new InvitationLinkError(`The invitation link is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

/** Parses the query of a URI the URI handler received (`path` and `query` as VS Code gives them). */
export function parseInvitationUri(path: string, query: string): InvitationLink {
  return parseInvitationLink(`vscode://${LINK_AUTHORITY}${path}?${query}`);
}

/** The link to send: the server's own link plus its expiry (and, for a sharer's own server, its join key and certificate fingerprint). */
export function formatInvitationLink(serverUrl: string, expiresAt: number, join?: string, fingerprint?: string): string {
  const url = new URL(serverUrl);
  url.searchParams.set('expires', String(expiresAt));
  if (join !== undefined) url.searchParams.set('join', join);
  if (fingerprint !== undefined) url.searchParams.set('fp', fingerprint);
  return url.toString();
}

export function isExpired(link: InvitationLink, now = Date.now()): boolean {
  return link.expiresAt !== undefined && link.expiresAt <= now;
}

/** "12 min left", "2 h 5 min left", "expired". */
export function timeLeft(expiresAt: number, now = Date.now()): string {
  const ms = expiresAt - now;
  if (ms <= 0) return 'expired';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min left` : `${hours} h left`;
}

/**
 * The same invitation as a web address for a helper without VS Code: the server's /join page, with the link id,
 * expiry and join key in the fragment (browsers never send it, so no server log holds them). Like the vscode://
 * link it carries no password unless `withSecret`.
 */
export function browserLink(link: InvitationLink, withSecret = false): string {
  const page = new URL(link.server);
  page.protocol = page.protocol === 'wss:' ? 'https:' : 'http:';
  page.pathname = '/join';
  page.search = '';
  const fragment = new URLSearchParams({ id: link.id });
  if (link.expiresAt !== undefined) fragment.set('expires', String(link.expiresAt));
  if (link.join !== undefined) fragment.set('join', link.join);
  if (withSecret && link.secret !== undefined) fragment.set('secret', link.secret);
  page.hash = fragment.toString();
  return page.toString();
}
