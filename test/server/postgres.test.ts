/**
 * The store on PostgreSQL (a real Debian PostgreSQL started by the tests): two server processes starting
 * together on a fresh database, a start against a database that is not there, the server's --help, and
 * PostgreSQL restarted under a running server.
 * The rest of the server tests run against PostgreSQL too under `npm run test:postgres`.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { HELP } from '../../src/server/cli';
import { migrations } from '../../src/server/migrations';
import { befriend, buildServer, errorCode, Fixture, freePort, spawnServer } from './support';
import { sharedPostgres } from './postgres';

describe('server: the store on PostgreSQL', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  after(() => fx.dispose());

  it('starts two processes together on a fresh database: both come up, the schema is applied once, and they share the accounts', async () => {
    const pg = await sharedPostgres();
    const url = await pg.createDatabase();
    // (the test database trusts loopback: a password in the URL is accepted and must never be shown)
    const withPassword = url.replace('postgres@', 'postgres:s3cret-pw@');
    const [east, west] = await Promise.all([spawnServer(fx, ['--port', '0', '--database', withPassword]), spawnServer(fx, ['--port', '0', '--database', url])]);
    const applied = await pg.admin((client) => client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'), url.split('/').pop());
    assert.deepEqual(applied.rows.map((r) => r.version), migrations.map((_, i) => i + 1));
    // an account made through one process signs in through the other
    const alice = await fx.user({ url: east.url }, 'alice');
    const laptop = fx.client();
    await laptop.connect(west.url, { token: alice.token! });
    assert.equal(laptop.account?.displayName, 'Alice');
    assert.match(east.stderr(), /listening on ws:\/\/127\.0\.0\.1:\d+ \(data in PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/ra_/);
    assert.doesNotMatch(east.stderr(), /s3cret-pw/);
    assert.match(west.stderr(), /listening on ws:\/\/127\.0\.0\.1:\d+ \(data in PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/ra_/);
  });

  it('refuses to start, clearly and without showing the password, when the database cannot be reached or is no URL', async () => {
    const bundle = await buildServer();
    const run = async (args: string[]) => {
      const child = fx.track(spawn(process.execPath, [bundle, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      return { code, output };
    };
    const nobody = await freePort();
    const unreachable = await run(['--database', `postgres://ra:s3cret-pw@127.0.0.1:${nobody}/ra`]);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.output, /server failed to start: cannot open the PostgreSQL store at postgres:\/\/ra:\*\*\*@127\.0\.0\.1:\d+\/ra: .*ECONNREFUSED/);
    assert.doesNotMatch(unreachable.output, /s3cret-pw/);
    const pg = await sharedPostgres();
    const missing = await run(['--database', pg.url('no_such_database')]);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /cannot open the PostgreSQL store at .*no_such_database: database "no_such_database" does not exist/);
    const notUrl = await run(['--database', 'mysql://ra:s3cret-pw@db/ra']);
    assert.equal(notUrl.code, 2);
    assert.match(notUrl.output, /--database must be a postgres:\/\/USER:PASSWORD@HOST:PORT\/DB URL/);
    assert.doesNotMatch(notUrl.output.split('Usage:')[0], /s3cret-pw/);
    assert.match(HELP, /--database URL +keep the store in PostgreSQL/);
  });

  it('fails requests with ERR_STORE_UNAVAILABLE while PostgreSQL restarts, writes nothing half, and recovers without a server restart', async () => {
    const pg = await sharedPostgres();
    const server = await fx.server({ databaseUrl: await pg.createDatabase() });
    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    const carol = await fx.user(server, 'carol');
    await befriend(alice, bob);
    const dropped: string[] = [];
    alice.onDidChangeConnectionState((state) => dropped.push(String(state)));
    await pg.restart(async () => {
      // PostgreSQL is down: each request is refused with the code the client shows, and the server stays up
      assert.equal(await errorCode(alice.invite('bob')), 'ERR_STORE_UNAVAILABLE');
      assert.equal(await errorCode(alice.createLink(60_000)), 'ERR_STORE_UNAVAILABLE');
      // the contact handshake writes two rows in one transaction: neither is written
      assert.equal(await errorCode(alice.addContact('carol')), 'ERR_STORE_UNAVAILABLE');
      assert.equal(await errorCode(bob.listInvitations()), 'ERR_STORE_UNAVAILABLE');
      // a device signing in meanwhile hears the same (its client retries on a reconnect; only a bad token ends that)
      assert.equal(await errorCode(fx.client().connect(server.url, { token: carol.token! })), 'ERR_STORE_UNAVAILABLE');
    });
    // back: the same server and the same connections work again, with nothing of what failed stored
    assert.deepEqual(await bob.listInvitations(), []);
    const invitation = await alice.invite('bob', 'after the restart');
    assert.deepEqual((await bob.listInvitations()).map((i) => [i.id, i.status]), [[invitation.id, 'pending']]);
    assert.deepEqual(alice.contacts.map((c) => [c.alias, c.status]), [['bob', 'accepted']]);
    await alice.addContact('carol');
    assert.ok((await alice.createLink(60_000)).id);
    const carolsLaptop = fx.client();
    await carolsLaptop.connect(server.url, { token: carol.token! });
    assert.deepEqual(carolsLaptop.contacts.map((c) => [c.alias, c.status]), [['alice', 'incoming']]);
    assert.equal(server.connectionCount, 4);
    assert.ok(carol.account);
    assert.deepEqual(dropped, []);
  });
});
