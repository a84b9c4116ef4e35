/**
 * ICE servers and the connection path, as they cross process boundaries: server → client (a session's
 * STUN/TURN servers with time-limited TURN credentials), extension → host process, extension → panel, and
 * back the path each side's getStats reports as selected (host → extension, panel → extension).
 */
import { z } from 'zod';

const HOST = String.raw`(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)`;
const PORT = String.raw`(?::(\d{1,5}))?`;
const STUN_URL = new RegExp(`^stuns?:${HOST}${PORT}$`);
const TURN_URL = new RegExp(`^turns?:${HOST}${PORT}(?:\\?transport=(?:udp|tcp))?$`);

function portInRange(url: string): boolean {
  const port = /:(\d{1,5})(?:\?|$)/.exec(url.replace(/^\w+:/, ''))?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** stun:host[:port] (RFC 7064). */
export const StunUrl = z
  .string()
  .max(300)
  .regex(STUN_URL, 'a STUN URL is stun:host[:port]')
  .refine(portInRange, 'port must be 1-65535');
/** turn:host[:port][?transport=udp|tcp] or turns:host[:port][?transport=tcp] (RFC 7065). */
export const TurnUrl = z
  .string()
  .max(300)
  .regex(TURN_URL, 'a TURN URL is turn:host[:port][?transport=udp|tcp] or turns:host[:port]')
  .refine(portInRange, 'port must be 1-65535');
export const IceUrl = z.union([StunUrl, TurnUrl]);

/** One RTCIceServer. TURN entries carry credentials (short-lived ones from the assistance server). */
export const IceServer = z.strictObject({
  urls: z.array(IceUrl).min(1).max(8),
  username: z.string().min(1).max(256).optional(),
  credential: z.string().min(1).max(256).optional(),
});
export type IceServer = z.infer<typeof IceServer>;
export const IceServers = z.array(IceServer).max(8);

export const CandidateType = z.enum(['host', 'srflx', 'prflx', 'relay']);
export type CandidateType = z.infer<typeof CandidateType>;

/**
 * The selected candidate pair as one side's getStats reports it. `relayProtocol` is how this side reaches
 * its TURN server (only when its own candidate is a relay); `rttMs` the pair's current round trip.
 */
export const ConnectionPath = z.strictObject({
  local: CandidateType,
  remote: CandidateType,
  /** Transport between the two candidates. */
  protocol: z.enum(['udp', 'tcp']),
  relayProtocol: z.enum(['udp', 'tcp', 'tls']).optional(),
  rttMs: z.number().min(0).max(600_000).optional(),
});
export type ConnectionPath = z.infer<typeof ConnectionPath>;
