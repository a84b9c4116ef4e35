/**
 * ClusterLab: the assistance network as a company runs it, on one machine (needs root, iproute2, redis-server,
 * haproxy). Each "machine" is a network namespace with an address of its own on a bridge; server processes
 * run inside them; Redis and HAProxy run on the bridge's own address, the balancer started with exactly the
 * committed deploy/haproxy/haproxy.cfg (addresses through its environment variables). Clients use only the
 * balancer's address.
 *
 *   this machine: bridge clbr0 10.77.0.1/24 — redis-server, haproxy (clients: 127.0.0.1:<port>)
 *     ├─ veth cl-h1v ↔ eth0 in namespace cl-h1, 10.77.0.11 — server processes on ports 7420, 7421, …
 *     └─ veth cl-h2v ↔ eth0 in namespace cl-h2, 10.77.0.12 — …
 *
 * Everything it creates is named cl… (options.network: another prefix and subnet, so that a bench and the tests
 * can run side by side); dispose() (and the next start of a lab with that prefix, after a killed run) removes it.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { chmodSync, writeFileSync } from 'fs';
import { join } from 'path';
import { TestPostgres } from '../server/postgres';
import { Fixture, freePort, spawnServer, startRedis, waitFor, type ServerProcess } from '../server/support';

export const HAPROXY_CONFIG = join(__dirname, '..', '..', 'deploy', 'haproxy', 'haproxy.cfg');

/** The names and addresses of a lab: `prefix` of its bridge, namespaces and veths; `subnet` the first three octets of its /24. */
export interface LabNetwork {
  readonly prefix: string;
  readonly subnet: string;
}
/** cl… on 10.77.0.0/24, or CLUSTER_LAB_NETWORK=PREFIX:SUBNET (e.g. cc:10.79.0) for a lab beside another one (two checkouts). */
const DEFAULT_NETWORK: LabNetwork = (() => {
  const [prefix, subnet] = (process.env.CLUSTER_LAB_NETWORK ?? 'cl:10.77.0').split(':');
  if (!/^[a-z]{1,6}$/.test(prefix) || !/^10\.\d{1,3}\.\d{1,3}$/.test(subnet ?? '')) throw new Error(`CLUSTER_LAB_NETWORK must be PREFIX:SUBNET like cc:10.79.0, got ${process.env.CLUSTER_LAB_NETWORK}`);
  return { prefix, subnet };
})();
const bridgeOf = (network: LabNetwork) => `${network.prefix}br0`;
const bridgeAddressOf = (network: LabNetwork) => `${network.subnet}.1`;
const FIRST_PORT = 7420;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/**
 * The store arguments of every server process, made once per lab: `work` a directory of the lab's own,
 * `address` the bridge's (reachable from every machine), `fixture` what stops the lab's processes.
 */
export type DatabaseArgs = (lab: { work: string; address: string; fixture: Fixture }) => string[] | Promise<string[]>;
export const sharedSqlite: DatabaseArgs = ({ work }) => ['--data', join(work, 'data')];
/** A PostgreSQL of the lab's own on the bridge's address (every machine reaches it), removed with the lab. */
export const labPostgres: DatabaseArgs = async ({ address, fixture }) => {
  const pg = await TestPostgres.start({ address, cidr: `${address}/24` });
  fixture.defer(() => pg.destroy());
  return ['--database', await pg.createDatabase(address)];
};
/** The store of every lab (tests and bench:cluster): one PostgreSQL that the machines share, as a company runs it. */
export const LAB_DATABASE: DatabaseArgs = labPostgres;

export interface ClusterLabOptions {
  /** The store arguments of every server process (default LAB_DATABASE). */
  readonly database?: DatabaseArgs;
  /** Machines (namespaces), and server processes on each. The committed HAProxy config names two backends. */
  readonly machines?: number;
  readonly processesPerMachine?: number;
  /** HAProxy configuration file (default: the committed one); the bench writes one with more backends. */
  readonly haproxyConfig?: string;
  /** More arguments for every server process. */
  readonly serverArgs?: readonly string[];
  /** Node's own options for every server process (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** The lab's names and subnet (default cl…, 10.77.0.0/24). */
  readonly network?: LabNetwork;
  /**
   * HAProxy instances, each with the same config and all the processes (default 1): beyond one balancer's
   * descriptors a company runs several and spreads clients over them (DNS round-robin).
   */
  readonly balancers?: number;
}

export interface LabServer {
  readonly name: string;
  readonly namespace: string;
  /** host:port the balancer reaches it at. */
  readonly address: string;
  process: ServerProcess;
}

/** Removes the namespaces and bridge of the lab named by `network` (also those a killed run left behind). */
export function removeLabNetwork(network: LabNetwork = DEFAULT_NETWORK): void {
  const namespace = new RegExp(`^${network.prefix}-h\\d+$`);
  for (const ns of execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((line) => line.split(' ')[0])) {
    if (namespace.test(ns)) ip('netns', 'del', ns); // takes its end of the veth, and with it the pair
  }
  try {
    ip('link', 'del', bridgeOf(network));
  } catch {
    // not there
  }
}

/** The JSON log lines of one server process with this `event`. */
export function logEvents(server: LabServer, event: string): Record<string, unknown>[] {
  return server.process
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export class ClusterLab {
  readonly fx = new Fixture();
  readonly servers: LabServer[] = [];
  readonly work = this.fx.tempDir();
  /** ws:// address of the (first) balancer: the only one clients use. */
  balancerUrl = '';
  /** ws:// addresses of every balancer (options.balancers). */
  readonly balancerUrls: string[] = [];
  redisUrl = '';
  private redisPort = 0;
  private redis: ChildProcess | undefined;
  private haproxyLog = '';
  private serverArgs: string[] = [];
  private readonly network: LabNetwork;

  private constructor(private readonly options: ClusterLabOptions) {
    this.network = options.network ?? DEFAULT_NETWORK;
  }

  static async start(options: ClusterLabOptions = {}): Promise<ClusterLab> {
    if (process.getuid?.() !== 0) throw new Error('ClusterLab needs root: it puts server processes into network namespaces');
    const lab = new ClusterLab(options);
    try {
      await lab.build();
    } catch (err) {
      await lab.dispose();
      throw err;
    }
    return lab;
  }

  /** The shared store's URL (postgres://…), or undefined when the lab runs on another store. */
  get databaseUrl(): string | undefined {
    const at = this.serverArgs.indexOf('--database');
    return at >= 0 ? this.serverArgs[at + 1] : undefined;
  }

    /** HAProxy's own log (one line per request or tunnel, and its health-check transitions). */
  get balancerLog(): string {
    return this.haproxyLog;
  }

  /** The running server process where `alias` signed in (from the JSON logs). */
  /** The live server process whose log shows `alias` signed in; waits for the line (the log is written asynchronously). */
  serverOf(alias: string): Promise<LabServer> {
    const live = () => this.servers.filter((s) => s.process.child.exitCode === null && s.process.child.signalCode === null);
    return waitFor(`${alias}'s sign-in in a live server's log`, () => live().find((s) => logEvents(s, 'signIn.ok').some((line) => line.alias === alias)));
  }

  /** Kills a server process without a word (SIGKILL). */
  kill(server: LabServer): void {
    server.process.child.kill('SIGKILL');
  }

  /** Kills Redis (SIGKILL: nothing saved) and starts an empty one on the same address. */
  async restartRedis(): Promise<void> {
    const old = this.redis!;
    const gone = new Promise((resolve) => old.once('exit', resolve));
    old.kill('SIGKILL');
    await gone;
    this.redis = await startRedis(this.fx, this.redisPort, bridgeAddressOf(this.network));
  }

  async dispose(): Promise<void> {
    await this.fx.dispose();
    removeLabNetwork(this.network);
  }

  private async build(): Promise<void> {
    removeLabNetwork(this.network);
    const machines = this.options.machines ?? 2;
    const bridge = bridgeOf(this.network);
    const bridgeAddress = bridgeAddressOf(this.network);
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${bridgeAddress}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    const hosts: { ns: string; address: string; node: string }[] = [];
    for (let m = 1; m <= machines; m++) {
      const ns = `${this.network.prefix}-h${m}`;
      const address = `${this.network.subnet}.${10 + m}`;
      ip('netns', 'add', ns);
      ip('link', 'add', `${ns}v`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('link', 'set', `${ns}v`, 'master', bridge);
      ip('link', 'set', `${ns}v`, 'up');
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      // a Node that runs inside the namespace (exec: the process id stays the server's, for SIGKILL)
      const node = join(this.work, `node-${ns}`);
      writeFileSync(node, `#!/bin/sh\nexec ip netns exec ${ns} ${[process.execPath, ...(this.options.nodeArgs ?? [])].join(' ')} "$@"\n`);
      chmodSync(node, 0o755);
      hosts.push({ ns, address, node });
    }

    this.redisPort = await freePort();
    this.redisUrl = `redis://${bridgeAddress}:${this.redisPort}`;
    this.redis = await startRedis(this.fx, this.redisPort, bridgeAddress);

    const database = await (this.options.database ?? LAB_DATABASE)({ work: this.work, address: bridgeAddress, fixture: this.fx });
    this.serverArgs = [...database, '--redis', this.redisUrl, '--redis-node-ttl', '1.5s', '--trusted-proxy', bridgeAddress, ...(this.options.serverArgs ?? [])];
    const starting: Promise<void>[] = [];
    for (const host of hosts) {
      for (let k = 0; k < (this.options.processesPerMachine ?? 1); k++) {
        const port = FIRST_PORT + k;
        const name = `${host.ns}:${port}`;
        starting.push(
          spawnServer(this.fx, ['--host', host.address, '--port', String(port), ...this.serverArgs], {}, host.node).then((process) => {
            this.servers.push({ name, namespace: host.ns, address: `${host.address}:${port}`, process });
          }),
        );
      }
    }
    await Promise.all(starting);
    this.servers.sort((a, b) => a.name.localeCompare(b.name));
    for (let b = 0; b < (this.options.balancers ?? 1); b++) this.balancerUrls.push(await this.startBalancer());
    this.balancerUrl = this.balancerUrls[0];
  }

  /** Starts one HAProxy in front of every process; returns its ws:// address. */
  private async startBalancer(): Promise<string> {
    const listen = `127.0.0.1:${await freePort()}`;
    const env: NodeJS.ProcessEnv = { ...process.env, RA_LISTEN: listen };
    this.servers.forEach((server, i) => (env[`RA_BACKEND_${i + 1}`] = server.address));
    const config = this.options.haproxyConfig ?? HAPROXY_CONFIG;
    execFileSync('haproxy', ['-c', '-q', '-f', config], { env, stdio: 'pipe' });
    // -db: in the foreground, logging to its stdout
    const haproxy = this.fx.track(spawn('haproxy', ['-db', '-f', config], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    for (const stream of [haproxy.stdout!, haproxy.stderr!]) stream.on('data', (chunk: Buffer) => (this.haproxyLog += chunk.toString()));
    await waitFor('haproxy to answer /healthz', () =>
      fetch(`http://${listen}/healthz`).then(
        (res) => res.ok,
        () => haproxy.exitCode !== null && Promise.reject(new Error(`haproxy exited: ${this.haproxyLog}`)),
      ),
    );
    return `ws://${listen}`;
  }
}
