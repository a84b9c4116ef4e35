import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { Alias } from '../protocol/network';
import { parseDuration } from './duration';
import type { Limits } from './Limits';
import { IceCredentials } from './IceCredentials';
import type { ServerOptions } from './startServer';

export const HELP = `Remote Assist — assistance network server

Usage: npm run server -- [options]        (or: node dist/server.js [options])
       npm run server -- accounts list|show|disable|enable|reset-devices|remove [ALIAS]   (see accounts --help)

  --port N              TCP port (default 7420; 0 picks a free port)
  --host ADDRESS        address to listen on (default 127.0.0.1, loopback only; 0.0.0.0 for a team)
  --data DIR            directory of the SQLite store (default ./remote-assist-data)
  --database URL        keep the store in PostgreSQL instead of SQLite, for server processes on several
                        machines: postgres://USER:PASSWORD@HOST:5432/DB (or env REMOTE_ASSIST_DATABASE_URL,
                        which keeps the password out of the process list). The schema is created or
                        migrated at start, once, under an advisory lock. An unreachable database stops the
                        start (exit 1); while it is away later, requests fail with ERR_STORE_UNAVAILABLE and
                        work again when it is back. The password is never logged.
  --tls-cert FILE       PEM certificate: serve wss:// (needs --tls-key)
  --tls-key FILE        PEM private key for --tls-cert
  --join-password PW    password new accounts must give (or env REMOTE_ASSIST_JOIN_PASSWORD)
  --invite-expiry DUR   default lifetime of invitations and links: 90s, 30m, 6h, 2d (default 30m)
  --redis URL           share presence and routing with other server processes through Redis
                        (redis://host:port; the processes share the same --data directory)
  --redis-node-ttl DUR  with --redis: a process silent this long counts as dead, its users offline (default 15s)
  --trusted-proxy ADDRESSES
                        load balancers in front (comma-separated addresses or subnets, e.g. 10.0.0.5 or
                        10.0.0.0/24): a connection from one is taken to come from the address it appends to
                        X-Forwarded-For (HAProxy: option forwardfor), so limits per address apply to people,
                        not to the balancer; nobody else can claim an address that way
  --public-url URL      address clients use, written into invitation links (default ws[s]://host:port)
  --max-connections-per-address N
                        WebSockets one network address may hold (default 500; raise it for a large
                        office behind one NAT, lower it on a small server)
  --accounts-per-address N
                        new accounts one network address may create per hour (default 100)
  --health-token TOKEN  GET /healthz with "Authorization: Bearer TOKEN" also tells connections and uptime
                        (or env REMOTE_ASSIST_HEALTH_TOKEN); without it only loopback sees more than
                        {"status":"ok"}. The same goes for GET /metrics (401/403 to others).
  --shutdown-grace DUR  on SIGTERM: how long connected clients get to reconnect elsewhere before the rest
                        are closed (default 10s)
  --stun URL            STUN server handed to both parties of each session, e.g. stun:turn.example.com:3478
                        (repeatable)
  --turn URL            TURN server for when no direct path exists (repeatable): turn:HOST:3478 (UDP),
                        turn:HOST:3478?transport=tcp (where UDP is blocked), turns:HOST:443?transport=tcp
                        (TLS on 443, where only HTTPS gets out). Needs --turn-secret.
  --turn-secret S       coturn's static-auth-secret (use-auth-secret): each party gets a credential of its own
                        (username expiry:alias, HMAC-SHA1 password), never a fixed password (or env
                        REMOTE_ASSIST_TURN_SECRET)
  --turn-ttl DUR        how long such a credential is valid: 30m, 12h, 2d (default 12h)
  --oidc-issuer URL     company sign-in (OpenID Connect): the identity provider's issuer URL, e.g.
                        https://login.example.com/realms/staff (https; http only on loopback). People sign in
                        in their browser (authorization code with PKCE) or with a code on another device
                        (device flow); this server validates each ID token itself (signature from the issuer's
                        JWKS, issuer, audience, expiry, nonce). Needs --oidc-client-id.
  --oidc-client-id ID   the client id registered at the identity provider for Remote Assist: a public client
                        (no secret) with PKCE, the device-code grant, and the redirect URI
                        vscode://remote-assist.remote-assist/oidc (plus code-server's address, if used).
                        The alias comes from preferred_username (else email, up to the @), the display
                        name from name; no password is kept.
  --admins ALIAS,...    accounts that may list, disable, enable, reset-devices and remove accounts from VS Code
                        ("Remote Assist: Administer Accounts…"); each action goes to the audit log
  --verbose             log debug messages
  --help                show this help

GET /healthz answers 200 with {"status":"ok"}. GET /metrics answers in Prometheus text format (connected and
signed-in clients, sign-ins, invitations, relay messages, errors, event-loop lag and process figures), to loopback
and to "Authorization: Bearer" the --health-token only.
The log is one JSON line per event on stderr (level, time, event, address, alias, …); stdout has only
the {"listening":…} line. SIGTERM or SIGINT: stop accepting, ask every client to reconnect (close code
1012; behind a balancer they land on another process), close within --shutdown-grace, exit 0.
Other limits (per connection, per account and per address; see README): messages of 64 KB and 20/s per
connection, at most 8 connections per account, wrong join passwords or device tokens 20 per 10 minutes
per address, invitations 5 per contact and 60 in all per 10 minutes, a socket that sends no request within
10 s is closed, a connection that leaves 8 MB unread is closed.`;

export type CliResult = { help: true } | { help: false; options: ServerOptions; verbose: boolean; shutdownGraceMs: number };

/** Turns argv into server options; throws an Error with a readable message on bad input. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliResult {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'join-password': { type: 'string' },
      'invite-expiry': { type: 'string' },
      redis: { type: 'string' },
      'redis-node-ttl': { type: 'string' },
      'trusted-proxy': { type: 'string' },
      'public-url': { type: 'string' },
      'max-connections-per-address': { type: 'string' },
      'accounts-per-address': { type: 'string' },
      'health-token': { type: 'string' },
      stun: { type: 'string', multiple: true },
      turn: { type: 'string', multiple: true },
      'turn-secret': { type: 'string' },
      'turn-ttl': { type: 'string' },
      'oidc-issuer': { type: 'string' },
      'oidc-client-id': { type: 'string' },
      admins: { type: 'string' },
      'shutdown-grace': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return { help: true };
  const port = values.port === undefined ? 7420 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
  const limits: Partial<Limits> = {};
  if (values['max-connections-per-address'] !== undefined) limits.maxConnectionsPerAddress = positiveInteger('--max-connections-per-address', values['max-connections-per-address']);
  if (values['accounts-per-address'] !== undefined) limits.accountsPerAddress = positiveInteger('--accounts-per-address', values['accounts-per-address']);
  const tls = values['tls-cert'] && values['tls-key'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) } : undefined;
  const options: ServerOptions = {
    port,
    host: values.host ?? '127.0.0.1',
    dataDir: values.data ?? 'remote-assist-data',
    databaseUrl: databaseUrl(values.database ?? (env.REMOTE_ASSIST_DATABASE_URL || undefined)),
    tls,
    joinPassword: values['join-password'] ?? (env.REMOTE_ASSIST_JOIN_PASSWORD || undefined),
    inviteExpiryMs: values['invite-expiry'] ? parseDuration(values['invite-expiry']) : undefined,
    redisUrl: values.redis,
    redisNodeTtlMs: values['redis-node-ttl'] ? parseDuration(values['redis-node-ttl']) : undefined,
    publicUrl: values['public-url'],
    trustedProxies: values['trusted-proxy']?.split(',').map((address) => address.trim()),
    healthToken: values['health-token'] ?? (env.REMOTE_ASSIST_HEALTH_TOKEN || undefined),
    limits,
    stun: values.stun,
    turn: values.turn,
    turnSecret: values['turn-secret'] ?? (env.REMOTE_ASSIST_TURN_SECRET || undefined),
    turnTtlMs: values['turn-ttl'] ? parseDuration(values['turn-ttl']) : undefined,
    oidc: oidcOptions(values['oidc-issuer'], values['oidc-client-id']),
    admins: values.admins === undefined ? undefined : adminList(values.admins),
  };
  new IceCredentials(options); // throws on a bad --stun/--turn/--turn-secret/--turn-ttl, before anything starts
  const shutdownGraceMs = values['shutdown-grace'] ? parseDuration(values['shutdown-grace']) : 10_000;
  return { help: false, verbose: values.verbose ?? false, shutdownGraceMs, options };
}

function oidcOptions(issuer: string | undefined, clientId: string | undefined): ServerOptions['oidc'] {
  if (issuer === undefined && clientId === undefined) return undefined;
  if (!issuer || !clientId) throw new Error('--oidc-issuer and --oidc-client-id go together');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`--oidc-issuer must be a URL, got ${issuer}`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error(`--oidc-issuer must be an https:// URL (http:// only on loopback), got ${issuer}`);
  if (url.search || url.hash) throw new Error(`--oidc-issuer must have no query or fragment, got ${issuer}`);
  return { issuer, clientId };
}

function databaseUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  // the message never repeats the text: it may hold a password
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) throw new Error('--database must be a postgres://USER:PASSWORD@HOST:PORT/DB URL');
  return text;
}

function adminList(text: string): string[] {
  const aliases = text.split(',').map((a) => a.trim()).filter(Boolean);
  for (const alias of aliases) if (!Alias.safeParse(alias).success) throw new Error(`--admins takes aliases separated by commas, got ${JSON.stringify(alias)}`);
  if (aliases.length === 0) throw new Error('--admins needs at least one alias');
  return aliases.map((a) => a.toLowerCase());
}

function positiveInteger(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${option} must be a positive whole number, got ${text}`);
  return n;
}
