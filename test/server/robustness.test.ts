import { strict as assert } from 'assert';
import { MAX_SIGNAL_PAYLOAD, type ServerMessage } from '../../src/protocol/network';
import { befriend, errorCode, Fixture, nextEvent, RawClient, waitFor } from './support';

describe('server: malformed, oversized and abusive input', () => {
  const fx = new Fixture();
  const raws: RawClient[] = [];
  after(async () => {
    for (const raw of raws) raw.close();
    await fx.dispose();
  });
  const raw = async (url: string) => {
    const client = await RawClient.open(url);
    raws.push(client);
    return client;
  };

  it('answers bad messages with clear error codes and keeps the connection', async () => {
    const server = await fx.server();
    const r = await raw(server.url);
    const code = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);
    assert.equal(code(await r.exchange('{not json', null)), 'ERR_NOT_JSON');
    assert.equal(code(await r.exchange('[1,2]', null)), 'ERR_MALFORMED');
    assert.equal(code(await r.exchange(JSON.stringify({ type: 'format C:', id: 1 }), 1)), 'ERR_UNKNOWN_TYPE');
    assert.equal(code(await r.exchange(JSON.stringify({ type: 'addContact', id: 2, alias: 'bob' }), 2)), 'ERR_NOT_SIGNED_IN');
    assert.equal(code(await r.exchange(JSON.stringify({ type: 'signIn', id: 3, alias: 'x y', displayName: 'X', clientId: 'abcdefgh12' }), 3)), 'ERR_MALFORMED');
    assert.equal(code(await r.exchange(JSON.stringify({ type: 'signIn', id: 4, alias: 'rawuser', displayName: 'Raw', clientId: 'abcdefgh12', admin: true }), 4)), 'ERR_MALFORMED');
    assert.equal(code(await r.exchange(Buffer.from([1, 2, 3]), null)), 'ERR_NOT_JSON');
    const big = JSON.stringify({ type: 'signIn', id: 5, alias: 'rawuser', displayName: 'x'.repeat(70_000), clientId: 'abcdefgh12' });
    assert.equal(code(await r.exchange(big, 5)), 'ERR_TOO_LARGE');
    const ok = await r.exchange(JSON.stringify({ type: 'signIn', id: 6, alias: 'rawuser', displayName: 'Raw', clientId: 'abcdefgh12' }), 6);
    assert.equal(ok.type, 'signedIn');
    assert.equal(code(await r.exchange(JSON.stringify({ type: 'signIn', id: 7, alias: 'other', displayName: 'O', clientId: 'abcdefgh12' }), 7)), 'ERR_ALREADY_SIGNED_IN');
    assert.equal(r.closed, undefined);

    // two sign-ins racing on one socket: one wins, the other is refused
    const racer = await raw(server.url);
    racer.socket.send(JSON.stringify({ type: 'signIn', id: 1, alias: 'racer1', displayName: 'R1', clientId: 'racerclient1' }));
    racer.socket.send(JSON.stringify({ type: 'signIn', id: 2, alias: 'racer2', displayName: 'R2', clientId: 'racerclient2' }));
    await waitFor('both answers', () => racer.received.length >= 2);
    assert.deepEqual(racer.received.map((m) => (m.type === 'error' ? m.code : m.type)).sort(), ['ERR_ALREADY_SIGNED_IN', 'signedIn']);
    // nothing was created by the refused messages
    const probe = await fx.user(server, 'probe');
    assert.equal(await errorCode(probe.addContact('other')), 'ERR_NO_SUCH_USER');
    assert.equal(await errorCode(probe.addContact('racer2')), 'ERR_NO_SUCH_USER');
  });

  it('signs in a burst larger than the sign-ins it runs at once, in turn; one that left while waiting is skipped', async () => {
    const server = await fx.server({ limits: { maxConcurrentSignIns: 2 } });
    const clients = await Promise.all(Array.from({ length: 8 }, () => raw(server.url)));
    // every sign-in sent at once: two run, the others wait their turn
    clients.forEach((c, i) => c.socket.send(JSON.stringify({ type: 'signIn', id: 1, alias: `burst${i}`, displayName: `Burst ${i}`, clientId: `burstclient${i}` })));
    clients[7].close();
    for (const c of clients.slice(0, 7)) assert.equal((await waitFor('the sign-in reply', () => c.received.find((m) => 'id' in m && m.id === 1))).type, 'signedIn');
    // the queue is not left stuck: a later sign-in still goes through
    const later = await raw(server.url);
    assert.equal((await later.request({ type: 'signIn', id: 1, alias: 'burstlate', displayName: 'Late', clientId: 'burstclientlate' })).type, 'signedIn');
  });

  it('bounds signaling payloads and relays nothing oversized', async () => {
    const server = await fx.server();
    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    await befriend(alice, bob);
    const invitation = await alice.invite('bob');
    const session = await bob.acceptInvitation(invitation.id);
    let relayed = 0;
    alice.onDidReceiveSignal(() => relayed++);
    assert.equal(await errorCode(bob.sendSignal(session.id, 'x'.repeat(MAX_SIGNAL_PAYLOAD + 1))), 'ERR_MALFORMED');
    assert.equal(await errorCode(bob.sendSignal(session.id, '')), 'ERR_MALFORMED');
    const fits = nextEvent(alice.onDidReceiveSignal);
    await bob.sendSignal(session.id, 'y'.repeat(MAX_SIGNAL_PAYLOAD));
    assert.equal((await fits).payload.length, MAX_SIGNAL_PAYLOAD);
    assert.equal(relayed, 1);
  });

  it('closes a connection that sends a giant frame (1009)', async () => {
    const server = await fx.server();
    const r = await raw(server.url);
    r.socket.send(Buffer.alloc(2 * 1024 * 1024, 0x20).toString());
    const closed = await waitFor('close', () => r.closed);
    assert.equal(closed.code, 1009);
  });

  it('rate limits a chatty connection with error replies, and closes only one that keeps hammering', async () => {
    const server = await fx.server({ limits: { messagesPerSecond: 5, messageBurst: 10, abuseThreshold: 50 } });
    const r = await raw(server.url);
    for (let id = 1; id <= 30; id++) r.socket.send(JSON.stringify({ type: 'listInvitations', id }));
    await waitFor('30 replies', () => r.received.length >= 30);
    const limited = r.received.filter((m) => m.type === 'error' && m.code === 'ERR_RATE_LIMITED');
    assert.ok(limited.length >= 15 && limited.length <= 20, `limited ${limited.length}`);
    assert.equal(r.closed, undefined);
    // a polite client on the same server is unaffected
    const polite = await fx.user(server, 'polite');
    assert.deepEqual(await polite.listInvitations(), []);

    for (let id = 100; id < 200; id++) r.socket.send(JSON.stringify({ type: 'listInvitations', id }));
    const closed = await waitFor('abusive connection closed', () => r.closed);
    assert.equal(closed.code, 1008);
    assert.equal(polite.connectionState, 'signedIn');
  });
});
