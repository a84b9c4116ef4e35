import { randomBytes } from 'crypto';
import { isIP, type connect as netConnect } from 'net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'tls';
import WebSocket from 'ws';
import {
  MAX_MESSAGE_BYTES,
  type ChosenPresence,
  type Contact,
  type Device,
  type Invitation,
  type Link,
  type AccountSummary,
  type AdminAction,
  type Person,
  type ServerReply,
  type Session,
} from '../protocol/network';
import type { ProblemBundle } from '../protocol/bundle';
import { ConnectionStateMachine, type ConnectionState } from './ConnectionStateMachine';
import { Disposable, Emitter, toDisposable } from '../common/lifecycle';
import { silentLogger, type Logger } from '../common/logger';
import { NetworkError } from './NetworkError';
import { splitServerAddress } from './serverAddress';
import { NetworkState } from './NetworkState';
import { ServerExchange, type Request } from './ServerExchange';

export type { ConnectionState } from './ConnectionStateMachine';
export type { PresenceChange, SessionEnd, SignalEvent } from './NetworkState';

/** How to sign in when connecting and after every reconnect. */
export type Credentials =
  | { token: string; joinPassword?: string }
  | { alias: string; displayName: string; joinPassword?: string; deviceName?: string }
  /** A one-time code shown by a device already signed in to the account ("Add Another Device…"). */
  | { code: string; deviceName: string }
  /** An ID token from the company's identity provider carrying a nonce from oidcChallenge (company sign-in). */
  | { idToken: string; deviceName?: string };

export interface NetworkClientOptions {
  logger?: Logger;
  /** Stable id of this client; sessions are bound to it so they survive reconnects. Random by default. */
  clientId?: string;
  /** A request with no reply after this long fails with ERR_TIMEOUT (default 15 s). */
  requestTimeoutMs?: number;
  /** First reconnect delay; doubles up to maxBackoffMs, with jitter (defaults 500 ms and 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** No ping or message from the server for this long means the connection is dead (default 45 s). */
  deadAfterMs?: number;
  /** Extra CA certificate(s) to trust for wss:// (e.g. a team server's self-signed certificate). */
  ca?: string | Buffer;
  /**
   * SHA-256 fingerprint (hex) of the server's certificate, from a link: the client trusts that certificate and
   * no other, instead of a CA (a server on the LAN with a generated certificate). Needs a wss:// address.
   */
  pinnedFingerprint?: string;
}

/**
 * The typed client of the assistance network, used by the extension.
 * Connect with `connect(url, credentials)`; follow changes through the `onDid…` events; every request
 * returns a promise that rejects with a `NetworkError` carrying a stable `code`. The connection is kept
 * alive with reconnect and backoff; after a reconnect the client signs in again with its device token,
 * restores the presence it last set and refreshes contacts, invitations and sessions. Requests in flight
 * when the connection drops fail with ERR_CONNECTION_LOST (they are not replayed: the caller decides).
 */
export class NetworkClient extends Disposable {
  /** The stable id sent with every sign-in; the server binds this client's sessions to it. */
  readonly clientId: string;

  private readonly logger: Logger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly deadAfterMs: number;
  private readonly ca: string | Buffer | undefined;
  private readonly pinnedFingerprint: string | undefined;

  private readonly machine: ConnectionStateMachine;
  private readonly exchange: ServerExchange;
  private socket: WebSocket | undefined;
  private url: string | undefined;
  private credentials: Credentials | undefined;
  /** Invitations this device answered (AnsweredElsewhere tells the others apart); a handful a day. */
  private readonly answered = new Set<string>();
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private deadTimer: NodeJS.Timeout | undefined;
  private chosenPresence: ChosenPresence = 'online';
  private refusal: NetworkError | undefined;
  private currentAccount: Person | undefined;
  private currentToken: string | undefined;
  private readonly onListenerError = (err: unknown) => this.logger.error(`listener failed: ${String(err)}`);
  private readonly _onDidChangeConnectionState = this.register(new Emitter<ConnectionState>(this.onListenerError));
  private readonly state = this.register(new NetworkState(this.onListenerError));

  /** The connection state changed (see ConnectionState). */
  readonly onDidChangeConnectionState = this._onDidChangeConnectionState.event;
  /** The contact list changed (added, answered, removed, blocked, or refreshed after sign-in); full list. */
  readonly onDidChangeContacts = this.state.onDidChangeContacts;
  /** A contact's presence changed (online / away / busy / offline). */
  readonly onDidChangePresence = this.state.onDidChangePresence;
  /** Someone invited this user to help them (delivered to every connected device of the user). */
  readonly onDidReceiveInvitation = this.state.onDidReceiveInvitation;
  /** An invitation sent or received changed status (accepted, declined, cancelled, expired). */
  readonly onDidChangeInvitation = this.state.onDidChangeInvitation;
  /** A session started for this client: an invitation was accepted or a link redeemed. */
  readonly onDidStartSession = this.state.onDidStartSession;
  /** The peer of one of this client's sessions sent a signaling payload. */
  readonly onDidReceiveSignal = this.state.onDidReceiveSignal;
  /** A session ended (by either party, or because a party stayed offline). */
  readonly onDidEndSession = this.state.onDidEndSession;

  constructor(options: NetworkClientOptions = {}) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.clientId = options.clientId ?? randomBytes(12).toString('base64url');
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.deadAfterMs = options.deadAfterMs ?? 45_000;
    this.ca = options.ca;
    this.pinnedFingerprint = options.pinnedFingerprint;
    this.backoffMs = this.initialBackoffMs;

    this.machine = new ConnectionStateMachine((state) => this._onDidChangeConnectionState.fire(state));
    const transport = { isOpen: () => this.socket?.readyState === WebSocket.OPEN, send: (text: string) => this.socket?.send(text) };
    this.exchange = new ServerExchange(transport, (event) => this.state.apply(event), this.logger, options.requestTimeoutMs ?? 15_000);
    this.register(toDisposable(() => this.teardown('ERR_DISPOSED', 'the network client was disposed')));
  }

  // ------------------------------------------------------------------------------------------------------
  // State

  get connectionState(): ConnectionState {
    return this.machine.state;
  }
  /**
   * Why the client stopped reconnecting on its own (the server refused its token or join password):
   * the user has to sign in again. Cleared by the next connect().
   */
  get reconnectRefusal(): NetworkError | undefined {
    return this.refusal;
  }
  /** The signed-in account, if any. */
  get account(): Person | undefined {
    return this.currentAccount;
  }
  /** The device token in use (issued by signIn, or the one given to signInWithToken). Store it securely. */
  get token(): string | undefined {
    return this.currentToken;
  }
  get contacts(): readonly Contact[] {
    return this.state.contacts;
  }
  /** Invitations this user sent or received that the server still lists (pending ones: `expiresAt` on this machine's clock). */
  get invitations(): readonly Invitation[] {
    return this.state.invitations;
  }
  /** Open sessions of this client. */
  get sessions(): readonly Session[] {
    return this.state.sessions;
  }

  // ------------------------------------------------------------------------------------------------------
  // Connection

  /**
   * Opens the connection to `url` (ws:// or wss://). With credentials it also signs in (alias credentials
   * create the account; afterwards the client reconnects with the issued token). Rejects with a
   * NetworkError when the server cannot be reached or refuses the sign-in.
   */
  async connect(url: string, credentials?: Credentials): Promise<void> {
    this.assertNotDisposed();
    if (this.machine.state !== 'disconnected') {
      throw new NetworkError('ERR_ALREADY_SIGNED_IN', `connect() while ${this.machine.state}; call disconnect() first`);
    }
    if (!isServerUrl(url)) {
      throw new NetworkError('ERR_MALFORMED', `not a server address: ${JSON.stringify(url.slice(0, 200))} (use ws://host:port or wss://host:port)`);
    }
    this.url = url;
    this.credentials = credentials;
    this.refusal = undefined;
    this.machine.to('connecting');
    try {
      await this.open(url);
      if (credentials) {
        await this.authenticate(credentials);
      } else {
        this.machine.to('connected');
      }
    } catch (err) {
      this.closeSocket();
      this.exchange.failAll('ERR_CONNECTION_LOST', 'connection failed');
      if (this.stateNow() !== 'disposed') this.machine.to('disconnected');
      throw err;
    }
  }

  /**
   * Closes the connection and stops reconnecting (signing out): the account, contacts and invitations are
   * forgotten and open sessions end here (onDidEndSession, `connectionLost`). The client can connect again.
   */
  disconnect(): void {
    if (this.machine.state === 'disposed' || this.machine.state === 'disconnected') return;
    this.teardown('ERR_CONNECTION_LOST', 'disconnected by the client');
    this.machine.to('disconnected');
    this.currentAccount = undefined;
    this.currentToken = undefined;
    this.chosenPresence = 'online';
    this.state.clear();
  }

  // ------------------------------------------------------------------------------------------------------
  // Accounts

  /**
   * Creates the account `alias` (unique) on a connected client and returns the device token the server
   * issued for this device; keep it (e.g. in SecretStorage) for signInWithToken. Reconnects reuse it.
   */
  async signIn(alias: string, displayName: string, joinPassword?: string): Promise<string> {
    this.assertState('connected');
    await this.authenticate({ alias, displayName, joinPassword });
    return this.currentToken as string;
  }

  /** Signs in with a device token from an earlier signIn; returns the account. */
  async signInWithToken(token: string, joinPassword?: string): Promise<Person> {
    this.assertState('connected');
    await this.authenticate({ token, joinPassword });
    return this.currentAccount as Person;
  }

  /**
   * Signs out for good: the server revokes this device token (every connection using it is closed), then
   * the client disconnects as disconnect() does. Use disconnect() alone to go offline but keep the token.
   */
  async signOut(): Promise<void> {
    await this.request({ type: 'signOut' }, 'ok');
    this.disconnect();
  }

  // ------------------------------------------------------------------------------------------------------
  // Devices of this account

  /** Joins the account whose device showed `code` (5 minutes, single use); returns the new device token. */
  async signInWithCode(code: string, deviceName: string): Promise<string> {
    this.assertState('connected');
    await this.authenticate({ code, deviceName });
    return this.currentToken as string;
  }
  // ------------------------------------------------------------------------------------------------------
  // Company sign-in (OpenID Connect) and administration

  /** On a connected client (not signed in): the server's identity provider and a one-time nonce for the ID token. */
  async oidcChallenge(): Promise<{ issuer: string; clientId: string; nonce: string }> {
    this.assertState('connected');
    const { issuer, clientId, nonce } = await this.exchange.request({ type: 'oidcChallenge' }, 'oidcChallenge');
    return { issuer, clientId, nonce };
  }
  /** Signs in with an ID token from the company's identity provider (the server validates it); returns the new device token. */
  async signInWithIdToken(idToken: string, deviceName?: string): Promise<string> {
    this.assertState('connected');
    await this.authenticate({ idToken, deviceName });
    return this.currentToken as string;
  }
  /** Every account on the server (administrators named by the server's --admins only). */
  async adminListAccounts(): Promise<AccountSummary[]> {
    return (await this.request({ type: 'adminListAccounts' }, 'adminAccounts')).accounts;
  }
  /** Disables, enables, resets the devices of or removes an account (administrators only); audited on the server. */
  async adminAccount(action: AdminAction, alias: string): Promise<{ detail: string; code?: string; expiresAt?: number }> {
    const { detail, code, expiresAt } = await this.request({ type: 'adminAccount', action, alias }, 'adminDone');
    return { detail, code, expiresAt };
  }

  /** This device (not another of the account) asked to accept or decline the invitation. */
  answeredHere(invitationId: string): boolean {
    return this.answered.has(invitationId);
  }
  /** A one-time code another device enters with signInWithCode to join this account. */
  async createDeviceCode(): Promise<{ code: string; expiresInMs: number }> {
    const reply = await this.request({ type: 'createDeviceCode' }, 'deviceCode');
    return { code: reply.code, expiresInMs: reply.expiresInMs };
  }
  /** The account's signed-in devices (name, last seen, whether connected, which one is this). */
  async listDevices(): Promise<Device[]> {
    return (await this.request({ type: 'listDevices' }, 'devices')).devices;
  }
  /** Signs one device out (its token stops working; its connections close). */
  async signOutDevice(deviceId: string): Promise<void> {
    await this.request({ type: 'signOutDevice', deviceId }, 'ok');
  }
  /** Signs every device of the account out, this one included; the client then disconnects as disconnect() does. */
  async signOutEverywhere(): Promise<void> {
    await this.request({ type: 'signOutEverywhere' }, 'ok');
    this.disconnect();
  }

  // ------------------------------------------------------------------------------------------------------
  // Contacts and presence

  /** Asks `alias` to become a contact; they see an incoming request and accept or decline. */
  async addContact(alias: string): Promise<void> {
    await this.request({ type: 'addContact', alias }, 'ok');
  }
  /** Accepts an incoming contact request from `alias`. */
  async acceptContact(alias: string): Promise<void> {
    await this.request({ type: 'acceptContact', alias }, 'ok');
  }
  /** Declines an incoming contact request from `alias`. */
  async declineContact(alias: string): Promise<void> {
    await this.request({ type: 'declineContact', alias }, 'ok');
  }
  /** Removes a contact or a pending request, or lifts a block on `alias`. */
  async removeContact(alias: string): Promise<void> {
    await this.request({ type: 'removeContact', alias }, 'ok');
  }
  /** Blocks `alias`: they no longer see this user's presence and cannot invite or add them. */
  async blockContact(alias: string): Promise<void> {
    await this.request({ type: 'blockContact', alias }, 'ok');
  }
  /** The presence this user chose (restored after every reconnect). */
  get presence(): ChosenPresence {
    return this.chosenPresence;
  }

  /** Sets this user's chosen presence; once accepted it is restored after every reconnect. (`busy` is also set by sessions.) */
  async setPresence(status: ChosenPresence): Promise<void> {
    await this.request({ type: 'setPresence', status }, 'ok');
    this.chosenPresence = status;
  }

  // ------------------------------------------------------------------------------------------------------
  // Invitations and links

  /**
   * Invites the online contact `alias` to help; fails with ERR_CONTACT_OFFLINE when they are offline and ERR_CONTACT_BUSY while they are in another session.
   * `expiresInMs` defaults to the server's invitation expiry.
   */
  async invite(alias: string, note?: string, expiresInMs?: number, problem?: ProblemBundle): Promise<Invitation> {
    const reply = await this.request({ type: 'invite', alias, note, expiresInMs, problem }, 'invitation');
    return this.state.rememberInvitation(reply.invitation);
  }
  /** Accepts an invitation sent to this user; the session starts (onDidStartSession fires first). */
  async acceptInvitation(invitationId: string): Promise<Session> {
    this.answered.add(invitationId);
    return (await this.request({ type: 'acceptInvitation', invitationId }, 'session')).session;
  }
  async declineInvitation(invitationId: string): Promise<void> {
    this.answered.add(invitationId);
    await this.request({ type: 'declineInvitation', invitationId }, 'ok');
  }
  /** Cancels an invitation this user sent. */
  async cancelInvitation(invitationId: string): Promise<void> {
    await this.request({ type: 'cancelInvitation', invitationId }, 'ok');
  }
  /** Fetches the invitations the server lists for this user (sent and received). */
  /** The problem bundle attached to an invitation this user sent or received. */
  async getProblem(invitationId: string): Promise<ProblemBundle> {
    return (await this.request({ type: 'getProblem', invitationId }, 'problem')).problem;
  }

  async listInvitations(): Promise<readonly Invitation[]> {
    const reply = await this.request({ type: 'listInvitations' }, 'invitations');
    return this.state.replaceInvitations(reply.invitations);
  }
  /**
   * Creates an invitation link that any signed-in user can redeem once before it expires (default:
   * the server's invitation expiry). The secret is shown only here.
   */
  async createLink(expiresInMs?: number): Promise<Link> {
    return (await this.request({ type: 'createLink', expiresInMs }, 'link')).link;
  }
  /** Redeems a link as the helper; the session starts with its creator as the sharer. */
  async redeemLink(linkId: string, secret: string): Promise<Session> {
    return (await this.request({ type: 'redeemLink', linkId, secret }, 'session')).session;
  }

  // ------------------------------------------------------------------------------------------------------
  // Sessions

  /** Sends an opaque signaling payload (≤ MAX_SIGNAL_PAYLOAD characters) to the session's other party. */
  async sendSignal(sessionId: string, payload: string): Promise<void> {
    await this.request({ type: 'signal', sessionId, payload }, 'ok');
  }
  /** Ends a session; the other party gets onDidEndSession with reason `peerEnded`. */
  async endSession(sessionId: string): Promise<void> {
    await this.request({ type: 'endSession', sessionId }, 'ok');
  }

  // ------------------------------------------------------------------------------------------------------
  // Internals

  /** Read through a call so TypeScript does not narrow the state across awaits. */
  private stateNow(): ConnectionState {
    return this.machine.state;
  }

  private assertNotDisposed(): void {
    if (this.machine.state === 'disposed') throw new NetworkError('ERR_DISPOSED', 'the network client was disposed');
  }

  private assertState(state: ConnectionState): void {
    this.assertNotDisposed();
    if (this.machine.state !== state) {
      throw new NetworkError('ERR_NOT_CONNECTED', `expected connection state ${state}, is ${this.machine.state}`);
    }
  }

  private open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const address = splitServerAddress(url);
      url = address.url;
      const pin = this.pinnedFingerprint ?? address.fingerprint;
      if (pin !== undefined && !url.startsWith('wss://')) {
        reject(new NetworkError('ERR_CERT_MISMATCH', `${url} is not a wss:// address, so its certificate cannot be checked`));
        return;
      }
      const socket = new WebSocket(url, {
        maxPayload: MAX_MESSAGE_BYTES * 2,
        handshakeTimeout: 10_000,
        ca: this.ca,
        // ws hands its TLS options (host, port, …) to createConnection
        ...(pin === undefined ? {} : { createConnection: ((options: ConnectionOptions) => pinnedConnection(options, pin)) as unknown as typeof netConnect }),
      });
      this.socket = socket;
      const onEarlyError = (err: Error) => {
        reject(err instanceof NetworkError ? err : new NetworkError('ERR_NOT_CONNECTED', `cannot reach ${url}: ${err.message}`));
      };
      socket.once('error', onEarlyError);
      socket.once('open', () => {
        socket.off('error', onEarlyError);
        socket.on('error', (err) => this.logger.warn(`network socket error: ${err.message}`));
        this.armDeadTimer();
        resolve();
      });
      socket.on('ping', () => this.armDeadTimer());
      socket.on('message', (data, isBinary) => {
        this.armDeadTimer();
        this.exchange.receive(isBinary ? '' : data.toString());
      });
      socket.on('close', (code, reason) => {
        if (this.socket !== socket) return;
        this.onSocketClosed(code, reason.toString());
      });
    });
  }

  private armDeadTimer(): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => {
      this.logger.warn(`no word from the server for ${this.deadAfterMs} ms; reconnecting`);
      this.socket?.terminate();
    }, this.deadAfterMs);
    this.deadTimer.unref();
  }

  private async authenticate(credentials: Credentials): Promise<void> {
    const message: Request =
      'token' in credentials
        ? { type: 'signInWithToken', token: credentials.token, joinPassword: credentials.joinPassword, clientId: this.clientId }
        : 'code' in credentials
          ? { type: 'signInWithCode', code: credentials.code, deviceName: credentials.deviceName, clientId: this.clientId }
          : 'idToken' in credentials
            ? { type: 'signInWithIdToken', idToken: credentials.idToken, deviceName: credentials.deviceName, clientId: this.clientId }
            : {
              type: 'signIn',
              alias: credentials.alias,
              displayName: credentials.displayName,
              joinPassword: credentials.joinPassword,
              clientId: this.clientId,
              deviceName: credentials.deviceName,
            };
    const reply = await this.exchange.request(message, 'signedIn');
    this.currentToken = reply.token ?? ('token' in credentials ? credentials.token : undefined);
    // reconnects sign in with the device token, never by creating the account (or using the code) again
    this.credentials = { token: this.currentToken as string, joinPassword: 'code' in credentials || 'idToken' in credentials ? undefined : credentials.joinPassword };
    this.currentAccount = reply.account;
    this.backoffMs = this.initialBackoffMs;
    this.machine.to('signedIn');
    this.state.applySnapshot(reply.account.alias, reply.contacts, reply.invitations, reply.sessions);
    if (this.chosenPresence !== 'online') {
      await this.exchange.request({ type: 'setPresence', status: this.chosenPresence }, 'ok');
    }
  }

  private async request<T extends ServerReply['type']>(message: Request, expect: T): Promise<Extract<ServerReply, { type: T }>> {
    this.assertNotDisposed();
    if (this.machine.state !== 'signedIn') {
      throw new NetworkError('ERR_NOT_CONNECTED', `not signed in (connection ${this.machine.state})`);
    }
    return this.exchange.request(message, expect);
  }

  private onSocketClosed(code: number, reason: string): void {
    this.socket = undefined;
    clearTimeout(this.deadTimer);
    this.exchange.failAll('ERR_CONNECTION_LOST', `connection lost (${code}${reason ? `: ${reason}` : ''})`);
    const state = this.machine.state;
    if (state === 'signedIn' || (state === 'connected' && this.credentials)) {
      this.logger.info(`connection lost (${code}); reconnecting`);
      this.machine.to('reconnecting');
      this.scheduleReconnect();
    } else if (state === 'connected') {
      this.machine.to('disconnected');
    }
    // `connecting`: the pending connect()/reconnect attempt reports the failure itself
  }

  private scheduleReconnect(): void {
    const delay = this.backoffMs * (0.5 + Math.random() / 2);
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.machine.state !== 'reconnecting' || !this.url || !this.credentials) return;
    this.machine.to('connecting');
    try {
      await this.open(this.url);
      await this.authenticate(this.credentials);
      this.logger.info('reconnected');
    } catch (err) {
      this.closeSocket();
      if (this.stateNow() !== 'connecting') return;
      const code = err instanceof NetworkError ? err.code : 'ERR_NOT_CONNECTED';
      if (code === 'ERR_BAD_TOKEN' || code === 'ERR_BAD_JOIN_PASSWORD' || code === 'ERR_ALIAS_TAKEN' || code === 'ERR_ACCOUNT_DISABLED') {
        this.logger.error(`reconnect refused (${code}); staying disconnected`);
        this.refusal = err as NetworkError;
        this.machine.to('disconnected');
        return;
      }
      this.logger.info(`reconnect failed (${String(err)}); retrying`);
      this.machine.to('reconnecting');
      this.scheduleReconnect();
    }
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    clearTimeout(this.deadTimer);
    if (socket) {
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      socket.terminate();
    }
  }

  private teardown(code: 'ERR_CONNECTION_LOST' | 'ERR_DISPOSED', message: string): void {
    clearTimeout(this.reconnectTimer);
    this.closeSocket();
    this.exchange.failAll(code, message);
    if (code === 'ERR_DISPOSED' && this.machine.state !== 'disposed') this.machine.to('disposed');
  }
}

/** A ws:// or wss:// URL with a host: anything else would fail later with a less helpful error. */
function isServerUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * A TLS connection that accepts exactly the certificate with fingerprint `pin` (SHA-256, hex): it is checked
 * once the handshake is done, before the WebSocket upgrade is answered and long before anything is signed in.
 */
function pinnedConnection(options: ConnectionOptions, pin: string): TLSSocket {
  const host = options.host ?? 'localhost';
  const socket = tlsConnect({ ...options, servername: isIP(host) ? '' : host, rejectUnauthorized: false });
  socket.once('secureConnect', () => {
    const presented = socket.getPeerX509Certificate()?.fingerprint256.replace(/:/g, '').toLowerCase();
    if (presented !== pin.toLowerCase()) {
      socket.destroy(new NetworkError('ERR_CERT_MISMATCH', `the server's certificate (SHA-256 ${presented ?? 'none'}) is not the one the invitation names (${pin}); someone may be in between`));
    }
  });
  return socket;
}
