/**
 * The assistance network protocol: every message between a NetworkClient and the server.
 * Client → server messages are requests carrying a numeric `id`; the server answers each with exactly one
 * reply (`ok`, `error` or a typed result) carrying the same `id`. Events pushed by the server carry no `id`.
 * Both ends validate with `decodeMessage(ClientMessage | ServerMessage, text, MAX_MESSAGE_BYTES)`.
 */
import { z } from 'zod';
import { ProblemBundle } from './bundle';
import { IceServers } from './ice';

/** Largest message either side accepts (bytes of JSON text); larger ones get ERR_TOO_LARGE. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Largest opaque signaling payload (characters); bounds what one peer can push through the server. */
export const MAX_SIGNAL_PAYLOAD = 32 * 1024;
/** Longest invitation note. */
export const MAX_NOTE_LENGTH = 500;

// ---------------------------------------------------------------------------------------------------------
// Building blocks

/** An account's unique name: 2–32 letters, digits, dot, dash or underscore; compared case-insensitively. */
export const Alias = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/, 'alias must be 2-32 letters, digits, ".", "_" or "-"');
/**
 * What a display name must not contain, as contacts see it on one line: control and format characters,
 * line and paragraph separators (U+2028, U+2029), private-use characters, lone surrogates and noncharacters.
 */
export const DISPLAY_NAME_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Noncharacter_Code_Point}]/u;
/** Shown to contacts: NFC-normalised, trimmed, 1–64 characters, nothing from DISPLAY_NAME_FORBIDDEN. */
export const DisplayName = z
  .string()
  .max(256)
  .refine((s) => !DISPLAY_NAME_FORBIDDEN.test(s), 'display name must not contain control, format or private-use characters, line or paragraph separators, lone surrogates or noncharacters')
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(1, 'display name must not be empty').max(64, 'display name must be at most 64 characters'));
/** A display name made from untrusted local text (a setting, the OS user name): forbidden characters dropped, normalised, cut to 64. */
export function cleanDisplayName(raw: string): string {
  let name = '';
  // whole code points only: cutting between the halves of a surrogate pair would leave a lone surrogate
  for (const char of raw.replace(new RegExp(DISPLAY_NAME_FORBIDDEN.source, 'gu'), '').normalize('NFC').trim()) {
    if (name.length + char.length > 64) break;
    name += char;
  }
  return name.trim();
}
const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed id');
const RequestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Secret = z.string().min(1).max(256);
/** A NetworkClient instance's stable id (kept across reconnects); sessions are bound to it. */
const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed client id');
const Epoch = z.number().int().nonnegative();

export const PresenceStatus = z.enum(['online', 'away', 'busy', 'offline']);
/**
 * What a user can choose. `busy` is also derived while in a session and `offline` when no device is
 * connected; `appearOffline` shows the user as offline to contacts (who then cannot invite them).
 */
export const ChosenPresence = z.enum(['online', 'away', 'busy', 'appearOffline']);

export const Person = z.object({ alias: Alias, displayName: DisplayName });

/**
 * A contact as seen by its owner. `accepted`: mutual contact (presence visible); `outgoing`: you asked,
 * they have not answered; `incoming`: they asked you; `blocked`: you blocked them (remove to unblock).
 */
export const Contact = z.object({
  alias: Alias,
  displayName: DisplayName,
  status: z.enum(['accepted', 'outgoing', 'incoming', 'blocked']),
  presence: PresenceStatus,
});

// ---- devices of one account (several devices, one-time codes) ----
/** A one-time device code as typed: 8 letters and digits of Crockford's base 32, with an optional dash. */
export const DeviceCode = z.string().regex(/^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$/, 'a device code is 8 letters and digits, like K7QD-3MXP');
/** What a device is called in "Signed-In Devices" (e.g. "VS Code on laptop"); the same rules as a display name. */
export const DeviceName = DisplayName;
/** One signed-in device of the account, as listed to its owner. */
export const Device = z.object({
  id: Id,
  name: z.string().max(64),
  createdAt: Epoch,
  lastSeenAt: Epoch,
  /** The device asking. */
  current: z.boolean(),
  /** It has a connection on the server now. */
  connected: z.boolean(),
});

// ---- company sign-in and administration ----
/** Longest ID token accepted (characters); a real one is 1–3 KB. */
export const MAX_ID_TOKEN_LENGTH = 16 * 1024;
/** What an administrator may do to an account from VS Code (the same as the accounts command). */
export const AdminAction = z.enum(['disable', 'enable', 'reset-devices', 'remove']);
/** One account as an administrator's list shows it. */
export const AccountSummary = z.object({
  alias: Alias,
  displayName: z.string().max(256),
  createdAt: Epoch,
  disabledAt: Epoch.nullable(),
  devices: z.number().int().nonnegative(),
  lastSeenAt: Epoch.nullable(),
});

export const InvitationStatus = z.enum(['pending', 'accepted', 'declined', 'cancelled', 'expired']);

/** A request from a sharer (`from`) to a helper (`to`). `expiresInMs` is the remaining time when sent. */
export const Invitation = z.object({
  id: Id,
  from: Person,
  to: Person,
  note: z.string().max(MAX_NOTE_LENGTH),
  createdAt: Epoch,
  expiresAt: Epoch,
  expiresInMs: z.number().int().nonnegative(),
  status: InvitationStatus,
  /** The sharer attached a problem bundle: the two parties fetch it with getProblem. */
  hasProblem: z.boolean().optional(),
});

/** An invitation link: anyone signed in who holds id + secret can redeem it once before it expires. */
export const Link = z.object({ id: Id, secret: Secret, expiresAt: Epoch, url: z.string().max(2048) });

export const SessionRole = z.enum(['sharer', 'helper']);
/** One established session as seen by one party. */
export const Session = z.object({
  id: Id,
  role: SessionRole,
  peer: Person,
  startedAt: Epoch,
  via: z.enum(['invitation', 'link']),
  /** STUN and TURN servers for this party's peer connection (TURN with credentials valid for hours, not forever). */
  iceServers: IceServers,
});

/**
 * Why a session ended, from the receiver's view: `ended` you ended it, `peerEnded` the other party did,
 * `peerOffline` the other party's client stayed away past the grace period, `connectionLost` yours did.
 */
export const SessionEndReason = z.enum(['ended', 'peerEnded', 'peerOffline', 'connectionLost']);

/** Stable error codes a client can act on. */
export const NetworkErrorCode = z.enum([
  // the message itself
  'ERR_MALFORMED',
  'ERR_UNKNOWN_TYPE',
  'ERR_TOO_LARGE',
  'ERR_NOT_JSON',
  // accounts and limits
  'ERR_NOT_SIGNED_IN',
  'ERR_ALREADY_SIGNED_IN',
  'ERR_ALIAS_TAKEN',
  'ERR_BAD_TOKEN',
  'ERR_BAD_JOIN_PASSWORD',
  'ERR_TOO_MANY_CONNECTIONS',
  'ERR_RATE_LIMITED',
  // contacts
  'ERR_NO_SUCH_USER',
  'ERR_SELF',
  'ERR_ALREADY_CONTACT',
  'ERR_NOT_A_CONTACT',
  'ERR_NO_REQUEST',
  // invitations, links, sessions
  'ERR_CONTACT_OFFLINE',
  'ERR_CONTACT_BUSY', // the other party is in another session
  'ERR_IN_SESSION', // you are in a session already (one at a time)
  'ERR_NO_SUCH_INVITATION',
  'ERR_NO_PROBLEM',
  'ERR_NOT_INVITEE',
  'ERR_NOT_INVITER',
  'ERR_INVITATION_CLOSED',
  'ERR_EXPIRED',
  'ERR_NO_SUCH_LINK',
  'ERR_BAD_SECRET',
  'ERR_LINK_USED',
  'ERR_NO_SUCH_SESSION',
  // devices and administration
  'ERR_BAD_CODE',
  'ERR_NO_SUCH_DEVICE',
  'ERR_ACCOUNT_DISABLED',
  // company sign-in (OpenID Connect) and administrators
  'ERR_OIDC_DISABLED',
  'ERR_OIDC_UNAVAILABLE',
  'ERR_BAD_ID_TOKEN',
  'ERR_NOT_ADMIN',
  'ERR_NO_SUCH_ACCOUNT',
  // the server's database (PostgreSQL) cannot be reached for a moment: nothing changed, try again
  'ERR_STORE_UNAVAILABLE',
  'ERR_INTERNAL',
]);
export type NetworkErrorCode = z.infer<typeof NetworkErrorCode>;

// ---------------------------------------------------------------------------------------------------------
// Client → server requests

const req = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), id: RequestId, ...shape });

export const ClientMessage = z.discriminatedUnion('type', [
  /** Creates the account (alias must be free) and a device token for this device. */
  req('signIn', { alias: Alias, displayName: DisplayName, joinPassword: Secret.optional(), clientId: ClientId, deviceName: DeviceName.optional() }),
  /** Signs in with a device token from an earlier signIn. */
  req('signInWithToken', { token: Secret, joinPassword: Secret.optional(), clientId: ClientId }),
  req('addContact', { alias: Alias }),
  req('acceptContact', { alias: Alias }),
  req('declineContact', { alias: Alias }),
  /** Removes a contact or pending request, or lifts a block. */
  req('removeContact', { alias: Alias }),
  req('blockContact', { alias: Alias }),
  req('setPresence', { status: ChosenPresence }),
  /** Revokes this connection's device token (signing out for good); the server then closes the connection. */
  req('signOut', {}),
  req('invite', { alias: Alias, note: z.string().max(MAX_NOTE_LENGTH).optional(), expiresInMs: z.number().int().positive().optional(), problem: ProblemBundle.optional() }),
  /** The problem bundle of an invitation this user sent or received. */
  req('getProblem', { invitationId: Id }),
  req('acceptInvitation', { invitationId: Id }),
  req('declineInvitation', { invitationId: Id }),
  req('cancelInvitation', { invitationId: Id }),
  req('listInvitations', {}),
  req('createLink', { expiresInMs: z.number().int().positive().optional() }),
  req('redeemLink', { linkId: Id, secret: Secret }),
  // ---- devices of one account ----
  /** A one-time code (5 minutes, single use) another device enters with signInWithCode to join this account. */
  req('createDeviceCode', {}),
  /** Joins the account that created `code` as a new device, with its own device token. */
  req('signInWithCode', { code: DeviceCode, deviceName: DeviceName, clientId: ClientId }),
  req('listDevices', {}),
  /** Revokes one device's token; its connections are closed. */
  req('signOutDevice', { deviceId: Id }),
  /** Revokes every device token of the account, this one included; every connection is closed. */
  req('signOutEverywhere', {}),
  // ---- company sign-in (OpenID Connect) ----
  /** Before signing in: the identity provider to use and a nonce, valid on this connection only, that the ID token must carry. */
  req('oidcChallenge', {}),
  /** Signs in (creating the account on first use) with an ID token from the identity provider carrying this connection's nonce. */
  req('signInWithIdToken', { idToken: z.string().min(1).max(MAX_ID_TOKEN_LENGTH), deviceName: DeviceName.optional(), clientId: ClientId }),
  // ---- administrators (the server's --admins) ----
  req('adminListAccounts', {}),
  req('adminAccount', { action: AdminAction, alias: Alias }),
  req('signal', { sessionId: Id, payload: z.string().min(1).max(MAX_SIGNAL_PAYLOAD) }),
  req('endSession', { sessionId: Id }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];

// ---------------------------------------------------------------------------------------------------------
// Server → client: replies (carry the request id) and events (no id)

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ok'), id: RequestId }),
  /** `id` is null when the request's id could not be read. */
  z.object({ type: z.literal('error'), id: RequestId.nullable(), code: NetworkErrorCode, message: z.string().max(1024) }),
  z.object({
    type: z.literal('signedIn'),
    id: RequestId,
    /** Present only in the reply to signIn and signInWithCode: keep it to sign in again (it is shown once). */
    token: Secret.optional(),
    account: Person,
    contacts: z.array(Contact),
    invitations: z.array(Invitation),
    /** Sessions still open for this client id (after a reconnect). */
    sessions: z.array(Session),
  }),
  z.object({ type: z.literal('invitation'), id: RequestId, invitation: Invitation }),
  z.object({ type: z.literal('invitations'), id: RequestId, invitations: z.array(Invitation) }),
  z.object({ type: z.literal('problem'), id: RequestId, problem: ProblemBundle }),
  z.object({ type: z.literal('link'), id: RequestId, link: Link }),
  z.object({ type: z.literal('session'), id: RequestId, session: Session }),
  z.object({ type: z.literal('deviceCode'), id: RequestId, code: DeviceCode, expiresAt: Epoch, expiresInMs: z.number().int().nonnegative() }),
  z.object({ type: z.literal('devices'), id: RequestId, devices: z.array(Device).max(1000) }),
  /** The identity provider (issuer URL, this server's client id) and the nonce the ID token must carry. */
  z.object({ type: z.literal('oidcChallenge'), id: RequestId, issuer: z.string().url().max(2048), clientId: z.string().min(1).max(256), nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/) }),
  z.object({ type: z.literal('adminAccounts'), id: RequestId, accounts: z.array(AccountSummary).max(100_000) }),
  /** What the action did, in a line; reset-devices also gives the one-time code for the person. */
  z.object({ type: z.literal('adminDone'), id: RequestId, alias: Alias, detail: z.string().max(1024), code: DeviceCode.optional(), expiresAt: Epoch.optional() }),
  // events
  z.object({ type: z.literal('contacts'), contacts: z.array(Contact) }),
  z.object({ type: z.literal('presence'), alias: Alias, presence: PresenceStatus }),
  z.object({ type: z.literal('invitationReceived'), invitation: Invitation }),
  z.object({ type: z.literal('invitationChanged'), invitation: Invitation }),
  z.object({ type: z.literal('sessionStarted'), session: Session }),
  z.object({ type: z.literal('signalReceived'), sessionId: Id, payload: z.string().max(MAX_SIGNAL_PAYLOAD) }),
  z.object({ type: z.literal('sessionEnded'), sessionId: Id, reason: SessionEndReason }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export type PresenceStatus = z.infer<typeof PresenceStatus>;
export type ChosenPresence = z.infer<typeof ChosenPresence>;
export type Person = z.infer<typeof Person>;
export type Contact = z.infer<typeof Contact>;
export type Invitation = z.infer<typeof Invitation>;
export type InvitationStatus = z.infer<typeof InvitationStatus>;
export type Link = z.infer<typeof Link>;
export type Session = z.infer<typeof Session>;
export type SessionRole = z.infer<typeof SessionRole>;
export type SessionEndReason = z.infer<typeof SessionEndReason>;
export type Device = z.infer<typeof Device>;
export type AdminAction = z.infer<typeof AdminAction>;
export type AccountSummary = z.infer<typeof AccountSummary>;

/** Messages the server sends as events (no request id). */
export type ServerEvent = Extract<ServerMessage, { type: 'contacts' | 'presence' | 'invitationReceived' | 'invitationChanged' | 'sessionStarted' | 'signalReceived' | 'sessionEnded' }>;
/** Replies the server sends, keyed by their type. */
export type ServerReply = Exclude<ServerMessage, ServerEvent>;
