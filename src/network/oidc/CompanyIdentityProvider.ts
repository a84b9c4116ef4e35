/**
 * The client side of company sign-in (OpenID Connect), with openid-client: discovery, the authorization code
 * flow with PKCE (the browser comes back through the extension's URI handler) and the device-code flow (a code
 * entered on any device, where no browser callback is possible). It only obtains the ID token; the server
 * validates it. The nonce comes from the server (oidcChallenge), so a token is good for one sign-in there only.
 */
import * as client from 'openid-client';

/** What the server's oidcChallenge gives. */
export interface OidcChallenge {
  issuer: string;
  clientId: string;
  nonce: string;
}

/** An authorization started in the browser, waiting for its callback. */
export interface PendingAuthorization {
  /** Open this in the browser. */
  readonly url: URL;
  readonly state: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly nonce: string;
}

/** A device-code sign-in started: show the code and address, then await `idToken`. */
export interface DeviceAuthorization {
  readonly userCode: string;
  readonly verificationUri: string;
  /** The address with the code filled in, where the provider offers one. */
  readonly verificationUriComplete: string | undefined;
  readonly expiresInS: number;
  /** Polls the provider until the person approved (or denied, or the code expired). */
  idToken(signal?: AbortSignal): Promise<string>;
}

/** The scopes asked for: the ID token's name, preferred_username and email make the account. */
const SCOPE = 'openid profile email';

/** A failure of company sign-in the user can act on. */
export class CompanySignInError extends Error {
  override readonly name = 'CompanySignInError';
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || url.hostname.startsWith('127.');
}

export class CompanyIdentityProvider {
  private constructor(
    private readonly config: client.Configuration,
    readonly challenge: OidcChallenge,
  ) {}

  /** Reads the issuer's discovery document (https; http only on loopback, as the server allows). */
  static async discover(challenge: OidcChallenge): Promise<CompanyIdentityProvider> {
    const issuer = new URL(challenge.issuer);
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer);
    if (issuer.protocol !== 'https:' && !insecure) throw new CompanySignInError(`the server names an identity provider that is not https: ${challenge.issuer}`);
    let config: client.Configuration;
    try {
      config = await client.discovery(issuer, challenge.clientId, undefined, client.None(), insecure ? { execute: [client.allowInsecureRequests] } : undefined);
    } catch (err) {
      throw new CompanySignInError(`the company identity provider ${challenge.issuer} could not be reached: ${(err as Error).message}`);
    }
    return new CompanyIdentityProvider(config, challenge);
  }

  /** True when the provider offers the device-code flow. */
  get offersDeviceFlow(): boolean {
    return typeof this.config.serverMetadata().device_authorization_endpoint === 'string';
  }

  /** The browser address of an authorization code request with PKCE (S256), a fresh state and the server's nonce. */
  async startAuthorization(redirectUri: string): Promise<PendingAuthorization> {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(this.config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce: this.challenge.nonce,
    });
    return { url, state, redirectUri, codeVerifier, nonce: this.challenge.nonce };
  }

  /** Exchanges the callback's code (state, PKCE verifier and nonce checked) for the ID token. */
  async finishAuthorization(pending: PendingAuthorization, callbackQuery: string): Promise<string> {
    const callback = new URL(pending.redirectUri);
    callback.search = callbackQuery;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(this.config, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new CompanySignInError(`company sign-in failed: ${describe(err)}`);
    }
    return idTokenOf(tokens);
  }

  /** Starts the device-code flow (RFC 8628) with the server's nonce. */
  async startDeviceFlow(): Promise<DeviceAuthorization> {
    if (!this.offersDeviceFlow) throw new CompanySignInError('the company identity provider does not offer sign-in with a code (device flow)');
    let response;
    try {
      response = await client.initiateDeviceAuthorization(this.config, { scope: SCOPE, nonce: this.challenge.nonce });
    } catch (err) {
      throw new CompanySignInError(`company sign-in failed: ${describe(err)}`);
    }
    return {
      userCode: response.user_code,
      verificationUri: response.verification_uri,
      verificationUriComplete: response.verification_uri_complete,
      expiresInS: response.expires_in,
      idToken: async (signal) => {
        try {
          return idTokenOf(await client.pollDeviceAuthorizationGrant(this.config, response, undefined, { signal }));
        } catch (err) {
          throw new CompanySignInError(`company sign-in failed: ${describe(err)}`);
        }
      },
    };
  }
}

function idTokenOf(tokens: { id_token?: string }): string {
  if (!tokens.id_token) throw new CompanySignInError('the identity provider returned no ID token (is the openid scope allowed for this client?)');
  return tokens.id_token;
}

/** The provider's error and description where there is one ("access_denied: End-User aborted interaction"). */
function describe(err: unknown): string {
  const e = err as { error?: unknown; error_description?: unknown; message?: string };
  if (typeof e.error === 'string') return typeof e.error_description === 'string' ? `${e.error}: ${e.error_description}` : e.error;
  return e.message ?? String(err);
}
