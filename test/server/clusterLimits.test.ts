import { strict as assert } from 'assert';
import type { NetworkClient } from '../../src/network/NetworkClient';
import { errorCode, Fixture, freePort, spawnServer, startRedis, stopProcess, waitFor, type ServerProcess } from './support';

/** The `event` fields of the JSON lines a server process logged. */
const loggedEvents = (server: ServerProcess) => server.stderr().split('\n').filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { event?: string }).event);

describe('server: limits counted across processes sharing Redis', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  let redisPort = 0;
  let east: ServerProcess;
  let west: ServerProcess;
  before(async () => {
    redisPort = await freePort();
    await startRedis(fx, redisPort);
    const args = ['--port', '0', '--data', fx.tempDir(), '--redis', `redis://127.0.0.1:${redisPort}`, '--redis-node-ttl', '1.5s'];
    [east, west] = await Promise.all([spawnServer(fx, args), spawnServer(fx, args)]);
  });
  after(() => fx.dispose());

  /** The same account signed in on both processes. */
  async function onBoth(alias: string): Promise<[NetworkClient, NetworkClient]> {
    const first = await fx.user(east, alias);
    const second = fx.client();
    await second.connect(west.url, { token: first.token! });
    return [first, second];
  }

  it('locks a link guesser out after the same number of wrong secrets whether they go to one process or alternate', async () => {
    const [owner] = await onBoth('owner');
    const link = await owner.createLink();
    const guesser = await onBoth('guesser');
    // the default: 5 wrong secrets per link and account; alternating, each process sees only some of them
    for (let i = 0; i < 5; i++) assert.equal(await errorCode(guesser[i % 2].redeemLink(link.id, `guess-${i}`)), 'ERR_BAD_SECRET');
    assert.equal(await errorCode(guesser[1].redeemLink(link.id, link.secret)), 'ERR_RATE_LIMITED');
    assert.equal(await errorCode(guesser[0].redeemLink(link.id, link.secret)), 'ERR_RATE_LIMITED');
    // the link is still good for someone who did not guess
    const honest = fx.client();
    await honest.connect(west.url, { alias: 'honest', displayName: 'Honest' });
    assert.equal((await honest.redeemLink(link.id, link.secret)).peer.alias, 'owner');
  });

  it('refuses sign-ins from an address after the same total of wrong tokens spread over both processes', async () => {
    // the default: 20 wrong passwords or tokens per address; 10 on each process reach it
    for (let i = 0; i < 20; i++) assert.equal(await errorCode(fx.client().connect([east, west][i % 2].url, { token: `not-a-token-${i}` })), 'ERR_BAD_TOKEN');
    assert.equal(await errorCode(fx.client().connect(east.url, { alias: 'known', displayName: 'Known' })), 'ERR_RATE_LIMITED');
    assert.equal(await errorCode(fx.client().connect(west.url, { alias: 'late', displayName: 'Late' })), 'ERR_RATE_LIMITED');
  });

  it('with Redis gone refuses counted requests (never lets guesses through unmetered), logs it once, and recovers when Redis is back', async () => {
    const redisFx = new Fixture();
    const port = await freePort();
    const redis = await startRedis(redisFx, port);
    const args = ['--port', '0', '--data', fx.tempDir(), '--redis', `redis://127.0.0.1:${port}`];
    const server = await spawnServer(fx, args);
    const alice = await fx.user(server, 'alice');
    const link = await alice.createLink();
    const bob = await fx.user(server, 'bob');

    await stopProcess(redis, 'SIGKILL');
    assert.equal(await errorCode(bob.redeemLink(link.id, 'a guess')), 'ERR_RATE_LIMITED');
    assert.equal(await errorCode(fx.client().connect(server.url, { token: 'a guessed token' })), 'ERR_RATE_LIMITED');
    assert.equal(await errorCode(fx.client().connect(server.url, { alias: 'carol', displayName: 'Carol' })), 'ERR_RATE_LIMITED');
    assert.equal(loggedEvents(server).filter((event) => event === 'limits.unavailable').length, 1);

    await startRedis(redisFx, port);
    await waitFor('redis reconnected', () => loggedEvents(server).includes('limits.available'), 20_000);
    assert.equal(await errorCode(bob.redeemLink(link.id, 'a guess')), 'ERR_BAD_SECRET');
    assert.equal((await bob.redeemLink(link.id, link.secret)).peer.alias, 'alice');
    await redisFx.dispose();
  });
});
