/**
 * The ICE servers a session's two parties get: STUN URLs as configured, and TURN URLs with credentials in
 * coturn's REST form (use-auth-secret / static-auth-secret): username `expiry:alias`, credential the base64
 * HMAC-SHA1 of that username with the shared secret. coturn checks both and refuses after `expiry`, so a
 * credential that leaks is worth nothing a few hours later; no long-lived password is ever handed out.
 */
import { createHmac } from 'crypto';
import { IceServer, IceServers, StunUrl, TurnUrl } from '../protocol/ice';

export interface IceOptions {
  /** stun:host[:port] URLs. */
  readonly stun?: readonly string[];
  /** turn: / turns: URLs; they need `turnSecret`. */
  readonly turn?: readonly string[];
  /** coturn's static-auth-secret. */
  readonly turnSecret?: string;
  /** How long a TURN credential is valid (default 12 hours). */
  readonly turnTtlMs?: number;
}

export class IceConfigError extends Error {
  override readonly name = 'IceConfigError';
  readonly code = 'ERR_ICE_CONFIG';
}

export const DEFAULT_TURN_TTL_MS = 12 * 3_600_000;
const MAX_URLS = 8;

export class IceCredentials {
  private readonly stun: string[];
  private readonly turn: string[];
  private readonly ttlS: number;

  /** Checks the configuration; throws IceConfigError with a readable message when it is wrong. */
  constructor(private readonly options: IceOptions = {}) {
    const check = (schema: typeof StunUrl | typeof TurnUrl, flag: string, urls: readonly string[] = []) =>
      urls.map((url) => {
        const parsed = schema.safeParse(url);
        if (!parsed.success) throw new IceConfigError(`${flag} ${JSON.stringify(url)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        return parsed.data;
      });
    this.stun = check(StunUrl, '--stun', options.stun);
    this.turn = check(TurnUrl, '--turn', options.turn);
    if (this.stun.length > MAX_URLS || this.turn.length > MAX_URLS) throw new IceConfigError(`at most ${MAX_URLS} --stun and ${MAX_URLS} --turn URLs`);
    if (this.turn.length > 0 && !options.turnSecret) throw new IceConfigError('--turn needs --turn-secret (coturn static-auth-secret): TURN credentials are minted per session, never a fixed password');
    if (options.turnSecret !== undefined && options.turnSecret.length < 16) throw new IceConfigError('--turn-secret must be at least 16 characters');
    const ttlMs = options.turnTtlMs ?? DEFAULT_TURN_TTL_MS;
    if (!Number.isFinite(ttlMs) || ttlMs < 60_000 || ttlMs > 7 * 86_400_000) throw new IceConfigError('--turn-ttl must be between 1 minute and 7 days');
    this.ttlS = Math.round(ttlMs / 1000);
  }

  /** The ICE servers for one party (`alias` names it in coturn's log), with fresh credentials. */
  forParty(alias: string, now = Date.now()): IceServer[] {
    const servers: IceServer[] = [];
    if (this.stun.length > 0) servers.push({ urls: [...this.stun] });
    if (this.turn.length > 0) {
      const username = `${Math.floor(now / 1000) + this.ttlS}:${alias}`;
      const credential = createHmac('sha1', this.options.turnSecret!).update(username).digest('base64');
      servers.push({ urls: [...this.turn], username, credential });
    }
    return IceServers.parse(servers);
  }
}
