import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Logger } from '../../common/logger';
import { ServiceError } from '../ServiceError';

export interface OidcOptions {
  /** The identity provider's issuer URL (https, or http on loopback). */
  issuer: string;
  /** This server's client id at the identity provider: every ID token's audience. */
  clientId: string;
  /** Clock difference tolerated on exp/iat/nbf (default 30 s). */
  clockToleranceS?: number;
}

/** The claims an account is made from, after the token passed every check. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  /** Absent in tokens from the device-code flow, which has no nonce (RFC 8628). */
  nonce: string | undefined;
  /** Expiry and issue time, epoch seconds. */
  exp: number;
  iat: number;
  preferredUsername?: string;
  email?: string;
  name?: string;
}

/** Signing algorithms accepted when the provider does not list its own; never `none` or a shared-secret HS*. */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Validates ID tokens on the server, never trusting the client that presents them: the issuer's discovery
 * document names its JWKS; the signature must match one of those keys, the issuer and audience (this
 * server's client id) must match and the token must not have expired (the nonce is CompanySignIn's).
 */
export class OidcVerifier {
  private discovered: Promise<{ jwks: ReturnType<typeof createRemoteJWKSet>; algorithms: string[] }> | undefined;

  constructor(
    readonly options: OidcOptions,
    private readonly logger: Logger,
  ) {}

  /** Fetches the discovery document (once; again after a failure). */
  private discover() {
    this.discovered ??= (async () => {
      const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      const doc = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown; id_token_signing_alg_values_supported?: unknown };
      // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the one asked for
      if (doc.issuer !== this.options.issuer) throw new Error(`the discovery document names the issuer ${JSON.stringify(doc.issuer)}, not ${this.options.issuer}`);
      if (typeof doc.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
      const listed = Array.isArray(doc.id_token_signing_alg_values_supported) ? doc.id_token_signing_alg_values_supported.filter((a): a is string => typeof a === 'string') : [];
      const algorithms = listed.filter((a) => ASYMMETRIC.includes(a));
      return { jwks: createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: 10_000 }), algorithms: algorithms.length ? algorithms : ASYMMETRIC };
    })();
    this.discovered.catch(() => (this.discovered = undefined));
    return this.discovered;
  }

  /** The verified identity; ERR_BAD_ID_TOKEN with the reason for a bad token, ERR_OIDC_UNAVAILABLE when the provider cannot be reached. */
  async verify(idToken: string): Promise<VerifiedIdentity> {
    let provider;
    try {
      provider = await this.discover();
    } catch (err) {
      this.logger.warn(`company sign-in: the identity provider ${this.options.issuer} could not be reached: ${(err as Error).message}`);
      throw new ServiceError('ERR_OIDC_UNAVAILABLE', 'the company identity provider could not be reached; try again later');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, provider.jwks, {
        issuer: this.options.issuer,
        audience: this.options.clientId,
        algorithms: provider.algorithms,
        clockTolerance: this.options.clockToleranceS ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      throw new ServiceError('ERR_BAD_ID_TOKEN', this.reason(err));
    }
    // several audiences: the authorized party must be us (OpenID Connect Core §3.1.3.7)
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== this.options.clientId) {
      throw new ServiceError('ERR_BAD_ID_TOKEN', `the ID token was issued to ${JSON.stringify(payload.azp)}, not to this server's client id`);
    }
    const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
    if (payload.nonce !== undefined && typeof payload.nonce !== 'string') throw new ServiceError('ERR_BAD_ID_TOKEN', "the ID token's nonce is not text");
    return {
      issuer: this.options.issuer,
      subject: payload.sub as string,
      nonce: payload.nonce,
      exp: payload.exp as number,
      iat: payload.iat as number,
      preferredUsername: text('preferred_username'), email: text('email'), name: text('name'),
    };
  }

  private reason(err: unknown): string {
    if (err instanceof errors.JWTExpired) return 'the ID token has expired; sign in again';
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'aud') return `the ID token is for another application (its audience is not this server's client id ${this.options.clientId})`;
      if (err.claim === 'iss') return `the ID token was not issued by ${this.options.issuer}`;
      return `the ID token's ${err.claim} claim is not valid (${err.reason})`;
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) return "the ID token's signature does not match the identity provider's keys";
    if (err instanceof errors.JWKSNoMatchingKey) return 'the ID token is signed with a key the identity provider does not publish';
    if (err instanceof errors.JOSEAlgNotAllowed) return 'the ID token is signed with an algorithm this server does not accept';
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'the ID token is malformed';
    return `the ID token was refused (${(err as Error).message})`;
  }
}

