/**
 * A real PostgreSQL (Debian's postgresql 15) for the server tests, started once per mocha run in a temporary
 * directory on a free port, and removed when the run ends. PostgreSQL refuses to run as root: as root it runs
 * as the `postgres` system user (setpriv execs it, so the child is postgres itself and signals reach it).
 *
 * REMOTE_ASSIST_TEST_STORE=postgres (npm run test:postgres) runs the server tests against it: each data
 * directory a test gives a server becomes a database of its own (the same directory, the same database).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir, userInfo } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { freePort } from '../../scripts/stack/poll';

const BIN = process.env.REMOTE_ASSIST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export const testStoreIsPostgres = process.env.REMOTE_ASSIST_TEST_STORE === 'postgres';

function asPostgresUser(command: string, args: string[]): [string, string[]] {
  if (userInfo().uid !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]];
}

export class TestPostgres {
  private child: ChildProcess | undefined;
  private databases = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly listen: string,
  ) {}

  /**
   * initdb in a fresh temporary directory, then the server on a free port of loopback — and of `network`'s
   * address too when given (`{ address, cidr }`: e.g. a bridge that namespaced machines reach it through).
   */
  static async start(network?: { address: string; cidr: string }): Promise<TestPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'ra-pg-test-'));
    if (userInfo().uid === 0) {
      const postgres = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const group = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(dir, postgres, group);
    }
    chmodSync(dir, 0o700);
    const [cmd, args] = asPostgresUser(join(BIN, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    execFileSync(cmd, args, { stdio: 'ignore' });
    if (network) appendFileSync(join(dir, 'data', 'pg_hba.conf'), `host all all ${network.cidr} trust\n`);
    const pg = new TestPostgres(dir, await freePort(), network ? `127.0.0.1,${network.address}` : '127.0.0.1');
    await pg.run();
    return pg;
  }

  /** A URL for the admin database (`postgres`) or another one, on `host` (loopback unless told). */
  url(database = 'postgres', host = '127.0.0.1'): string {
    return `postgres://postgres@${host}:${this.port}/${database}`;
  }

  /** A new, empty database; its URL (on `host`). */
  async createDatabase(host?: string): Promise<string> {
    const name = `ra_${process.pid}_${++this.databases}`;
    await this.admin((client) => client.query(`CREATE DATABASE ${name}`));
    return this.url(name, host);
  }

  async admin<T>(use: (client: Client) => Promise<T>, database = 'postgres'): Promise<T> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }

  /** Stops PostgreSQL (fast shutdown: open connections are cut) and starts it again on the same port and data. */
  async restart(whileDown: () => Promise<void> = async () => undefined): Promise<void> {
    await this.stop();
    await whileDown();
    await this.run();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  }

  /** Stops it at once and removes its directory (synchronous: also from an exit handler). */
  destroy(): void {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGQUIT');
      spawnSync('sh', ['-c', `while kill -0 ${this.child.pid} 2>/dev/null; do sleep 0.05; done`], { timeout: 10_000 });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    const [cmd, args] = asPostgresUser(join(BIN, 'postgres'), [
      '-D', join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir, '-c', `listen_addresses=${this.listen}`,
      // a test database: nothing needs to survive a crash of the machine
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
    ]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`PostgreSQL exited: ${log}`);
      try {
        await this.admin((client) => client.query('SELECT 1'));
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${String(err)}\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}

let shared: Promise<TestPostgres> | undefined;

/** The run's PostgreSQL, started on first use and removed when the test process exits. */
export function sharedPostgres(): Promise<TestPostgres> {
  shared ??= TestPostgres.start().then((pg) => {
    process.once('exit', () => pg.destroy());
    return pg;
  });
  return shared;
}

const byDataDir = new Map<string, Promise<string>>();

/** The database standing for a server's data directory under REMOTE_ASSIST_TEST_STORE=postgres (a fresh one without a directory). */
export async function databaseFor(dataDir: string | undefined): Promise<string> {
  const pg = await sharedPostgres();
  if (dataDir === undefined) return pg.createDatabase();
  let url = byDataDir.get(dataDir);
  if (!url) byDataDir.set(dataDir, (url = pg.createDatabase()));
  return url;
}
