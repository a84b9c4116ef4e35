/**
 * Clipboard sync with consent: text only, per direction, off until the sharer turns a direction on for this
 * session, at most CLIPBOARD_MAX_BYTES of UTF-8 per transfer. The sharer's host enforces all of it; the
 * helper and its viewer only carry text.
 */
import { z } from 'zod';

/** The negotiated data channel between the host and the helper's viewer. */
export const CLIPBOARD_CHANNEL = { label: 'clipboard', id: 14, ordered: true } as const;

/** Most UTF-8 bytes one transfer may carry (it fits every seam it crosses with its JSON framing). */
export const CLIPBOARD_MAX_BYTES = 32 * 1024;
/**
 * What a channel message may carry at all: more than the limit, so that text over it reaches the sharer's
 * host and is refused there with ERR_CLIPBOARD_TOO_LARGE (anything bigger still is refused unread). Below
 * the 256 KiB a WebRTC data channel message may have.
 */
export const CLIPBOARD_TEXT_MAX_CHARS = 64 * 1024;
export const CLIPBOARD_MESSAGE_MAX_BYTES = 192 * 1024;

export const ClipboardDirection = z.enum(['toHelper', 'toSharer']);
export type ClipboardDirection = z.infer<typeof ClipboardDirection>;

export const ClipboardErrorCode = z.enum([
  'ERR_CLIPBOARD_OFF', // the sharer has not turned this direction on in this session
  'ERR_CLIPBOARD_TOO_LARGE', // more than CLIPBOARD_MAX_BYTES
  'ERR_CLIPBOARD_UNAVAILABLE', // the sharer's system clipboard cannot be read or written (no xclip, no display)
]);
export type ClipboardErrorCode = z.infer<typeof ClipboardErrorCode>;

const Bytes = z.number().int().min(0).max(1 << 30);
const Allowed = z.object({ toHelper: z.boolean(), toSharer: z.boolean() });
export type ClipboardAllowed = z.infer<typeof Allowed>;

/** Between the host and the helper's viewer, both ways (each side accepts only its own kinds). */
export const PeerClipboardMessage = z.discriminatedUnion('type', [
  /** Clipboard text: host → viewer (the sharer copied it) or viewer → host (the helper sent theirs). */
  z.object({ type: z.literal('clipboardText'), text: z.string().max(CLIPBOARD_TEXT_MAX_CHARS) }),
  /** Host → viewer: the helper's text was put on the sharer's clipboard. */
  z.object({ type: z.literal('clipboardAccepted'), bytes: Bytes }),
  /** Host → viewer: the helper's text was refused, and why. */
  z.object({ type: z.literal('clipboardRefused'), code: ClipboardErrorCode, bytes: Bytes }),
  /** Host → viewer: which directions the sharer allows now. */
  z.object({ type: z.literal('clipboardAllowed'), allowed: Allowed }),
]);
export type PeerClipboardMessage = z.infer<typeof PeerClipboardMessage>;

/** Extension → the host's clipboard service. */
export const ClipboardServiceCommand = z.discriminatedUnion('type', [z.object({ type: z.literal('allow'), allowed: Allowed })]);
export type ClipboardServiceCommand = z.infer<typeof ClipboardServiceCommand>;

/** The host's clipboard service → extension: every transfer and refusal, for the sharer's history. */
export const ClipboardServiceEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('transferred'), direction: ClipboardDirection, bytes: Bytes }),
  z.object({ type: z.literal('refused'), direction: ClipboardDirection, bytes: Bytes, code: ClipboardErrorCode, message: z.string().max(500) }),
]);
export type ClipboardServiceEvent = z.infer<typeof ClipboardServiceEvent>;

/** The host service's name on the extension ↔ host seam. */
export const CLIPBOARD_SERVICE = 'clipboard';

/** UTF-8 size of `text`, as the limit counts it. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}
