import { strict as assert } from 'assert';
import { execFile, execFileSync } from 'child_process';
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
    for (const option of ['--port', '--host', '--data', '--tls-cert', '--tls-key', '--join-password', '--invite-expiry', '--redis', '--stun', '--turn', '--turn-secret', '--turn-ttl', '--help', '/healthz']) {
      assert.ok(stdout.includes(option), `--help lacks ${option}`);
    }
    const turnBad = [
      ['--turn', 'turn:relay.example.com:3478'], // no secret: never a fixed password
      ['--turn', 'turn:relay.example.com:3478', '--turn-secret', 'short'],
      ['--turn', 'http://relay.example.com', '--turn-secret', 'a-long-enough-secret'],
      ['--stun', 'stun:relay.example.com:99999'],
      ['--turn', 'turns:relay.example.com:443?transport=tcp', '--turn-secret', 'a-long-enough-secret', '--turn-ttl', '10s'],
    ];
    for (const bad of [['--port', 'x'], ['--invite-expiry', 'soon'], ['--tls-cert', 'a.pem'], ['--frobnicate'], ...turnBad]) {
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

  it('refuses WebSocket connections from web pages (they carry an Origin)', async () => {
    const server = await fx.server();
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(server.url, { origin: 'https://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    assert.equal(refused, 401);
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
