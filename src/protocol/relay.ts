/**
 * Sharer's extension ↔ helper's extension, through the assistance network's signaling relay (opaque to the
 * server). Carries the WebRTC signaling between the host process and the helper's viewer, and the session
 * events only the extensions know about. Each side validates what it receives with `decodeMessage`.
 */
import { z } from 'zod';

export const RelayMessage = z.discriminatedUnion('type', [
  /** A simple-peer signal object between the sharer's host process and the helper's viewer. */
  /** `epoch` counts the sharer's peer connections in this session: a higher one means a new connection. */
  z.object({ type: z.literal('rtc'), payload: z.record(z.string(), z.unknown()), epoch: z.number().int().min(0).max(1_000_000).optional() }),
  /**
   * The helper's side lost its peer connection (or its panel reloaded) and asks for a new one. `fresh`: the
   * helper's window reloaded, so no connection on its way can reach it: the sharer starts a new one at once.
   */
  z.object({ type: z.literal('rejoin'), fresh: z.boolean().optional() }),
  /** This side's VS Code window is reloading or closing: the session waits for it for the server's grace period. */
  z.object({ type: z.literal('away') }),
  /** The sharer's window reloaded and the sharer chose not to resume sharing: the session ends. */
  z.object({ type: z.literal('resumeDeclined') }),
  /**
   * The sharer's side refused a control request: the machine does not allow it, the sharer said No, the host
   * cannot apply input here (view only), or the question went unanswered.
   */
  z.object({ type: z.literal('controlRefused'), reason: z.enum(['notAllowed', 'declined', 'unavailable', 'timedOut']) }),
  /** The sharer did not answer the consent question in time; the session ends right after. */
  z.object({ type: z.literal('consentTimedOut') }),
  /** The helper's Settings: a quality preset the sharer's side applies to the running stream. */
  z.object({ type: z.literal('qualityRequest'), preset: z.enum(['Auto', 'Low', 'Balanced', 'Best']) }),
]);
export type RelayMessage = z.infer<typeof RelayMessage>;
/** Same bound as the network's signaling payload. */
export const RELAY_MESSAGE_MAX_BYTES = 32 * 1024;
