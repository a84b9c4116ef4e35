import { MAX_MESSAGE_BYTES } from '../protocol/network';

/** Every limit the server enforces, with safe defaults; each can be overridden in ServerOptions.limits. */
export interface Limits {
  /** Messages above this get ERR_TOO_LARGE (the connection stays). */
  maxMessageBytes: number;
  /** Frames above this close the connection (1009): nobody sends that much by mistake. */
  maxFrameBytes: number;
  maxConnections: number;
  maxConnectionsPerAccount: number;
  /** Per-connection request rate (token bucket); excess requests get ERR_RATE_LIMITED. */
  messagesPerSecond: number;
  messageBurst: number;
  /** A connection refused this many requests in a row of rate-limit windows is closed as abusive. */
  abuseThreshold: number;
  /** Ping interval; a connection that misses one pong is closed (offline within 2 intervals). */
  heartbeatMs: number;
  /** A connection must sign in within this time. */
  signInTimeoutMs: number;
  /** A session ends when one party's client stays away longer than this. */
  sessionGraceMs: number;
  maxPendingInvitationsPerAccount: number;
  /** Wrong link secrets tolerated per link, per account and per network address within linkFailureWindowMs. */
  linkFailuresPerLink: number;
  linkFailuresPerAccount: number;
  linkFailuresPerAddress: number;
  linkFailureWindowMs: number;
  /** Longest life of an invitation or a link a client may ask for. */
  maxLinkExpiryMs: number;
  /** Closed invitations stay listed this long. */
  closedInvitationRetentionMs: number;
}

export const defaultLimits: Limits = {
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxFrameBytes: 1024 * 1024,
  maxConnections: 20_000,
  maxConnectionsPerAccount: 8,
  messagesPerSecond: 20,
  messageBurst: 60,
  abuseThreshold: 200,
  heartbeatMs: 10_000,
  signInTimeoutMs: 15_000,
  sessionGraceMs: 30_000,
  maxPendingInvitationsPerAccount: 20,
  linkFailuresPerLink: 5,
  linkFailuresPerAccount: 10,
  linkFailuresPerAddress: 30,
  linkFailureWindowMs: 10 * 60_000,
  maxLinkExpiryMs: 7 * 24 * 3600_000,
  closedInvitationRetentionMs: 24 * 3600_000,
};
