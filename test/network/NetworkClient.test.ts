import { strict as assert } from 'assert';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConnectionStateMachine, type ConnectionState } from '../../src/network/ConnectionStateMachine';
import { NetworkError } from '../../src/network/NetworkError';
import { befriend, errorCode, Fixture, nextEvent, waitFor } from '../server/support';

/** A server that does not follow the protocol: the client must not trust what it says. */
async function hostileServer(onMessage: (socket: WebSocket, message: { type: string; id: number }) => void): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => socket.on('message', (data) => onMessage(socket, JSON.parse(data.toString()) as { type: string; id: number })));
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

describe('network client', () => {
  const fx = new Fixture();
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers) await close();
    await fx.dispose();
  });

  it('allows only the documented connection state transitions', () => {
    const seen: ConnectionState[] = [];
    const machine = new ConnectionStateMachine((s) => seen.push(s));
    machine.to('connecting');
    machine.to('signedIn');
    machine.to('reconnecting');
    assert.throws(() => machine.to('signedIn'), /illegal connection state transition reconnecting -> signedIn/);
    machine.to('disposed');
    assert.throws(() => machine.to('connecting'), (err: Error & { code?: string }) => err.code === 'ERR_ILLEGAL_TRANSITION');
    assert.deepEqual(seen, ['connecting', 'signedIn', 'reconnecting', 'disposed']);
  });

  it('fails clearly: unreachable server, requests before sign-in, disposal with a request in flight', async () => {
    const client = fx.client();
    for (const bad of ['http://127.0.0.1:7420', 'ws://', 'not a url', 'ws://exa mple:1']) {
      assert.equal(await errorCode(client.connect(bad)), 'ERR_MALFORMED', bad);
      assert.equal(client.connectionState, 'disconnected');
    }
    const unreachable = await errorCode(client.connect('ws://127.0.0.1:9', { alias: 'x1', displayName: 'X' }));
    assert.equal(unreachable, 'ERR_NOT_CONNECTED');
    assert.equal(client.connectionState, 'disconnected');
    assert.equal(await errorCode(client.invite('bob')), 'ERR_NOT_CONNECTED');

    // a server that never answers: the request is pending when the client is disposed
    const silent = await hostileServer(() => undefined);
    closers.push(silent.close);
    const waiting = fx.client({ requestTimeoutMs: 60_000 });
    await waiting.connect(silent.url);
    const signIn = waiting.signIn('patient', 'Patient');
    waiting.dispose();
    assert.equal(await errorCode(signIn), 'ERR_DISPOSED');
    assert.equal(waiting.connectionState, 'disposed');
    await assert.rejects(waiting.connect(silent.url), (err: unknown) => err instanceof NetworkError && err.code === 'ERR_DISPOSED');

    const slow = fx.client({ requestTimeoutMs: 200 });
    await slow.connect(silent.url);
    assert.equal(await errorCode(slow.signIn('slow', 'Slow')), 'ERR_TIMEOUT');
  });

  it('rejects malformed replies and ignores malformed events from a hostile server', async () => {
    const hostile = await hostileServer((socket, message) => {
      if (message.type === 'signIn') {
        socket.send(JSON.stringify({ type: 'signedIn', id: message.id, account: { alias: '../../root', displayName: 'x' }, contacts: [], invitations: [], sessions: [] }));
      } else if (message.type === 'signInWithToken') {
        socket.send(JSON.stringify({ type: 'contacts', contacts: [{ alias: 'evil', displayName: 'E', status: 'owner', presence: 'online' }] }));
        socket.send('not json');
        socket.send(JSON.stringify({ type: 'signedIn', id: message.id, account: { alias: 'fine', displayName: 'Fine' }, contacts: [], invitations: [], sessions: [] }));
      }
    });
    closers.push(hostile.close);
    const client = fx.client();
    await client.connect(hostile.url);
    assert.equal(await errorCode(client.signIn('someone', 'Someone')), 'ERR_BAD_SERVER_MESSAGE');
    assert.equal(client.account, undefined);
    assert.deepEqual(await client.signInWithToken('abc.def'), { alias: 'fine', displayName: 'Fine' });
    assert.deepEqual(client.contacts, []);
  });

  it('reconnects with growing backoff while the server is down and resumes when it is back', async () => {
    const dataDir = fx.tempDir();
    const server = await fx.server({ port: 0, dataDir });
    const port = server.port;
    const client = fx.client({ initialBackoffMs: 50, maxBackoffMs: 400 });
    await client.connect(server.url, { alias: 'phoenix', displayName: 'Phoenix' });
    const attempts: number[] = [];
    client.onDidChangeConnectionState((s) => s === 'connecting' && attempts.push(Date.now()));
    await server.close();
    await waitFor('several reconnect attempts', () => attempts.length >= 5, 10_000);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    assert.ok(gaps.at(-1)! > gaps[0], `backoff did not grow: ${gaps.join(', ')}`);
    assert.ok(gaps.every((g) => g <= 400 + 100), `backoff exceeded its cap: ${gaps.join(', ')}`);

    await fx.server({ port, dataDir });
    await nextEvent(client.onDidChangeConnectionState, (s) => s === 'signedIn', 5_000);
    assert.equal(client.account?.alias, 'phoenix');
  });

  it('stops reconnecting when the server no longer knows its token', async () => {
    const server = await fx.server({ port: 0 });
    const client = fx.client({ initialBackoffMs: 50 });
    await client.connect(server.url, { alias: 'ghost', displayName: 'Ghost' });
    await server.close();
    // a new in-memory server on the same port has never heard of the account
    await fx.server({ port: server.port });
    await nextEvent(client.onDidChangeConnectionState, (s) => s === 'disconnected', 10_000);
    assert.equal(client.connectionState, 'disconnected');
    assert.equal(client.reconnectRefusal?.code, 'ERR_BAD_TOKEN');
  });

  it('signs out on disconnect(): forgets the account and ends its sessions here; the peer hears after the grace period', async () => {
    const server = await fx.server({ limits: { sessionGraceMs: 300 } });
    const sharer = await fx.user(server, 'leaver');
    const helper = await fx.user(server, 'stayer');
    await befriend(sharer, helper);
    const session = await helper.acceptInvitation((await sharer.invite('stayer')).id);
    const endedHere = nextEvent(sharer.onDidEndSession);
    const endedThere = nextEvent(helper.onDidEndSession, () => true, 5_000);
    sharer.disconnect();
    assert.deepEqual(await endedHere, { sessionId: session.id, reason: 'connectionLost' });
    assert.equal(sharer.account, undefined);
    assert.deepEqual([sharer.contacts, sharer.invitations, sharer.sessions], [[], [], []]);
    assert.deepEqual(await endedThere, { sessionId: session.id, reason: 'peerOffline' });
  });
});
