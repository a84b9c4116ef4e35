/** Helpers for the server's integration tests: real servers on loopback, real clients, polling waits. */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'fs';
import { createConnection } from 'net';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { ServerMessage } from '../../src/protocol/network';
import { decodeMessage } from '../../src/protocol/validate';
import { NetworkClient, type NetworkClientOptions } from '../../src/network/NetworkClient';
import { NetworkError } from '../../src/network/NetworkError';
import type { Event } from '../../src/common/lifecycle';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/startServer';
import NODE_EXTERNALS from '../../scripts/node-externals.json';
import { databaseFor, testStoreIsPostgres } from './postgres';
export { freePort } from '../../scripts/stack/poll';

const ROOT = join(__dirname, '..', '..');

/** Polls `condition` until it is truthy or the deadline passes (then fails with `what`). */
export async function waitFor<T>(what: string, condition: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<Awaited<T>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<Awaited<T>>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The next value of `event` matching `predicate`, or a failure after the deadline. */
export function nextEvent<T>(event: Event<T>, predicate: (value: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** The NetworkError code a promise rejects with (fails if it resolves). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NetworkError) return err.code;
    throw err;
  }
  throw new Error('expected the request to fail');
}

/** Tracks everything a test starts so `after` hooks can stop all of it. */
export class Fixture {
  private readonly clients: NetworkClient[] = [];
  private readonly servers: RunningServer[] = [];
  private readonly processes: ChildProcess[] = [];
  private readonly dirs: string[] = [];
  private readonly deferred: (() => void | Promise<void>)[] = [];

  async server(options: ServerOptions = {}): Promise<RunningServer> {
    // npm run test:postgres: the same tests against the PostgreSQL store
    const store = testStoreIsPostgres && options.databaseUrl === undefined ? { databaseUrl: await databaseFor(options.dataDir) } : {};
    const server = await startServer({ port: 0, ...options, ...store });
    this.servers.push(server);
    return server;
  }

  client(options: NetworkClientOptions = {}): NetworkClient {
    const client = new NetworkClient({ initialBackoffMs: 100, maxBackoffMs: 1000, ...options });
    this.clients.push(client);
    return client;
  }

  /** A connected client signed in as a new account. */
  async user(server: { url: string }, alias: string, displayName = alias[0].toUpperCase() + alias.slice(1), options: NetworkClientOptions = {}): Promise<NetworkClient> {
    const client = this.client(options);
    await client.connect(server.url, { alias, displayName });
    return client;
  }

  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ra-server-test-'));
    this.dirs.push(dir);
    return dir;
  }

  track(child: ChildProcess): ChildProcess {
    this.processes.push(child);
    return child;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients.splice(0)) client.dispose();
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
    await Promise.all(this.processes.splice(0).map((p) => stopProcess(p)));
    for (const undo of this.deferred.splice(0).reverse()) await undo();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  /** Something to undo when the fixture is disposed, after its servers and processes have stopped. */
  defer(undo: () => void | Promise<void>): void {
    this.deferred.push(undo);
  }
}

/** Makes `a` and `b` mutual contacts through the real handshake. */
export async function befriend(a: NetworkClient, b: NetworkClient): Promise<void> {
  const bAlias = b.account!.alias;
  const aAlias = a.account!.alias;
  const incoming = nextEvent(b.onDidChangeContacts, (list) => list.some((c) => c.alias === aAlias && c.status === 'incoming'));
  await a.addContact(bAlias);
  await incoming;
  const accepted = nextEvent(a.onDidChangeContacts, (list) => list.some((c) => c.alias === bAlias && c.status === 'accepted'));
  await b.acceptContact(aAlias);
  await accepted;
}

let serverBundle: Promise<string> | undefined;

/** Builds the server bundle once per test run, as `npm run server` does, into a path of its own. */
export function buildServer(): Promise<string> {
  serverBundle ??= build({
    entryPoints: [join(ROOT, 'src/server/main.ts')],
    outfile: join(ROOT, 'dist/test-server/server.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    external: NODE_EXTERNALS,
    logLevel: 'silent',
  }).then(() => join(ROOT, 'dist/test-server/server.js'));
  return serverBundle;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the process wrote to stderr so far (its log). */
  stderr(): string;
}

/** Under npm run test:postgres: the --database arguments that stand for the data directory `dataDir`; else none. */
export async function storeArgs(dataDir: string | undefined): Promise<string[]> {
  return testStoreIsPostgres ? ['--database', await databaseFor(dataDir)] : [];
}

/** Runs the built server as its own process (with `nodePath`, e.g. a wrapper into a namespace) and waits for its "listening" line. */
export async function spawnServer(fixture: Fixture, args: string[], env: NodeJS.ProcessEnv = {}, nodePath = process.execPath): Promise<ServerProcess> {
  const bundle = await buildServer();
  if (!args.includes('--database')) {
    const data = args.indexOf('--data');
    args = [...args, ...(await storeArgs(data >= 0 ? args[data + 1] : undefined))];
  }
  const child = fixture.track(spawn(nodePath, [bundle, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{"listening"'));
      if (!line) return;
      clearTimeout(timer);
      const { listening, port } = JSON.parse(line) as { listening: string; port: number };
      resolve({ child, url: listening, port, stderr: () => stderr });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
}

/** A throwaway redis-server (no persistence) on `bind`:`port`, resolved once it answers. */
export async function startRedis(fixture: Fixture, port: number, bind = '127.0.0.1'): Promise<ChildProcess> {
  const redis = fixture.track(spawn('redis-server', ['--port', String(port), '--bind', bind, '--protected-mode', 'no', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const { default: Redis } = await import('ioredis');
  const probe = new Redis(port, bind, { lazyConnect: true, retryStrategy: () => 100 });
  probe.on('error', () => undefined);
  try {
    await waitFor('redis up', () => probe.connect().then(() => true, () => redis.exitCode !== null && Promise.reject(new Error(`redis-server exited with ${redis.exitCode}`))));
  } finally {
    probe.disconnect();
  }
  return redis;
}

/** SIGTERM, then SIGKILL if it lingers; resolves when the process is gone. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}



/** A bare WebSocket speaking raw text, to send what no NetworkClient would. */
export class RawClient {
  readonly received: ServerMessage[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.received.push(decodeMessage(ServerMessage, data.toString(), 1 << 20)));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    socket.on('error', () => undefined);
  }
  /** `localAddress` (e.g. 127.0.0.2) makes the connection come from another loopback address. */
  static open(url: string, localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { localAddress });
      socket.once('open', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }
  /** Sends and waits for the reply carrying `id` (or an error with a null id). */
  async exchange(data: string | Buffer, id: number | null): Promise<ServerMessage> {
    const start = this.received.length;
    this.socket.send(data);
    return waitFor(`reply ${id}`, () => this.received.slice(start).find((m) => 'id' in m && m.id === id));
  }
  /** Sends a request built from `message` and waits for its reply. */
  request(message: { id: number; [key: string]: unknown }): Promise<ServerMessage> {
    return this.exchange(JSON.stringify(message), message.id);
  }
  close(): void {
    this.socket.terminate();
  }
}

/** The repository's tracked files as they are in the working tree, without dist/ or data: a fresh clone. */
export function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ra-readme-server-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  // `npm ci` would fill node_modules from the lock file; the installed one is the same
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

/** True when something listens on 127.0.0.1:`port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
