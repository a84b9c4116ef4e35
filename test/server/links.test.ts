import { strict as assert } from 'assert';
import { networkInterfaces } from 'os';
import { befriend, errorCode, Fixture, nextEvent, waitFor } from './support';

describe('server: invitation links', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('redeems once with the right secret, by a user who need not be a contact', async () => {
    const server = await fx.server();
    const alice = await fx.user(server, 'alice');
    const zoe = await fx.user(server, 'zoe');
    const link = await alice.createLink(60_000);
    assert.ok(link.expiresAt > Date.now() + 55_000 && link.expiresAt <= Date.now() + 60_000);
    const url = new URL(link.url);
    assert.equal(url.searchParams.get('id'), link.id);
    assert.equal(url.searchParams.get('secret'), link.secret);
    assert.equal(url.searchParams.get('server'), server.url);

    assert.equal(await errorCode(alice.redeemLink(link.id, link.secret)), 'ERR_SELF');
    const sharer = nextEvent(alice.onDidStartSession);
    const helper = await zoe.redeemLink(link.id, link.secret);
    assert.equal(helper.role, 'helper');
    assert.equal(helper.via, 'link');
    assert.deepEqual(helper.peer, { alias: 'alice', displayName: 'Alice' });
    assert.equal((await sharer).peer.alias, 'zoe');

    const got = nextEvent(zoe.onDidReceiveSignal);
    await alice.sendSignal(helper.id, 'offer');
    assert.equal((await got).payload, 'offer');

    const late = await fx.user(server, 'yuri');
    assert.equal(await errorCode(late.redeemLink(link.id, link.secret)), 'ERR_LINK_USED');
    assert.equal(await errorCode(late.redeemLink('AAAAAAAAAAAAAAAA', link.secret)), 'ERR_NO_SUCH_LINK');
  });

  it('rejects wrong secrets and rate limits the guesser per link and per account, never the link', async () => {
    const server = await fx.server({ limits: { linkFailuresPerLink: 3, linkFailuresPerAccount: 5 } });
    const bob = await fx.user(server, 'bob');
    const link = await bob.createLink();
    const guesser = await fx.user(server, 'guess1');

    // three wrong guesses lock this guesser out of this link, even with the right secret
    for (const guess of ['a', 'b', 'c']) assert.equal(await errorCode(guesser.redeemLink(link.id, guess)), 'ERR_BAD_SECRET');
    assert.equal(await errorCode(guesser.redeemLink(link.id, link.secret)), 'ERR_RATE_LIMITED');
    assert.equal(bob.sessions.length, 0);

    // one account guessing across links is stopped after five failures
    const other = await bob.createLink();
    const third = await bob.createLink();
    const prober = await fx.user(server, 'prober');
    for (const linkId of [other.id, third.id, other.id, 'BBBBBBBBBBBBBBBB', third.id]) {
      assert.match(await errorCode(prober.redeemLink(linkId, 'wrong')), /ERR_BAD_SECRET|ERR_NO_SUCH_LINK/);
    }
    assert.equal(await errorCode(prober.redeemLink(third.id, third.secret)), 'ERR_RATE_LIMITED');
    // the links themselves are still good for their holders
    const honest = await fx.user(server, 'honest');
    assert.equal((await honest.redeemLink(third.id, third.secret)).peer.alias, 'bob');
  });

  it('counts wrong secrets per network address too, so fresh accounts do not buy fresh guesses', async () => {
    const server = await fx.server({ limits: { linkFailuresPerLink: 100, linkFailuresPerAccount: 2, linkFailuresPerAddress: 4 } });
    const owner = await fx.user(server, 'owner');
    const link = await owner.createLink();
    let guesses = 0;
    for (const name of ['sock1', 'sock2']) {
      const puppet = await fx.user(server, name);
      for (let i = 0; i < 2; i++, guesses++) assert.equal(await errorCode(puppet.redeemLink(link.id, `guess${guesses}`)), 'ERR_BAD_SECRET');
    }
    const fresh = await fx.user(server, 'sock3');
    assert.equal(await errorCode(fresh.redeemLink(link.id, link.secret)), 'ERR_RATE_LIMITED');
    assert.equal(owner.sessions.length, 0);
  });

  it('refuses expired links, links of blocked users and links whose creator is offline', async () => {
    const server = await fx.server();
    const carol = await fx.user(server, 'carol');
    const dan = await fx.user(server, 'dan');
    const short = await carol.createLink(200);
    await waitFor('the link to be past its expiry', () => Date.now() > short.expiresAt);
    assert.equal(await errorCode(dan.redeemLink(short.id, short.secret)), 'ERR_EXPIRED');
    assert.equal(await errorCode(carol.createLink(8 * 24 * 3600_000)), 'ERR_MALFORMED');

    await befriend(carol, dan);
    await carol.blockContact('dan');
    const blockedLink = await carol.createLink();
    assert.equal(await errorCode(dan.redeemLink(blockedLink.id, blockedLink.secret)), 'ERR_NO_SUCH_LINK');

    const offlineLink = await dan.createLink();
    const eve = await fx.user(server, 'eve');
    const before = server.connectionCount;
    dan.disconnect();
    await waitFor('the server to see dan leave', () => server.connectionCount === before - 1);
    assert.equal(await errorCode(eve.redeemLink(offlineLink.id, offlineLink.secret)), 'ERR_CONTACT_OFFLINE');
  });

  it('names an address other machines can reach in links from a team server on every interface', async () => {
    const server = await fx.server({ host: '0.0.0.0' });
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const owner = await fx.user(server, 'teamlead');
    const link = new URL((await owner.createLink()).url);
    const advertised = new URL(link.searchParams.get('server')!);
    assert.equal(advertised.port, String(server.port));
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a?.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    assert.equal(advertised.hostname, external[0] ?? '127.0.0.1');
  });
});
