import proxyaddr from 'proxy-addr';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { createServer as createHttpsServer } from 'https';
import { timingSafeEqual } from 'crypto';
import { existsSync } from 'fs';
import type { AddressInfo } from 'net';
import { networkInterfaces } from 'os';
import { dirname, join } from 'path';
import { WebSocketServer } from 'ws';
import type { IDisposable } from '../common/lifecycle';
import { silentLogger, type Logger } from '../common/logger';
import { Accounts } from './Accounts';
import { AdminRequests } from './admin/AdminRequests';
import { CompanySignIn } from './oidc/CompanySignIn';
import { OidcStore } from './oidc/OidcStore';
import { redactUrl } from './postgres/PostgresDb';
import { OidcVerifier, type OidcOptions } from './oidc/OidcVerifier';
import { AccountStore } from './AccountStore';
import { LocalCluster, type Cluster } from './Cluster';
import { ConnectionRegistry } from './ConnectionRegistry';
import { Contacts } from './Contacts';
import { ContactStore } from './ContactStore';
import { openStore, type SqliteDriver } from './Database';
import { Dispatcher } from './Dispatcher';
import { Devices } from './devices/Devices';
import { Gateway } from './Gateway';
import { HelperPage } from './HelperPage';
import { IceCredentials, type IceOptions } from './IceCredentials';
import { Invitations } from './Invitations';
import { InvitationStore } from './InvitationStore';
import { defaultLimits, type Limits } from './Limits';
import { Links } from './Links';
import { LinkStore } from './LinkStore';
import { Presence } from './Presence';
import { RedisCluster } from './RedisCluster';
import type { ServerContext } from './ServerContext';
import type { MetricsEndpoint, ServerMetrics } from './ServerMetrics';
import { SessionRelay } from './SessionRelay';
import { SessionStore } from './SessionStore';
import { guardSockets } from './SocketGuard';
import { hashSecret } from './secrets';

export interface ServerOptions extends IceOptions {
  /** TCP port; 0 picks a free one (default 7420). */
  port?: number;
  /** Address to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** Directory for the SQLite store; without it the data lives in memory and is lost on exit. */
  dataDir?: string;
  /** postgres://user:password@host:port/db: the store is that PostgreSQL database instead of SQLite in dataDir. */
  databaseUrl?: string;
  /** SQLite driver (default: native where it loads, else WebAssembly). */
  sqlite?: SqliteDriver;
  /** PEM certificate and key: serve wss:// and https:// instead of ws:// and http://. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Required from new accounts when set. */
  joinPassword?: string;
  /** Default lifetime of invitations and links (default 30 minutes). */
  inviteExpiryMs?: number;
  /** Redis URL: share presence and routing with other server processes (same data directory). */
  redisUrl?: string;
  /** With Redis: a process silent this long counts as dead and its users as offline (default 15 s). */
  redisNodeTtlMs?: number;
  /**
   * Load balancers in front (addresses or subnets): a connection from one counts as coming from the address it
   * appended to X-Forwarded-For, so limits per network address apply to the people behind it.
   */
  trustedProxies?: string[];
  /** The address clients use, put into invitation links (default: derived from host and port). */
  publicUrl?: string;
  /** GET /healthz tells connections, uptime and clustering to loopback and to `Authorization: Bearer <this>`; others get {"status":"ok"}. */
  healthToken?: string;
  /** Counts connections and requests and answers GET /metrics (same access as /healthz's details); without it /metrics is 404. */
  metrics?: ServerMetrics & MetricsEndpoint;
  /** The package root whose dist/browser, media and codicons the helper's browser page (GET /join) is served from. */
  webRoot?: string;
  logger?: Logger;
  limits?: Partial<Limits>;
  /** Company sign-in: ID tokens from this OpenID provider, for this client id, sign people in. */
  oidc?: OidcOptions;
  /** Accounts that may list, disable, enable, reset and remove accounts from VS Code. */
  admins?: string[];
}

export interface RunningServer extends IDisposable {
  /** ws:// or wss:// address for NetworkClient.connect. */
  readonly url: string;
  readonly port: number;
  /** Open WebSocket connections on this process. */
  readonly connectionCount: number;
  /** Stops accepting, closes every connection and the store. */
  close(): Promise<void>;
  /**
   * Graceful stop (SIGTERM): stops accepting, asks every client to reconnect (elsewhere, behind a balancer),
   * waits up to `graceMs` for them to leave, then closes as close() does.
   */
  shutdown(graceMs: number): Promise<void>;
}

/** The scheme of the VS Code URI that opens an invitation link in the extension. */
const LINK_URI = 'vscode://remote-assist.remote-assist/redeem';

/** Starts the assistance network server (standalone via main.ts, or embedded by the extension). */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger;
  const limits: Limits = { ...defaultLimits, ...options.limits };
  // checked before anything opens: a wrong --turn stops the start with a readable message
  const ice = new IceCredentials(options);
  const host = options.host ?? '127.0.0.1';
  const clientAddress = clientAddressOf(options.trustedProxies ?? []);
  const db = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, sqlite: options.sqlite, logger });
  // everything below that fails before the server is up closes the store again
  const undo = async (err: unknown): Promise<never> => {
    await db.close();
    throw err;
  };
  const registry = new ConnectionRegistry();
  let cluster: Cluster;
  try {
    cluster = options.redisUrl ? await RedisCluster.connect(options.redisUrl, registry, logger, options.redisNodeTtlMs) : new LocalCluster(registry);
  } catch (err) {
    return undo(err);
  }

  const started = Date.now();
  const live: { gateway?: Gateway } = {};
  const trusted = (req: IncomingMessage) => isLoopback(clientAddress.of(req)) || bearerMatches(req.headers.authorization, options.healthToken);
  const helperPage = new HelperPage(options.webRoot ?? packageRoot(__dirname));
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (helperPage.handle(req, res, path)) return;
    if (req.method === 'GET' && path === '/metrics' && options.metrics) {
      serveMetrics(req, res, options.metrics, trusted(req));
      return;
    }
    let body: object | undefined;
    if (req.method === 'GET' && path === '/healthz') {
      body = { status: 'ok' };
      if (trusted(req)) {
        body = { ...body, uptimeS: Math.round((Date.now() - started) / 1000), connections: live.gateway?.size ?? 0, clustered: !cluster.single };
      }
    }
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  };
  // a socket must send its request (or finish its TLS handshake) within headersTimeoutMs, also one that never speaks
  const timeouts = { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.headersTimeoutMs * 2, connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs) };
  const http: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout: limits.headersTimeoutMs, ...timeouts }, onRequest)
    : createHttpServer(timeouts, onRequest);
  guardSockets(http, limits, logger, clientAddress.isProxy);
  const ownOrigins = new Set<string>();
  const wss = new WebSocketServer({
    server: http,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    // clients are Node processes (extension hosts), which send no Origin, or this server's own helper page; any
    // other page the user happens to visit cannot reach a server on their machine through their browser
    verifyClient: ({ req }: { req: IncomingMessage }) => req.headers.origin === undefined || ownOrigins.has(req.headers.origin),
  });

  const sessions = new SessionStore(db);
  // "in a session?" is cached per process: a session started or ended anywhere drops its aliases everywhere
  sessions.onChange((aliases, open) => cluster.sessionsChanged(aliases, open));
  cluster.onSessionsChanged((aliases, open) => (open ? sessions.knownOpen(aliases) : sessions.forgetOpen(aliases)));
  try {
    // alone, no client can still be connected after a restart: their sessions start their grace period now
    // (before listening: no client can have come back yet)
    if (cluster.single) await sessions.markAllAway();
    await sessions.pruneEnded();
  } catch (err) {
    cluster.dispose();
    return undo(err);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 7420, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    cluster.dispose();
    return undo(err);
  }
  const port = (http.address() as AddressInfo).port;
  const scheme = options.tls ? 'wss' : 'ws';
  const wildcard = host === '0.0.0.0' || host === '::';
  const url = `${scheme}://${wildcard ? '127.0.0.1' : formatHost(host)}:${port}`;
  // links travel to other machines: on every interface, name one that others can reach
  const publicUrl = options.publicUrl ?? (wildcard ? `${scheme}://${formatHost(reachableAddress() ?? '127.0.0.1')}:${port}` : url);
  // the helper page's origin under the names this server goes by (never whatever Host a request claims: a
  // rebound DNS name would otherwise pass for this server's own page)
  for (const address of [url, publicUrl]) ownOrigins.add(pageOrigin(address));

  const contacts = new ContactStore(db);
  const presence = new Presence(registry, cluster, contacts, sessions, logger);
  // mutual contacts are cached per process (presence goes to them at every change): a change anywhere drops them
  cluster.onContactsChangedElsewhere((alias) => contacts.forget(alias));
  const ctx: ServerContext = {
    accounts: new AccountStore(db),
    contacts,
    invitations: new InvitationStore(db),
    links: new LinkStore(db),
    sessions,
    registry,
    cluster,
    presence,
    limits,
    logger,
    ice,
    inviteExpiryMs: options.inviteExpiryMs ?? 30 * 60_000,
    joinPassword: options.joinPassword,
    linkBase: `${LINK_URI}?server=${encodeURIComponent(publicUrl)}`,
  };

  const relay = new SessionRelay(ctx);
  // another process died: its clients' sessions start their grace period, its users' contacts hear of it
  cluster.onProcessLost(({ aliases, clients }) => {
    for (const { alias, clientId } of clients) if (!registry.hasClient(alias, clientId)) relay.clientLeft({ alias, clientId });
    for (const alias of aliases) void presence.changed(alias);
  });
  // Redis came back (perhaps empty): what this process holds is published again, so other processes see it
  cluster.onReconnected(() => {
    // news of sessions and contacts may have been missed meanwhile
    sessions.forgetOpen();
    contacts.forget();
    for (const { alias, clientIds } of registry.clients()) {
      cluster.watch(alias);
      for (const clientId of clientIds) cluster.clientPresent(alias, clientId, true);
      void presence.changed(alias);
    }
  });
  const invitations = new Invitations(ctx, relay);
  const links = new Links(ctx, relay);
  const devices = new Devices(db, ctx, relay, invitations);
  const company = options.oidc && new CompanySignIn(new OidcVerifier(options.oidc, logger), new OidcStore(db), ctx.accounts, logger);
  const accounts = new Accounts(ctx, relay, invitations, devices, company);
  const contactRequests = new Contacts(ctx);
  const dispatcher = new Dispatcher(accounts, contactRequests, presence, invitations, links, relay, devices, new AdminRequests(db, options.dataDir, options.admins ?? [], logger), limits.maxConcurrentSignIns);
  const gateway = new Gateway(wss, ctx, dispatcher, accounts, options.metrics, clientAddress.of);
  live.gateway = gateway;
  // after the gateway: a client that connects meanwhile is served (the store may take a moment on a network)
  await Promise.all([invitations.start(), devices.start()]);
  logger.info(`assistance network listening on ${url}${options.databaseUrl ? ` (data in PostgreSQL at ${redactUrl(options.databaseUrl)})` : options.dataDir ? ` (data in ${options.dataDir})` : ' (in-memory data)'}`, { event: 'listening', url, clustered: !cluster.single });

  // the listening socket closes once; its promise settles when every connection of it has ended too
  let listening: Promise<void> | undefined;
  const stopListening = () => (listening ??= new Promise<void>((resolve) => http.close(() => resolve())));
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      gateway.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const httpClosed = stopListening();
      // idle keep-alive connections (a health probe) would hold close() open for seconds
      http.closeAllConnections();
      await httpClosed;
      await presence.settled();
      relay.dispose();
      invitations.dispose();
      links.dispose();
      accounts.dispose();
      devices.dispose();
      contactRequests.dispose();
      cluster.dispose();
      await db.close();
    })());

  const shutdown = async (graceMs: number) => {
    // no new connections from here; those open are asked to go and given graceMs to do so
    void stopListening();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const drained = await Promise.race([gateway.drain().then(() => true), bound]);
    clearTimeout(timer);
    logger.info(drained ? 'every client left' : `${gateway.size} clients still connected after ${graceMs} ms; closing them`, { event: 'shutdown.drained', remaining: gateway.size });
    await close();
  };

  return {
    url,
    port,
    get connectionCount() {
      return gateway.size;
    },
    close,
    shutdown,
    dispose: () => void close(),
  };
}

/** Where a request comes from: its socket's address, or behind a trusted balancer the address the balancer names. */
function clientAddressOf(trustedProxies: string[]): { of: (req: IncomingMessage) => string; isProxy: (address: string) => boolean } {
  let trust: (address: string, hop: number) => boolean;
  try {
    trust = proxyaddr.compile(trustedProxies);
  } catch (err) {
    throw new Error(`--trusted-proxy: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    of: (req) => (trustedProxies.length === 0 ? (req.socket.remoteAddress ?? 'unknown') : proxyaddr(req, trust)),
    isProxy: (address) => trustedProxies.length > 0 && trust(address, 0),
  };
}

/** GET /metrics: the registry's text to loopback and to the health token; 401 without credentials, 403 with wrong ones. */
function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: MetricsEndpoint, trusted: boolean): void {
  if (!trusted) {
    const status = req.headers.authorization === undefined ? 401 : 403;
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
    res.end(JSON.stringify({ error: status === 401 ? 'unauthorized' : 'forbidden' }));
    return;
  }
  metrics.render().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
    () => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'metrics unavailable' }));
    },
  );
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined || header === undefined || !header.startsWith('Bearer ')) return false;
  return timingSafeEqual(hashSecret(header.slice('Bearer '.length)), hashSecret(token));
}

/** The folder holding package.json above `from`: the extension's root from dist/*.js, the repository's from src/server. */
function packageRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return from;
}

/** The http(s) origin of the page a ws(s) server address serves. */
export function pageOrigin(serverUrl: string): string {
  const u = new URL(serverUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  return u.origin;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The first external IPv4 address of this machine, if any. */
function reachableAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}
