import { strict as assert } from 'assert';
import type { ConnectionState } from '../../src/network/NetworkClient';
import { befriend, errorCode, Fixture, freePort, nextEvent, spawnServer, stopProcess, waitFor } from './support';
import { TcpProxy } from './TcpProxy';

describe('server: restart, reconnect and session grace', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('keeps accounts, contacts and pending invitations across a crash; clients reconnect and resume presence', async function () {
    this.timeout(60_000);
    const data = fx.tempDir();
    const port = await freePort();
    const args = ['--port', String(port), '--data', data];
    let server = await spawnServer(fx, args);

    const alice = fx.client();
    await alice.connect(server.url, { alias: 'alice', displayName: 'Alice' });
    const bob = fx.client();
    await bob.connect(server.url, { alias: 'bob', displayName: 'Bob' });
    await befriend(alice, bob);
    await alice.setPresence('away');
    const pending = await alice.invite('bob', 'still there after a restart?');
    const states: ConnectionState[] = [];
    alice.onDidChangeConnectionState((s) => states.push(s));

    // freeze the server so a request is in flight, then crash it: the request fails clearly
    server.child.kill('SIGSTOP');
    const inFlight = alice.listInvitations();
    server.child.kill('SIGKILL');
    assert.equal(await errorCode(inFlight), 'ERR_CONNECTION_LOST');
    await waitFor('alice reconnecting', () => alice.connectionState === 'reconnecting' || alice.connectionState === 'connecting');
    assert.equal(await errorCode(alice.setPresence('online')), 'ERR_NOT_CONNECTED');

    server = await spawnServer(fx, args);
    await waitFor('both signed in again', () => alice.connectionState === 'signedIn' && bob.connectionState === 'signedIn', 20_000);
    assert.deepEqual(states.slice(0, 1), ['reconnecting']);
    assert.equal(states.at(-1), 'signedIn');
    // presence resumed (alice had chosen away, and asked for online while offline: that request failed)
    await waitFor('bob sees alice away', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'away');
    assert.deepEqual(alice.contacts.map((c) => [c.alias, c.status]), [['bob', 'accepted']]);
    const listed = bob.invitations.find((i) => i.id === pending.id);
    assert.equal(listed?.status, 'pending');
    assert.equal(listed?.note, 'still there after a restart?');
    const session = await bob.acceptInvitation(pending.id);
    assert.equal(session.peer.alias, 'alice');

    // a fresh device signs in with the stored token after the restart
    const laptop = fx.client();
    await laptop.connect(server.url, { token: alice.token! });
    assert.equal(laptop.account?.displayName, 'Alice');
    await stopProcess(server.child);
  });

  it('keeps a session while a client reconnects within the grace period and ends it when it does not return', async () => {
    const server = await fx.server({ limits: { sessionGraceMs: 1500 } });
    const proxy = await TcpProxy.start(server.port);
    after(() => proxy.close());
    const carol = fx.client();
    await carol.connect(proxy.url, { alias: 'carol', displayName: 'Carol' });
    const dave = await fx.user(server, 'dave');
    await befriend(carol, dave);
    const session = await dave.acceptInvitation((await carol.invite('dave')).id);

    // the network drops under carol: she reconnects on her own with the same client id
    const lost = nextEvent(carol.onDidChangeConnectionState, (s) => s === 'reconnecting');
    const back = nextEvent(carol.onDidChangeConnectionState, (s) => s === 'signedIn');
    proxy.cut();
    await lost;
    await back;
    assert.deepEqual(carol.sessions.map((s) => s.id), [session.id]);
    const got = nextEvent(carol.onDidReceiveSignal);
    await dave.sendSignal(session.id, 'still here');
    assert.equal((await got).payload, 'still here');

    // dave leaves for good: carol learns the peer went offline once the grace period is over
    const ended = nextEvent(carol.onDidEndSession, () => true, 5_000);
    dave.dispose();
    assert.deepEqual(await ended, { sessionId: session.id, reason: 'peerOffline' });
    await waitFor('carol not busy', () => carol.sessions.length === 0);
  });

  it('expires an invitation on time even when the server restarted in between', async () => {
    const dataDir = fx.tempDir();
    const first = await fx.server({ dataDir, inviteExpiryMs: 1_500 });
    const erin = await fx.user(first, 'erin');
    const fred = await fx.user(first, 'fred');
    await befriend(erin, fred);
    const askedAt = Date.now();
    const invitation = await erin.invite('fred');
    await first.close();
    await fx.server({ dataDir, port: first.port, inviteExpiryMs: 1_500 });
    const expired = await nextEvent(fred.onDidChangeInvitation, (i) => i.id === invitation.id && i.status === 'expired', 10_000);
    // The server created it after askedAt; erin's expiresAt is later still by the reply's transit time.
    assert.ok(Date.now() >= askedAt + 1_500, 'expired early');
    assert.equal(expired.expiresInMs, 0);
    assert.equal(await errorCode(fred.acceptInvitation(invitation.id)), 'ERR_INVITATION_CLOSED');
  });
});
