import { MAX_MESSAGE_BYTES } from '../protocol/network';

/** Every limit the server enforces, with safe defaults; each can be overridden in ServerOptions.limits. */
export interface Limits {
  /** Messages above this get ERR_TOO_LARGE (the connection stays); the size is checked before any parsing. */
  maxMessageBytes: number;
  /** Frames above this close the connection (1009): nobody sends that much by mistake. */
  maxFrameBytes: number;
  maxConnections: number;
  /**
   * WebSockets from one network address (above: closed with 1013). Well under maxConnections, so one address
   * cannot fill the server, and well above one person's few, since a whole office can sit behind one NAT.
   */
  maxConnectionsPerAddress: number;
  /** TCP sockets of one address that have not (yet) become WebSockets: half-open or silent ones. */
  maxPendingSocketsPerAddress: number;
  /** A TCP connection must have sent its request headers within this time (also one that never speaks). */
  headersTimeoutMs: number;
  maxConnectionsPerAccount: number;
  /** Per-connection request rate (token bucket); excess requests get ERR_RATE_LIMITED. */
  messagesPerSecond: number;
  messageBurst: number;
  /** A connection with this many refused requests (rate, size, malformed) within abuseWindowMs is closed as abusive. */
  abuseThreshold: number;
  abuseWindowMs: number;
  /** Bytes queued for one connection that it is not reading; past this it is closed (a reader that stopped). */
  maxQueuedBytes: number;
  /** Ping interval; a connection that misses one pong is closed (offline within 2 intervals). */
  heartbeatMs: number;
  /** Sign-ins one process runs at once; more wait their turn (a reconnect storm queues instead of stalling the event loop). */
  maxConcurrentSignIns: number;
  /** A connection must sign in within this time. */
  signInTimeoutMs: number;
  /** New accounts from one network address within accountWindowMs (a whole office may join on one morning). */
  accountsPerAddress: number;
  accountWindowMs: number;
  /** Wrong join passwords or device tokens from one network address within signInFailureWindowMs. */
  signInFailuresPerAddress: number;
  signInFailureWindowMs: number;
  /** Company sign-ins (oidcChallenge, each a nonce kept 15 minutes) one network address may start within signInFailureWindowMs. */
  oidcChallengesPerAddress: number;
  /** A session ends when one party's client stays away longer than this. */
  sessionGraceMs: number;
  maxPendingInvitationsPerAccount: number;
  /** Invitations (answered, cancelled or not) from one account to one contact, and from one account in all, within invitationWindowMs. */
  invitationsPerPair: number;
  invitationsPerSender: number;
  invitationWindowMs: number;
  /** Contact requests one account may send within contactRequestWindowMs. */
  contactRequestsPerAccount: number;
  contactRequestWindowMs: number;
  /** Wrong link secrets tolerated per guesser — per link and account, per account, per network address — within linkFailureWindowMs. */
  linkFailuresPerLink: number;
  linkFailuresPerAccount: number;
  linkFailuresPerAddress: number;
  linkFailureWindowMs: number;
  /** Longest life of an invitation or a link a client may ask for. */
  maxLinkExpiryMs: number;
  /** Closed invitations stay listed this long. */
  closedInvitationRetentionMs: number;
  /** A one-time device code ("Add Another Device…") lives this long; an account may make deviceCodesPerWindow of them per deviceCodeWindowMs. */
  deviceCodeTtlMs: number;
  deviceCodesPerWindow: number;
  deviceCodeWindowMs: number;
}

export const defaultLimits: Limits = {
  maxMessageBytes: MAX_MESSAGE_BYTES,
  // twice the largest message: a bigger frame closes its connection as soon as its header is read
  maxFrameBytes: 2 * MAX_MESSAGE_BYTES,
  maxConnections: 20_000,
  maxConnectionsPerAddress: 500,
  maxPendingSocketsPerAddress: 64,
  headersTimeoutMs: 10_000,
  maxConnectionsPerAccount: 8,
  messagesPerSecond: 20,
  messageBurst: 60,
  abuseThreshold: 100,
  abuseWindowMs: 10_000,
  maxQueuedBytes: 8 * 1024 * 1024,
  heartbeatMs: 10_000,
  maxConcurrentSignIns: 32,
  signInTimeoutMs: 15_000,
  accountsPerAddress: 100,
  accountWindowMs: 3600_000,
  signInFailuresPerAddress: 20,
  signInFailureWindowMs: 10 * 60_000,
  oidcChallengesPerAddress: 100,
  sessionGraceMs: 60_000,
  maxPendingInvitationsPerAccount: 20,
  invitationsPerPair: 5,
  invitationsPerSender: 60,
  invitationWindowMs: 10 * 60_000,
  contactRequestsPerAccount: 50,
  contactRequestWindowMs: 3600_000,
  linkFailuresPerLink: 5,
  linkFailuresPerAccount: 10,
  linkFailuresPerAddress: 30,
  linkFailureWindowMs: 10 * 60_000,
  maxLinkExpiryMs: 7 * 24 * 3600_000,
  closedInvitationRetentionMs: 24 * 3600_000,
  deviceCodeTtlMs: 5 * 60_000,
  deviceCodesPerWindow: 5,
  deviceCodeWindowMs: 10 * 60_000,
};
