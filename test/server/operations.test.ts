import { strict as assert } from 'assert';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import Redis from 'ioredis';
import type { Logger } from '../../src/common/logger';
import { FailoverProxy } from './FailoverProxy';
import { befriend, errorCode, Fixture, freePort, nextEvent, RawClient, spawnServer, waitFor, type ServerProcess } from './support';

/** One parsed line of the server's JSON log. */
interface LogLine {
  level: string;
  time: string;
  msg: string;
  event?: string;
  [field: string]: unknown;
}

/** Every line the process wrote to stderr, each parsed as JSON (fails on a line that is not). */
function logLines(server: ServerProcess): LogLine[] {
  return server
    .stderr()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`log line is not JSON: ${line}`);
      }
    });
}

/** The value of one sample in Prometheus text format (`name` or `name{label="v"}`), undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function metrics(port: number, host = '127.0.0.1', headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://${host}:${port}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A logger that keeps what a NetworkClient reports (its "connection lost (code)" line). */
function recordingLogger(lines: string[]): Logger {
  const keep = (message: string) => void lines.push(message);
  return { debug: keep, info: keep, warn: keep, error: keep };
}

describe('server: operations (JSON log, /metrics, graceful shutdown)', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  afterEach(() => fx.dispose());

  it('logs one JSON line per event and counts sign-ins, invitations, relay messages and errors in /metrics', async () => {
    const server = await spawnServer(fx, ['--port', '0', '--data', fx.tempDir()]);
    const before = await metrics(server.port);
    assert.equal(before.status, 200);
    assert.match(before.type ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(before.text, 'remote_assist_connected_clients'), 0);
    assert.equal(sample(before.text, 'remote_assist_invitations_total'), 0);
    for (const series of ['nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes', 'process_cpu_seconds_total']) {
      assert.notEqual(sample(before.text, series), undefined, `${series} missing`);
    }

    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    await befriend(alice, bob);
    const received = nextEvent(bob.onDidReceiveInvitation);
    const invitation = await alice.invite('bob', 'my build fails');
    await received;
    const started = nextEvent(alice.onDidStartSession);
    const session = await bob.acceptInvitation(invitation.id);
    await started;
    const signal = nextEvent(alice.onDidReceiveSignal);
    await bob.sendSignal(session.id, '{"sdp":"offer"}');
    await signal;
    assert.equal(await errorCode(fx.client().connect(server.url, { token: 'not-a-token-this-server-issued' })), 'ERR_BAD_TOKEN');

    const after = await waitFor('the counters to move', async () => {
      const now = await metrics(server.port);
      return sample(now.text, 'remote_assist_relay_messages_total') === 1 && sample(now.text, 'remote_assist_connected_clients') === 2 ? now.text : undefined;
    });
    assert.equal(sample(after, 'remote_assist_sign_ins_total{result="ok"}'), 2);
    assert.equal(sample(after, 'remote_assist_sign_ins_total{result="ERR_BAD_TOKEN"}'), 1);
    assert.equal(sample(after, 'remote_assist_errors_total{code="ERR_BAD_TOKEN"}'), 1);
    assert.equal(sample(after, 'remote_assist_invitations_total'), 1);
    assert.equal(sample(after, 'remote_assist_connections_total'), 3);
    assert.equal(sample(after, 'remote_assist_signed_in_clients'), 2);

    const lines = await waitFor('the refused sign-in in the log', () => {
      const all = logLines(server);
      return all.some((l) => l.event === 'connection.closed' && l.alias === undefined) ? all : undefined;
    });
    for (const line of lines) {
      assert.ok(['debug', 'info', 'warn', 'error'].includes(line.level), `level of ${JSON.stringify(line)}`);
      assert.ok(!Number.isNaN(Date.parse(line.time)), `time of ${JSON.stringify(line)}`);
      assert.equal(typeof line.msg, 'string');
    }
    const event = (name: string, match: Partial<LogLine> = {}) => lines.find((l) => l.event === name && Object.entries(match).every(([k, v]) => l[k] === v));
    assert.ok(event('listening', { url: server.url }));
    assert.ok(event('connection.opened', { address: '127.0.0.1' }));
    assert.ok(event('signIn.ok', { alias: 'alice', address: '127.0.0.1', method: 'signIn' }));
    assert.ok(event('signIn.ok', { alias: 'bob' }));
    assert.equal(event('signIn.refused', { code: 'ERR_BAD_TOKEN', method: 'signInWithToken' })?.level, 'warn');
    assert.ok(event('invitation.sent', { alias: 'alice', to: 'bob' }));
    assert.ok(event('connection.closed', { address: '127.0.0.1' }));
  });

  describe('from an address that is not loopback', () => {
    // a second, non-loopback address on this machine: a request to it comes from it
    const ADDRESS = '10.213.9.1';
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    before(() => ip('addr', 'add', `${ADDRESS}/32`, 'dev', 'lo'));
    after(() => ip('addr', 'del', `${ADDRESS}/32`, 'dev', 'lo'));

    it('answers /metrics with 401 without the token, 403 with a wrong one, and the figures with the right one', async () => {
      const server = await spawnServer(fx, ['--host', '0.0.0.0', '--port', '0', '--data', fx.tempDir(), '--health-token', 'probe-token']);
      const anonymous = await metrics(server.port, ADDRESS);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.text, '{"error":"unauthorized"}');
      const wrong = await metrics(server.port, ADDRESS, { authorization: 'Bearer guessed' });
      assert.equal(wrong.status, 403);
      assert.ok(!wrong.text.includes('remote_assist'));
      const allowed = await metrics(server.port, ADDRESS, { authorization: 'Bearer probe-token' });
      assert.equal(allowed.status, 200);
      assert.equal(sample(allowed.text, 'remote_assist_connected_clients'), 0);
      // /healthz keeps its rule: the same address sees only the status
      assert.deepEqual(await (await fetch(`http://${ADDRESS}:${server.port}/healthz`)).json(), { status: 'ok' });
    });
  });

  it('on SIGTERM asks connected clients to reconnect (1012) and exits 0', async () => {
    const server = await spawnServer(fx, ['--port', '0', '--data', fx.tempDir()]);
    const said: string[] = [];
    const alice = await fx.user(server, 'alice', 'Alice', { logger: recordingLogger(said) });
    const raw = await RawClient.open(server.url);
    await waitFor('both connections counted', async () => sample((await metrics(server.port)).text, 'remote_assist_connected_clients') === 2);
    const reconnecting = nextEvent(alice.onDidChangeConnectionState, (state) => state === 'reconnecting');
    const code = exited(server.child);
    server.child.kill('SIGTERM');
    assert.equal(await code, 0);
    await reconnecting;
    assert.deepEqual(raw.closed, { code: 1012, reason: 'server restarting; reconnect' });
    assert.ok(said.some((line) => line.startsWith('connection lost (1012)')), said.join('\n'));
    const events = logLines(server).map((l) => l.event);
    assert.deepEqual(
      events.filter((e) => e?.startsWith('s')),
      ['signIn.ok', 'shutdown', 'shutdown.drained', 'stopped'],
    );
    assert.equal(events.at(-1), 'stopped');
    assert.equal(logLines(server).find((l) => l.event === 'shutdown')?.clients, 2);
  });

  it('on SIGTERM closes a client that does not leave once --shutdown-grace has passed, and exits 0', async () => {
    const server = await spawnServer(fx, ['--port', '0', '--data', fx.tempDir(), '--shutdown-grace', '1s']);
    const stuck = await RawClient.open(server.url);
    // the client reads nothing more: it never answers the close frame
    (stuck.socket as unknown as { _socket: NodeJS.ReadableStream })._socket.pause();
    await waitFor('the connection counted', async () => sample((await metrics(server.port)).text, 'remote_assist_connected_clients') === 1);
    const code = exited(server.child);
    server.child.kill('SIGTERM');
    assert.equal(await code, 0);
    assert.equal(logLines(server).find((l) => l.event === 'shutdown.drained')?.remaining, 1);
    stuck.close();
  });

  describe('with Redis scale-out behind a balancer', () => {
    const redisFx = new Fixture();
    let redisPort = 0;
    before(async () => {
      redisPort = await freePort();
      redisFx.track(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
      const probe = new Redis(redisPort, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100 });
      probe.on('error', () => undefined);
      await waitFor('redis up', () => probe.connect().then(() => true, () => false));
      probe.disconnect();
    });
    after(() => redisFx.dispose());

    it('on SIGTERM hands its clients to another process: they reconnect through the balancer, reachable as before', async () => {
      const args = ['--port', '0', '--data', fx.tempDir(), '--redis', `redis://127.0.0.1:${redisPort}`, '--redis-node-ttl', '1.5s'];
      const [east, west] = await Promise.all([spawnServer(fx, args), spawnServer(fx, args)]);
      const balancer = await FailoverProxy.start([east.port, west.port]);
      try {
        const alice = await fx.user({ url: balancer.url }, 'alice');
        const bob = await fx.user(west, 'bob');
        await befriend(alice, bob);
        await waitFor('alice on east', async () => sample((await metrics(east.port)).text, 'remote_assist_connected_clients') === 1);

        const backOnWest = nextEvent(alice.onDidChangeConnectionState, (state) => state === 'signedIn', 20_000);
        const code = exited(east.child);
        east.child.kill('SIGTERM');
        assert.equal(await code, 0);
        await backOnWest;
        await waitFor('both signed in on west', async () => sample((await metrics(west.port)).text, 'remote_assist_signed_in_clients') === 2);
        await waitFor('bob to see alice online', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'online');

        const received = nextEvent(alice.onDidReceiveInvitation);
        await bob.invite('alice', 'after the restart');
        assert.equal((await received).from.alias, 'bob');
      } finally {
        await balancer.close();
      }
    });
  });
});
