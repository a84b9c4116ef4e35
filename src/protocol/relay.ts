/**
 * Sharer's extension ↔ helper's extension, through the assistance network's signaling relay (opaque to the
 * server). Carries the WebRTC signaling between the host process and the helper's viewer, and the session
 * events only the extensions know about. Each side validates what it receives with `decodeMessage`.
 */
import { z } from 'zod';

export const RelayMessage = z.discriminatedUnion('type', [
  /** A simple-peer signal object between the sharer's host process and the helper's viewer. */
  z.object({ type: z.literal('rtc'), payload: z.record(z.string(), z.unknown()) }),
  /** The sharer's side refused a control request: the machine does not allow it, or the sharer said No. */
  z.object({ type: z.literal('controlRefused'), reason: z.enum(['notAllowed', 'declined']) }),
  /** The helper's Settings: a quality preset the sharer's side applies to the running stream. */
  z.object({ type: z.literal('qualityRequest'), preset: z.enum(['Auto', 'Low', 'Balanced', 'Best']) }),
]);
export type RelayMessage = z.infer<typeof RelayMessage>;
/** Same bound as the network's signaling payload. */
export const RELAY_MESSAGE_MAX_BYTES = 32 * 1024;
