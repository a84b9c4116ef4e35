/**
 * This machine's account on the team server: one NetworkClient, signed in with the device token kept in
 * SecretStorage (never in settings), resumed when VS Code starts.
 */
import { hostname } from 'os';
import { NetworkClient } from '../network/NetworkClient';
import { cleanDisplayName } from '../protocol/network';
import { NetworkError } from '../network/NetworkError';
import type { OidcChallenge } from '../network/oidc/CompanyIdentityProvider';
import { IDisposable, DisposableStore, Emitter } from '../common/lifecycle';
import { Logger } from '../common/logger';

/** Where device tokens live (VS Code's SecretStorage), keyed by server address. */
export interface TokenStore {
  get(serverUrl: string): Promise<string | undefined>;
  store(serverUrl: string, token: string): Promise<void>;
  delete(serverUrl: string): Promise<void>;
}

export class AssistanceNetwork implements IDisposable {
  readonly client: NetworkClient;
  private readonly _onDidChangeSignedIn = new Emitter<boolean>();
  readonly onDidChangeSignedIn = this._onDidChangeSignedIn.event;
  private readonly _onDidLoseSignIn = new Emitter<NetworkError>();
  /** The server refused this device's sign-in on a reconnect: signed out elsewhere, or the account disabled. */
  readonly onDidLoseSignIn = this._onDidLoseSignIn.event;
  private readonly store = new DisposableStore();
  private url: string | undefined;

  constructor(
    private readonly tokens: TokenStore,
    private readonly log: Logger,
    /** The client id the last window used, to rejoin the session it left open (a fresh random one otherwise). */
    clientId?: string,
  ) {
    this.client = this.store.add(new NetworkClient({ logger: log, clientId }));
    this.store.add(
      this.client.onDidChangeConnectionState((state) => {
        log.info(`assistance network: ${state}`);
        this._onDidChangeSignedIn.fire(state === 'signedIn');
        // signed out from another device or by the administrator: the token is dead, forget it
        const refusal = state === 'disconnected' ? this.client.reconnectRefusal : undefined;
        if (refusal && this.url) {
          if (refusal.code === 'ERR_BAD_TOKEN') void this.tokens.delete(this.url);
          this._onDidLoseSignIn.fire(refusal);
        }
      }),
    );
  }

  get signedIn(): boolean {
    return this.client.connectionState === 'signedIn';
  }

  /** The server this client is (or was last) connected to. */
  get serverUrl(): string | undefined {
    return this.url;
  }

  /** Signs in again with the stored token, if there is one for `serverUrl`. */
  async resume(serverUrl: string): Promise<void> {
    const token = await this.tokens.get(serverUrl);
    if (!token) return;
    this.reset();
    this.url = serverUrl;
    try {
      await this.client.connect(serverUrl, { token });
    } catch (err) {
      if (err instanceof NetworkError && err.code === 'ERR_BAD_TOKEN') await this.tokens.delete(serverUrl);
      throw err;
    }
  }

  /** Creates the account `alias` on the server and keeps its device token. */
  async signIn(serverUrl: string, alias: string, displayName: string, joinPassword?: string): Promise<void> {
    this.reset();
    this.url = serverUrl;
    await this.client.connect(serverUrl, { alias, displayName, joinPassword, deviceName: thisDeviceName() });
    const token = this.client.token;
    if (token) await this.tokens.store(serverUrl, token);
  }

  /** Joins the account whose other device showed `code` ("Add Another Device…") and keeps this device's own token. */
  async signInWithCode(serverUrl: string, code: string): Promise<void> {
    this.reset();
    this.url = serverUrl;
    await this.client.connect(serverUrl, { code, deviceName: thisDeviceName() });
    const token = this.client.token;
    if (token) await this.tokens.store(serverUrl, token);
  }

  /** Company sign-in, first step: the server's identity provider and a one-time nonce (a short connection of its own). */
  async oidcChallenge(serverUrl: string): Promise<OidcChallenge> {
    this.reset();
    this.url = serverUrl;
    await this.client.connect(serverUrl);
    try {
      return await this.client.oidcChallenge();
    } finally {
      // the person may take minutes in the browser; the server keeps the nonce, not this connection
      this.client.disconnect();
    }
  }

  /** Company sign-in, last step: the ID token signs this device in (the account is made on first use); keeps the device token. */
  async signInWithIdToken(serverUrl: string, idToken: string): Promise<void> {
    this.reset();
    this.url = serverUrl;
    await this.client.connect(serverUrl, { idToken, deviceName: thisDeviceName() });
    const token = this.client.token;
    if (token) await this.tokens.store(serverUrl, token);
  }

  /** Signs every device of the account out (this one too) and forgets this device's token. */
  async signOutEverywhere(): Promise<void> {
    const url = this.url;
    await this.client.signOutEverywhere();
    if (url) await this.tokens.delete(url);
  }

  /** Signs out and forgets this device's token for the server. */
  async signOut(): Promise<void> {
    const url = this.url;
    // the server revokes this device's token too, so "Signed-In Devices" no longer lists it
    if (this.signedIn) await this.client.signOut().catch((err: unknown) => this.log.warn(`sign-out on the server failed: ${String(err)}`));
    this.reset();
    if (url) await this.tokens.delete(url);
  }

  dispose(): void {
    this.store.dispose();
    this._onDidChangeSignedIn.dispose();
    this._onDidLoseSignIn.dispose();
  }

  private reset(): void {
    if (this.client.connectionState !== 'disconnected') this.client.disconnect();
  }
}

/** How this device is listed under "Signed-In Devices" on the account's other devices. */
function thisDeviceName(): string {
  return cleanDisplayName(`VS Code on ${hostname()}`) || 'VS Code';
}
