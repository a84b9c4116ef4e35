/**
 * Failover as users live it: server processes on two "machines" (network namespaces) sharing Redis and the
 * store, behind HAProxy with the committed config; every client knows only the balancer's address.
 */
import { strict as assert } from 'assert';
import type { NetworkClient } from '../../src/network/NetworkClient';
import { befriend, nextEvent, waitFor } from '../server/support';
import { ClusterLab, logEvents, type LabServer } from './ClusterLab';

describe('cluster: failover behind HAProxy (two machines, Redis, shared store)', function () {
  this.timeout(60_000);
  let lab: ClusterLab;
  before(async function () {
    this.timeout(60_000);
    // the store: ClusterLab's LAB_DATABASE (one PostgreSQL the machines share)
    lab = await ClusterLab.start();
  });
  after(() => lab?.dispose());

  const signedIn = (client: NetworkClient) => client.connectionState === 'signedIn';

  it('Redis restarted empty: every process reconnects, registers again and resubscribes (presence and invitations cross processes again)', async () => {
    const carol = await lab.fx.user({ url: lab.balancerUrl }, 'carol');
    const dave = await lab.fx.user({ url: lab.balancerUrl }, 'dave');
    await befriend(carol, dave);
    assert.notEqual((await lab.serverOf('carol')), (await lab.serverOf('dave')));
    const reconnected = (server: LabServer) => logEvents(server, 'redis.reconnected').length;
    const live = [...lab.servers];
    const before = live.map(reconnected);

    await lab.restartRedis();
    await waitFor('every process registered again', () => live.every((s, i) => reconnected(s) > before[i]), 20_000);

    // carol did nothing since: only her process publishing her again makes her reachable from dave's
    const received = nextEvent(carol.onDidReceiveInvitation);
    await dave.invite('carol', 'after the Redis restart');
    assert.equal((await received).note, 'after the Redis restart');
    const away = nextEvent(dave.onDidChangePresence, (p) => p.alias === 'carol' && p.presence === 'away');
    await carol.setPresence('away');
    await away;
  });
  it('a process killed with SIGKILL: its clients reconnect through the balancer to the other, presence and pending invitations intact', async () => {
    const alice = await lab.fx.user({ url: lab.balancerUrl }, 'alice');
    const bob = await lab.fx.user({ url: lab.balancerUrl }, 'bob');
    await befriend(alice, bob);
    const aliceOn = await lab.serverOf('alice');
    const bobOn = await lab.serverOf('bob');
    // leastconn: the second client went to the other machine
    assert.notEqual(aliceOn.namespace, bobOn.namespace);
    // the balancer is a trusted proxy: the server sees the client's own address, not the balancer's
    assert.deepEqual([...new Set(logEvents(aliceOn, 'connection.opened').map((line) => line.address))], ['127.0.0.1']);

    const received = nextEvent(alice.onDidReceiveInvitation);
    const pending = await bob.invite('alice', 'my build fails');
    await received;

    const killedAt = Date.now();
    lab.kill(aliceOn);
    await waitFor('alice to lose her server', () => !signedIn(alice));
    await waitFor('alice signed in again through the balancer', () => signedIn(alice), 20_000);
    const reconnectMs = Date.now() - killedAt;
    assert.equal((await lab.serverOf('alice')), bobOn);
    console.log(`      alice signed in again ${reconnectMs} ms after the kill`);

    // the invitation made before the kill is still hers to accept; bob sees her online again
    await waitFor('the pending invitation listed', () => alice.invitations.some((i) => i.id === pending.id && i.status === 'pending'));
    await waitFor('bob sees alice online', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'online');
    const started = nextEvent(bob.onDidStartSession);
    const session = await alice.acceptInvitation(pending.id);
    assert.equal((await started).id, session.id);
    const signal = nextEvent(bob.onDidReceiveSignal);
    await alice.sendSignal(session.id, 'offer after failover');
    assert.equal((await signal).payload, 'offer after failover');
    const ended = nextEvent(bob.onDidEndSession);
    await alice.endSession(session.id);
    await ended;
  });

});
