import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import Redis from 'ioredis';
import { befriend, errorCode, Fixture, freePort, nextEvent, spawnServer, waitFor } from './support';

describe('server: two processes sharing presence and routing through Redis', () => {
  const fx = new Fixture();
  let redisPort = 0;
  before(async () => {
    redisPort = await freePort();
    const redis = fx.track(spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    const probe = new Redis(redisPort, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100 });
    probe.on('error', () => undefined);
    await waitFor('redis up', () => probe.connect().then(() => true, () => false));
    probe.disconnect();
    assert.equal(redis.exitCode, null);
  });
  after(() => fx.dispose());

  it('routes contacts, presence, invitations, links and signaling between users on different processes', async function () {
    this.timeout(60_000);

    const data = fx.tempDir();
    const args = ['--port', '0', '--data', data, '--redis', `redis://127.0.0.1:${redisPort}`, '--redis-node-ttl', '1.5s'];
    const [east, west] = await Promise.all([spawnServer(fx, args), spawnServer(fx, args)]);
    assert.notEqual(east.port, west.port);

    const alice = fx.client();
    await alice.connect(east.url, { alias: 'alice', displayName: 'Alice' });
    const bob = fx.client();
    await bob.connect(west.url, { alias: 'bob', displayName: 'Bob' });
    await befriend(alice, bob);
    assert.equal(alice.contacts[0].presence, 'online');

    const away = nextEvent(bob.onDidChangePresence, (p) => p.alias === 'alice' && p.presence === 'away', 1_000);
    await alice.setPresence('away');
    await away;

    // bob's second device on the other process: the invitation reaches both
    const bobEast = fx.client();
    await bobEast.connect(east.url, { token: bob.token! });
    const onWest = nextEvent(bob.onDidReceiveInvitation);
    const onEast = nextEvent(bobEast.onDidReceiveInvitation);
    const invitation = await alice.invite('bob', 'across processes');
    assert.equal((await onWest).note, 'across processes');
    assert.equal((await onEast).id, invitation.id);

    const sharer = nextEvent(alice.onDidStartSession);
    const session = await bob.acceptInvitation(invitation.id);
    assert.equal(await errorCode(bobEast.acceptInvitation(invitation.id)), 'ERR_INVITATION_CLOSED');
    assert.equal((await sharer).id, session.id);
    await waitFor('alice busy on the other process', () => bob.contacts[0].presence === 'busy');

    const atAlice = nextEvent(alice.onDidReceiveSignal);
    await bob.sendSignal(session.id, 'answer from west');
    assert.equal((await atAlice).payload, 'answer from west');
    assert.equal(await errorCode(bobEast.sendSignal(session.id, 'not my session')), 'ERR_NO_SUCH_SESSION');
    const ended = nextEvent(bob.onDidEndSession);
    await alice.endSession(session.id);
    assert.equal((await ended).reason, 'peerEnded');

    // a link created on one process is redeemed on the other
    const carol = fx.client();
    await carol.connect(west.url, { alias: 'carol', displayName: 'Carol' });
    const link = await alice.createLink();
    const viaLink = nextEvent(alice.onDidStartSession);
    await carol.redeemLink(link.id, link.secret);
    assert.equal((await viaLink).peer.alias, 'carol');

    // leaving on one process is seen on the other
    const gone = nextEvent(alice.onDidChangePresence, (p) => p.alias === 'bob' && p.presence === 'offline', 2_000);
    bob.disconnect();
    bobEast.disconnect();
    await gone;

    // a process that dies without a word: its users go offline for contacts on the surviving process
    const dora = fx.client({ initialBackoffMs: 60_000 });
    await dora.connect(west.url, { alias: 'dora', displayName: 'Dora' });
    await befriend(alice, dora);
    west.child.kill('SIGKILL');
    const killedAt = Date.now();
    await nextEvent(alice.onDidChangePresence, (p) => p.alias === 'dora' && p.presence === 'offline', 10_000);
    const noticedMs = Date.now() - killedAt;
    assert.ok(noticedMs < 1500 + 2 * 500 + 2_000, `noticed after ${noticedMs} ms`);
    // the survivor keeps serving
    assert.equal(alice.connectionState, 'signedIn');
    assert.equal((await fetch(`http://127.0.0.1:${east.port}/healthz`)).status, 200);
  });

  it('gives every client its final contact list when users on both processes change their lists at once', async function () {
    this.timeout(60_000);
    const args = ['--port', '0', '--data', fx.tempDir(), '--redis', `redis://127.0.0.1:${redisPort}`];
    const processes = await Promise.all([spawnServer(fx, args), spawnServer(fx, args)]);
    const ring = await Promise.all(Array.from({ length: 24 }, (_, i) => fx.user(processes[i % 2], `ring${i}`)));
    // each accepts what comes in as soon as its list shows it, as a person clicking Accept would
    for (const client of ring) {
      client.onDidChangeContacts((list) => {
        for (const c of list) if (c.status === 'incoming') void client.acceptContact(c.alias).catch(() => undefined);
      });
    }
    // everyone adds the next two of the ring at once: each list changes on both processes concurrently
    await Promise.all(ring.flatMap((client, i) => [1, 2].map((step) => client.addContact(`ring${(i + step) % ring.length}`))));
    await waitFor('every client to list its four contacts as accepted', () => ring.every((c) => c.contacts.filter((x) => x.status === 'accepted').length === 4), 30_000);
  });

  it('expires the invitations of a process that stopped, from another process', async function () {
    this.timeout(30_000);
    const options = { dataDir: fx.tempDir(), redisUrl: `redis://127.0.0.1:${redisPort}`, inviteExpiryMs: 1_000 };
    const [north, south] = [await fx.server(options), await fx.server(options)];
    const gina = fx.client();
    await gina.connect(north.url, { alias: 'gina', displayName: 'Gina' });
    const hal = fx.client();
    await hal.connect(south.url, { alias: 'hal', displayName: 'Hal' });
    await befriend(gina, hal);
    const received = nextEvent(hal.onDidReceiveInvitation);
    const invitation = await gina.invite('hal');
    await received;
    // the process that created it (and timed it) goes away before the invitation expires
    await north.close();
    const expired = await nextEvent(hal.onDidChangeInvitation, (i) => i.id === invitation.id && i.status === 'expired', 15_000);
    assert.equal(expired.expiresInMs, 0);
    assert.equal(await errorCode(hal.acceptInvitation(invitation.id)), 'ERR_INVITATION_CLOSED');
  });
});
