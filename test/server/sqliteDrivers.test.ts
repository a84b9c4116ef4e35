/**
 * The two SQLite drivers. Desktop VS Code runs the extension (and so the embedded team server and direct
 * links) in Electron, whose Node ABI does not match a native addon built for Node: there the server uses
 * SQLite compiled to WebAssembly. Both tests run the real server and clients on loopback.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { isAddonLoadError } from '../../src/server/Database';
import { befriend, errorCode, Fixture, nextEvent, spawnServer, stopProcess, waitFor } from './support';
import NODE_EXTERNALS from '../../scripts/node-externals.json';

const ROOT = join(__dirname, '..', '..');

describe('server: SQLite drivers', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  after(() => fx.dispose());

  it('serves accounts, contacts, invitations, links and sessions on the WebAssembly driver and keeps them across a restart', async () => {
    const dataDir = fx.tempDir();
    let server = await fx.server({ dataDir, sqlite: 'wasm' });
    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    await befriend(alice, bob);
    const pending = await alice.invite('bob', 'still there after a restart?');
    const link = await alice.createLink(60_000);
    const zoe = await fx.user(server, 'zoe');
    assert.equal(await errorCode(zoe.redeemLink(link.id, `${link.secret}x`)), 'ERR_BAD_SECRET');
    const session = await zoe.redeemLink(link.id, link.secret);
    assert.equal(session.peer.alias, 'alice');
    assert.equal(await errorCode(bob.redeemLink(link.id, link.secret)), 'ERR_LINK_USED');
    const token = alice.token!;
    for (const client of [alice, bob, zoe]) client.dispose();
    await server.close();

    server = await fx.server({ dataDir, sqlite: 'wasm' });
    const laptop = fx.client();
    await laptop.connect(server.url, { token });
    assert.equal(laptop.account?.displayName, 'Alice');
    assert.deepEqual(laptop.contacts.map((c) => [c.alias, c.status]), [['bob', 'accepted']]);
    const listed = await laptop.listInvitations();
    assert.deepEqual(listed.filter((i) => i.id === pending.id).map((i) => [i.status, i.note]), [['pending', 'still there after a restart?']]);
  });

  it('starts four processes together on one fresh data directory: all come up (none finds it locked) and share the accounts', async () => {
    const dataDir = fx.tempDir();
    const servers = await Promise.all([0, 1, 2, 3].map(() => spawnServer(fx, ['--port', '0', '--data', dataDir])));
    const alice = await fx.user({ url: servers[0].url }, 'alice');
    for (const server of servers.slice(1)) {
      const laptop = fx.client();
      await laptop.connect(server.url, { token: alice.token! });
      assert.equal(laptop.account?.displayName, 'Alice');
    }
  });

  it('falls back to the WebAssembly driver, and says so, where the native addon does not load', async () => {
    // A shipped extension whose better-sqlite3 addon cannot load here, as in Electron: same loader, bad binary.
    const app = fx.tempDir();
    await build({ entryPoints: [join(ROOT, 'src/server/main.ts')], outfile: join(app, 'dist/server.js'), bundle: true, platform: 'node', target: 'node20', external: NODE_EXTERNALS, logLevel: 'silent' });
    const modules = join(app, 'node_modules');
    mkdirSync(join(modules, 'better-sqlite3/build/Release'), { recursive: true });
    cpSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), join(modules, 'better-sqlite3/package.json'));
    cpSync(join(ROOT, 'node_modules/better-sqlite3/lib'), join(modules, 'better-sqlite3/lib'), { recursive: true });
    writeFileSync(join(modules, 'better-sqlite3/build/Release/better_sqlite3.node'), 'built for another Node ABI');
    for (const name of ['bindings', 'file-uri-to-path', 'node-sqlite3-wasm']) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));

    const data = fx.tempDir();
    const start = async () => {
      const child = fx.track(spawn(process.execPath, [join(app, 'dist/server.js'), '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] }));
      const output = { stdout: '', stderr: '' };
      child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const line = await Promise.race([
        waitFor('the server listening', () => output.stdout.split('\n').find((l) => l.startsWith('{"listening"')), 20_000),
        exited.then(() => undefined),
      ]);
      return { child, output, url: line && (JSON.parse(line) as { listening: string }).listening, exited };
    };
    const first = await start();
    assert.match(first.output.stderr, /native SQLite does not load in this runtime .*using the portable WebAssembly build/);
    const carol = await fx.user({ url: first.url! }, 'carol');
    const dave = await fx.user({ url: first.url! }, 'dave');
    await befriend(carol, dave);
    const received = nextEvent(dave.onDidReceiveInvitation);
    await carol.invite('dave');
    assert.equal((await received).from.alias, 'carol');

    // A second server on the same directory is refused clearly while the first runs.
    const second = await start();
    await second.exited;
    assert.equal(second.url, undefined);
    assert.match(second.output.stderr, new RegExp(`data directory is in use by server process ${first.child.pid}`));

    // A crash leaves the owner file (and, mid-statement, SQLite's lock directory) behind; the next start sees
    // the owner is gone and carries on with the data.
    const token = carol.token!;
    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(existsSync(join(data, 'network.sqlite.owner')));
    mkdirSync(join(data, 'network.sqlite.lock'), { recursive: true });
    const third = await start();
    const again = fx.client();
    await again.connect(third.url!, { token });
    assert.deepEqual(again.contacts.map((c) => [c.alias, c.status]), [['dave', 'accepted']]);
    await stopProcess(third.child);
  });

  it('recognises an addon that cannot load, and nothing else', () => {
    let dlopenError: unknown;
    try {
      process.dlopen({ exports: {} } as NodeJS.Module, join(ROOT, 'package.json'));
    } catch (err) {
      dlopenError = err;
    }
    assert.ok(isAddonLoadError(dlopenError), String(dlopenError));
    assert.equal(isAddonLoadError(new Error('SQLITE_CORRUPT: database disk image is malformed')), false);
  });
});
