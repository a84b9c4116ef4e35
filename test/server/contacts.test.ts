import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { join } from 'path';
import type { PresenceStatus } from '../../src/protocol/network';
import { befriend, errorCode, Fixture, nextEvent, stopProcess, waitFor } from './support';

describe('server: contacts and presence', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('runs the Messenger handshake: add, accept, decline, remove, block', async () => {
    const server = await fx.server();
    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    const carol = await fx.user(server, 'carol');

    assert.equal(await errorCode(alice.addContact('nobody')), 'ERR_NO_SUCH_USER');
    assert.equal(await errorCode(alice.addContact('alice')), 'ERR_SELF');
    assert.equal(await errorCode(alice.acceptContact('bob')), 'ERR_NO_REQUEST');

    const bobSees = nextEvent(bob.onDidChangeContacts, (l) => l.length === 1);
    await alice.addContact('bob');
    assert.deepEqual(await bobSees, [{ alias: 'alice', displayName: 'Alice', status: 'incoming', presence: 'offline' }]);
    assert.deepEqual(alice.contacts, [{ alias: 'bob', displayName: 'Bob', status: 'outgoing', presence: 'offline' }]);

    const aliceSees = nextEvent(alice.onDidChangeContacts, (l) => l[0]?.status === 'accepted');
    await bob.acceptContact('alice');
    assert.deepEqual(await aliceSees, [{ alias: 'bob', displayName: 'Bob', status: 'accepted', presence: 'online' }]);
    assert.equal(await errorCode(alice.addContact('bob')), 'ERR_ALREADY_CONTACT');

    // carol asks alice, alice declines: the request disappears on both sides
    const aliceAsked = nextEvent(alice.onDidChangeContacts, (l) => l.some((c) => c.alias === 'carol'));
    await carol.addContact('alice');
    await aliceAsked;
    const carolSees = nextEvent(carol.onDidChangeContacts, (l) => l.length === 0);
    await alice.declineContact('carol');
    await carolSees;
    assert.deepEqual(alice.contacts.map((c) => c.alias), ['bob']);

    // remove is mutual
    const bobLoses = nextEvent(bob.onDidChangeContacts, (l) => l.length === 0);
    await alice.removeContact('bob');
    await bobLoses;
    assert.equal(await errorCode(alice.removeContact('bob')), 'ERR_NOT_A_CONTACT');

    // block: carol disappears for alice's purposes; carol's new requests never reach alice
    await befriend(alice, carol);
    const carolDropped = nextEvent(carol.onDidChangeContacts, (l) => l.length === 0);
    await alice.blockContact('carol');
    await carolDropped;
    assert.deepEqual(alice.contacts, [{ alias: 'carol', displayName: 'Carol', status: 'blocked', presence: 'offline' }]);
    await carol.addContact('alice');
    assert.deepEqual(carol.contacts.map((c) => c.status), ['outgoing']);
    assert.equal(await errorCode(carol.invite('alice')), 'ERR_NOT_A_CONTACT');
    assert.deepEqual(alice.contacts.map((c) => c.status), ['blocked']);
    // lifting the block lets carol ask again
    const carolCleared = nextEvent(carol.onDidChangeContacts, (l) => l.length === 0);
    await alice.removeContact('carol');
    await carolCleared;
    const asked = nextEvent(alice.onDidChangeContacts, (l) => l.some((c) => c.status === 'incoming'));
    await carol.addContact('alice');
    await asked;
  });

  it('pushes online / away / offline to contacts within a second, across several devices', async () => {
    const server = await fx.server();
    const dave = await fx.user(server, 'dave');
    const erin = await fx.user(server, 'erin');
    await befriend(dave, erin);
    const seen: PresenceStatus[] = [];
    erin.onDidChangePresence((p) => p.alias === 'dave' && seen.push(p.presence));
    const within = async (status: PresenceStatus, action: () => Promise<void> | void) => {
      const started = Date.now();
      const event = nextEvent(erin.onDidChangePresence, (p) => p.alias === 'dave' && p.presence === status, 1_000);
      await action();
      await event;
      return Date.now() - started;
    };
    const away = await within('away', () => dave.setPresence('away'));
    assert.equal(erin.contacts[0].presence, 'away');

    // a second device that is online makes dave online; it leaving makes him away again
    const daveLaptop = fx.client();
    const online = await within('online', () => daveLaptop.connect(server.url, { token: dave.token! }));
    await within('away', () => daveLaptop.disconnect());
    const offline = await within('offline', () => dave.disconnect());
    assert.deepEqual(seen, ['away', 'online', 'away', 'offline']);
    for (const ms of [away, online, offline]) assert.ok(ms < 1_000, `presence took ${ms} ms`);
  });

  it('carries Busy and Appear Offline to contacts; one who appears offline cannot be invited, yet can still be answered', async () => {
    const server = await fx.server();
    const gina = await fx.user(server, 'gina');
    const hank = await fx.user(server, 'hank');
    await befriend(gina, hank);
    const sees = (status: PresenceStatus) => nextEvent(hank.onDidChangePresence, (p) => p.alias === 'gina' && p.presence === status, 1_000);
    let seen = sees('busy');
    await gina.setPresence('busy');
    await seen;
    assert.equal(hank.contacts.find((c) => c.alias === 'gina')?.presence, 'busy');

    seen = sees('offline');
    await gina.setPresence('appearOffline');
    await seen;
    assert.equal(hank.contacts.find((c) => c.alias === 'gina')?.presence, 'offline');
    assert.equal(await errorCode(hank.invite('gina')), 'ERR_CONTACT_OFFLINE');

    // gina, appearing offline, asks hank for help: his answer reaches her
    const invitation = await gina.invite('hank', 'build fails');
    const started = nextEvent(gina.onDidStartSession);
    const session = await hank.acceptInvitation(invitation.id);
    assert.equal((await started).id, session.id);
    assert.equal(session.peer.alias, 'gina');

    // a second device (online) makes her visible again: busy, as she is in a session
    seen = sees('busy');
    const ginaLaptop = fx.client();
    await ginaLaptop.connect(server.url, { token: gina.token! });
    await seen;
    assert.equal(await errorCode(gina.setPresence('invisible' as never)), 'ERR_MALFORMED');
  });

  it('marks a frozen client offline by ping/pong', async function () {
    this.timeout(30_000);
    const heartbeatMs = 500;
    const server = await fx.server({ limits: { heartbeatMs } });
    const frank = await fx.user(server, 'frank');
    const grace = await fx.user(server, 'grace');
    await befriend(frank, grace);
    const token = frank.token!;
    frank.disconnect();
    await waitFor('frank offline', () => grace.contacts[0].presence === 'offline');

    // frank's client in another process, then frozen like a suspended laptop: no close, no pongs
    const child = fx.track(
      spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'presence-child.ts'), server.url, token], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    await waitFor('frank online from the child', () => grace.contacts[0].presence === 'online', 15_000);
    child.kill('SIGSTOP');
    const frozenAt = Date.now();
    await waitFor('frank offline after freezing', () => grace.contacts[0].presence === 'offline', 10_000);
    const detectedMs = Date.now() - frozenAt;
    assert.ok(detectedMs <= 2 * heartbeatMs + 500, `detected after ${detectedMs} ms`);
    child.kill('SIGCONT');
    await stopProcess(child);
  });
});
