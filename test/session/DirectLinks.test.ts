/**
 * Direct invitation links without any outside server: Alice's side embeds the assistance server on a port,
 * Bob's side connects to the address in the link with the password; real servers and clients on loopback.
 */
import assert from 'assert';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { DirectLinks } from '../../src/session/DirectLinks';
import { parseInvitationLink } from '../../src/session/InvitationLink';
import { generateLanCertificate } from '../../src/server/LanCertificate';
import { startServer } from '../../src/server/startServer';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('direct invitation links (embedded server, no outside server)', function () {
  this.timeout(30_000);
  const started: { side: string; session: Session }[] = [];
  const watch = (side: string) => (client: NetworkClient) => client.onDidStartSession((session) => started.push({ side, session }));
  const alice = new DirectLinks(watch('alice'), quiet);
  const bob = new DirectLinks(watch('bob'), quiet);
  after(() => {
    bob.dispose();
    alice.dispose();
  });

  it('creates a link naming this machine\'s address and expiry, with the password kept apart', async () => {
    const before = Date.now();
    const created = await alice.create('Alice', 10 * 60_000, { port: 0, address: '127.0.0.1' });
    const link = parseInvitationLink(created.link);
    assert.match(link.server, /^wss:\/\/127\.0\.0\.1:\d+$/, 'served over TLS, bound to the address the link names');
    assert.match(link.fp ?? '', /^[0-9a-f]{64}$/, 'the link pins the server certificate');
    assert.strictEqual(link.secret, undefined, 'the link alone does not let anyone in');
    assert.ok(created.password.length >= 16);
    assert.ok(link.expiresAt! > before + 9 * 60_000 && link.expiresAt! <= Date.now() + 10 * 60_000);

    assert.ok(link.join, 'the link carries the key to sign in on Alice\'s server');
    const stranger = new NetworkClient({ logger: quiet, pinnedFingerprint: link.fp });
    await assert.rejects(
      stranger.connect(link.server, { alias: 'mallory', displayName: 'Mallory' }),
      (e: Error & { code?: string }) => e.code === 'ERR_BAD_JOIN_PASSWORD',
      'someone on the LAN without a link cannot create accounts on Alice\'s server',
    );
    stranger.dispose();
    await assert.rejects(bob.join({ ...link, join: 'x'.repeat(24) }, created.password, 'Bob'), (e: Error & { code?: string }) => e.code === 'ERR_BAD_JOIN_PASSWORD');
    await assert.rejects(bob.join(link, `${created.password}x`, 'Bob'), (e: Error & { code?: string }) => e.code === 'ERR_BAD_SECRET');
    assert.strictEqual(started.length, 0);

    await bob.join(link, created.password, 'Bob');
    const deadline = Date.now() + 10_000;
    while (started.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const sides = Object.fromEntries(started.map((s) => [s.side, s.session]));
    assert.strictEqual(sides.alice.role, 'sharer');
    assert.strictEqual(sides.alice.peer.displayName, 'Bob');
    assert.strictEqual(sides.bob.role, 'helper');
    assert.strictEqual(sides.bob.peer.displayName, 'Alice');
    assert.strictEqual(sides.alice.id, sides.bob.id);

    await assert.rejects(bob.join(link, created.password, 'Bob'), (e: Error & { code?: string }) => e.code === 'ERR_LINK_USED');
  });

  it('refuses a server presenting another certificate than the link pins, before signing in', async () => {
    const created = await alice.create('Alice', 10 * 60_000, { port: 0, address: '127.0.0.1' });
    const link = parseInvitationLink(created.link);
    // someone in between: a server of their own, with a certificate of their own, at the address
    const other = await generateLanCertificate('127.0.0.1');
    assert.notStrictEqual(other.fingerprint, link.fp);
    let signIns = 0;
    const impostor = await startServer({ port: 0, tls: { cert: other.cert, key: other.key }, logger: { ...quiet, debug: (m: string) => void (m.includes('created') && signIns++) } });
    try {
      const before = started.length;
      await assert.rejects(bob.join({ ...link, server: impostor.url }, created.password, 'Bob'), (e: Error & { code?: string }) => e.code === 'ERR_CERT_MISMATCH' && /not the one the invitation names/.test(e.message));
      assert.strictEqual(impostor.connectionCount, 0);
      assert.strictEqual(signIns, 0);
      assert.strictEqual(started.length, before);
      // a plain ws:// address cannot carry a pinned certificate
      assert.throws(() => parseInvitationLink(created.link.replace('server=wss', 'server=ws')), /fingerprint needs a wss/);
    } finally {
      await impostor.close();
    }
  });
});
