/**
 * The ICE servers the assistance network hands a session's two parties: STUN as configured, TURN with
 * coturn REST credentials minted per party (the lab test proves a real coturn accepts them).
 */
import { strict as assert } from 'assert';
import { createHmac } from 'crypto';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { IceCredentials } from '../../src/server/IceCredentials';
import { startServer } from '../../src/server/startServer';

const SECRET = 'an-example-turn-secret';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('server: ICE servers and TURN REST credentials', () => {
  it('mints username expiry:alias and the base64 HMAC-SHA1 of it; STUN goes without credentials', () => {
    const ice = new IceCredentials({ stun: ['stun:turn.example.com:3478'], turn: ['turn:turn.example.com:3478', 'turns:turn.example.com:443?transport=tcp'], turnSecret: SECRET, turnTtlMs: 3_600_000 });
    const [stun, turn] = ice.forParty('bob', 1_700_000_000_000);
    assert.deepEqual(stun, { urls: ['stun:turn.example.com:3478'] });
    assert.equal(turn.username, `${1_700_000_000 + 3600}:bob`);
    assert.equal(turn.credential, createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
    assert.deepEqual(turn.urls, ['turn:turn.example.com:3478', 'turns:turn.example.com:443?transport=tcp']);
  });

  it('refuses TURN without a secret, bad URLs and out-of-range lifetimes with ERR_ICE_CONFIG', () => {
    for (const options of [
      { turn: ['turn:a.example:3478'] },
      { turn: ['turn:a.example:3478'], turnSecret: 'short' },
      { stun: ['turn:a.example:3478'] },
      { turn: ['turn:a.example:3478?transport=sctp'], turnSecret: SECRET },
      { stun: ['stun:a.example:0'] },
      { stun: ['stun:a example'] },
      { turn: ['turn:a.example'], turnSecret: SECRET, turnTtlMs: 1000 },
    ]) {
      assert.throws(() => new IceCredentials(options), (err: Error & { code?: string }) => err.code === 'ERR_ICE_CONFIG', JSON.stringify(options));
    }
  });

  it('both parties of a session get the servers, each with credentials of its own', async () => {
    const server = await startServer({ port: 0, logger: quiet, stun: ['stun:198.51.100.7:3478'], turn: ['turn:198.51.100.7:3478?transport=tcp'], turnSecret: SECRET });
    const alice = new NetworkClient({ logger: quiet });
    const bob = new NetworkClient({ logger: quiet });
    try {
      await alice.connect(server.url, { alias: 'alice', displayName: 'Alice' });
      await bob.connect(server.url, { alias: 'bob', displayName: 'Bob' });
      await alice.addContact('bob');
      await bob.acceptContact('alice');
      const started = (c: NetworkClient) => new Promise<Session>((resolve) => c.onDidStartSession(resolve));
      const received = new Promise<string>((resolve) => bob.onDidReceiveInvitation((i) => resolve(i.id)));
      const [a, b] = [started(alice), started(bob)];
      await alice.invite('bob');
      await bob.acceptInvitation(await received);
      for (const [session, alias] of [[await a, 'alice'], [await b, 'bob']] as const) {
        assert.deepEqual(session.iceServers[0], { urls: ['stun:198.51.100.7:3478'] });
        const turn = session.iceServers[1];
        assert.match(turn.username!, new RegExp(`^\\d+:${alias}$`));
        assert.equal(turn.credential, createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
      }
    } finally {
      alice.dispose();
      bob.dispose();
      await server.close();
    }
  });
});
