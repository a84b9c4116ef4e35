import { strict as assert } from 'assert';
import { execFile, execFileSync, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { get as httpsGet } from 'https';
import { join } from 'path';
import { promisify } from 'util';
import WebSocket from 'ws';
import { buildServer, Fixture, spawnServer } from './support';

const run = promisify(execFile);

describe('server: command line, health and TLS', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('documents every option in --help and rejects bad ones', async () => {
    const bundle = await buildServer();
    const { stdout } = await run(process.execPath, [bundle, '--help']);
    for (const option of ['--port', '--host', '--data', '--tls-cert', '--tls-key', '--join-password', '--invite-expiry', '--redis', '--max-connections-per-address', '--accounts-per-address', '--health-token', '--stun', '--turn', '--turn-secret', '--turn-ttl', '--oidc-issuer', '--oidc-client-id', '--admins', '--shutdown-grace', '--help', '/healthz', '/metrics']) {
      assert.ok(stdout.includes(option), `--help lacks ${option}`);
    }
    const turnBad = [
      ['--turn', 'turn:relay.example.com:3478'], // no secret: never a fixed password
      ['--turn', 'turn:relay.example.com:3478', '--turn-secret', 'short'],
      ['--turn', 'http://relay.example.com', '--turn-secret', 'a-long-enough-secret'],
      ['--stun', 'stun:relay.example.com:99999'],
      ['--turn', 'turns:relay.example.com:443?transport=tcp', '--turn-secret', 'a-long-enough-secret', '--turn-ttl', '10s'],
    ];
    for (const bad of [['--port', 'x'], ['--max-connections-per-address', '0'], ['--invite-expiry', 'soon'], ['--shutdown-grace', 'soon'], ['--tls-cert', 'a.pem'], ['--frobnicate'], ...turnBad]) {
      const failed = await run(process.execPath, [bundle, ...bad]).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      assert.equal(failed?.code, 2, `${bad.join(' ')} should exit 2`);
      assert.ok(failed.stderr.length > 0);
    }
  });

  it('answers GET /healthz with JSON on loopback', async () => {
    const server = await spawnServer(fx, ['--port', '0', '--data', fx.tempDir()]);
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('content-type'), 'application/json');
    const body = (await health.json()) as { status: string; connections: number };
    assert.equal(body.status, 'ok');
    assert.equal(body.connections, 0);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/admin`)).status, 404);
  });

  describe('from another machine (a network namespace)', () => {
    const NS = 'rs1-hz';
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    before(() => {
      ip('netns', 'add', NS);
      ip('link', 'add', 'rs1-hz0', 'type', 'veth', 'peer', 'name', 'rs1-hz1');
      ip('link', 'set', 'rs1-hz1', 'netns', NS);
      ip('addr', 'add', '10.213.7.1/30', 'dev', 'rs1-hz0');
      ip('link', 'set', 'rs1-hz0', 'up');
      ip('netns', 'exec', NS, 'ip', 'addr', 'add', '10.213.7.2/30', 'dev', 'rs1-hz1');
      ip('netns', 'exec', NS, 'ip', 'link', 'set', 'rs1-hz1', 'up');
      ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
    });
    after(async () => {
      await fx.dispose();
      for (const args of [['link', 'del', 'rs1-hz0'], ['netns', 'del', NS]]) {
        try {
          ip(...args);
        } catch {
          // already gone
        }
      }
    });

    it('keeps /healthz to {"status":"ok"} for other addresses unless they give the token', async () => {
      const bundle = await buildServer();
      const child = fx.track(spawn('ip', ['netns', 'exec', NS, process.execPath, bundle, '--host', '0.0.0.0', '--port', '0', '--data', fx.tempDir(), '--health-token', 'probe-token']));
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.startsWith('{"listening"'));
          if (line) resolve((JSON.parse(line) as { port: number }).port);
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const url = `http://10.213.7.2:${port}/healthz`;
      assert.deepEqual(await (await fetch(url)).json(), { status: 'ok' });
      assert.deepEqual(await (await fetch(url, { headers: { authorization: 'Bearer wrong' } })).json(), { status: 'ok' });
      const told = (await (await fetch(url, { headers: { authorization: 'Bearer probe-token' } })).json()) as { connections?: number };
      assert.equal(told.connections, 0);
      // on the server's own machine (loopback) no token is needed
      const local = JSON.parse(execFileSync('ip', ['netns', 'exec', NS, process.execPath, '-e', `fetch('http://127.0.0.1:${port}/healthz').then((r) => r.text()).then((t) => process.stdout.write(t))`], { encoding: 'utf8' })) as { uptimeS?: number };
      assert.equal(typeof local.uptimeS, 'number');
    });
  });

  it('refuses WebSocket connections from web pages (they carry an Origin) other than its own helper page', async () => {
    const server = await fx.server();
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(server.url, { origin });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => (socket.close(), resolve(101)));
        socket.on('error', () => undefined);
      });
    assert.equal(await status('https://evil.example'), 401);
    // a DNS name rebound to this server's address is not its own page, whatever Host the request claims
    const port = new URL(server.url).port;
    assert.equal(await status(`http://rebound.example:${port}`), 401);
    // the /join page this server serves, at the address it listens on
    assert.equal(await status(`http://127.0.0.1:${port}`), 101);
    const fine = await fx.user(server, 'nodeclient');
    assert.equal(fine.connectionState, 'signedIn');
  });

  it('serves wss:// and https:// with a certificate, usable by NetworkClient', async () => {
    const dir = fx.tempDir();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = await spawnServer(fx, ['--port', '0', '--data', join(dir, 'data'), '--tls-cert', cert, '--tls-key', key, '--join-password', 'pw']);
    assert.match(server.url, /^wss:\/\//);
    const ca = readFileSync(cert);
    const status = await new Promise<number>((resolve, reject) =>
      httpsGet(`https://127.0.0.1:${server.port}/healthz`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    assert.equal(status, 200);
    const client = fx.client({ ca });
    await client.connect(server.url, { alias: 'secure', displayName: 'Secure', joinPassword: 'pw' });
    assert.equal(client.connectionState, 'signedIn');
    // without trusting the certificate the connection is refused
    const untrusting = fx.client();
    await assert.rejects(untrusting.connect(server.url, { alias: 'other', displayName: 'Other', joinPassword: 'pw' }), /ERR_NOT_CONNECTED|self-signed|certificate/);
  });
});
