import { strict as assert } from 'assert';
import { errorCode, Fixture, nextEvent, waitFor } from './support';

describe('server: accounts and sign-in', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('creates an account with a device token that signs in again; aliases are unique and case-insensitive', async () => {
    const server = await fx.server();
    const first = fx.client();
    await first.connect(server.url);
    assert.equal(first.connectionState, 'connected');
    const token = await first.signIn('Alice', 'Alice Liddell');
    assert.match(token, /^[\w-]+\.[\w-]+$/);
    assert.equal(first.connectionState, 'signedIn');
    assert.deepEqual(first.account, { alias: 'alice', displayName: 'Alice Liddell' });

    const again = fx.client();
    await again.connect(server.url);
    assert.equal(await errorCode(again.signIn('ALICE', 'Impostor')), 'ERR_ALIAS_TAKEN');
    assert.equal(await errorCode(again.signInWithToken(`${token}x`)), 'ERR_BAD_TOKEN');
    assert.equal(await errorCode(again.signInWithToken('not-a-token')), 'ERR_BAD_TOKEN');
    assert.equal(again.connectionState, 'connected');
    assert.deepEqual(await again.signInWithToken(token), { alias: 'alice', displayName: 'Alice Liddell' });
    assert.equal(again.token, token);
  });

  it('rejects malformed aliases and display names before touching the store', async () => {
    const server = await fx.server();
    const client = fx.client();
    await client.connect(server.url);
    assert.equal(await errorCode(client.signIn('a', 'A')), 'ERR_MALFORMED');
    assert.equal(await errorCode(client.signIn('../etc', 'X')), 'ERR_MALFORMED');
    assert.equal(await errorCode(client.signIn('bob', '\u0007bell')), 'ERR_MALFORMED');
    assert.equal(await errorCode(client.signIn('bob', 'x'.repeat(65))), 'ERR_MALFORMED');
    await client.signIn('bob', 'Bob');
  });

  it('keeps strangers out with a join password', async () => {
    const server = await fx.server({ joinPassword: 'team-secret' });
    const client = fx.client();
    await client.connect(server.url);
    assert.equal(await errorCode(client.signIn('eve', 'Eve')), 'ERR_BAD_JOIN_PASSWORD');
    assert.equal(await errorCode(client.signIn('eve', 'Eve', 'guess')), 'ERR_BAD_JOIN_PASSWORD');
    const token = await client.signIn('eve', 'Eve', 'team-secret');
    const device = fx.client();
    await device.connect(server.url, { token });
    assert.equal(device.account?.alias, 'eve');
  });

  it('refuses requests before sign-in and connections beyond the per-account maximum', async () => {
    const server = await fx.server({ limits: { maxConnectionsPerAccount: 2 } });
    const first = await fx.user(server, 'carol');
    const second = fx.client();
    await second.connect(server.url, { token: first.token! });
    const third = fx.client();
    await third.connect(server.url);
    assert.equal(await errorCode(third.signInWithToken(first.token!)), 'ERR_TOO_MANY_CONNECTIONS');
    second.disconnect();
    // the slot frees once the server saw the close
    const deadline = Date.now() + 5_000;
    for (;;) {
      const code = await errorCode(third.signInWithToken(first.token!)).catch(() => 'ok');
      if (code === 'ok') break;
      assert.equal(code, 'ERR_TOO_MANY_CONNECTIONS');
      assert.ok(Date.now() < deadline, 'slot never freed');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(third.connectionState, 'signedIn');
  });

  it('signs out for good: the device token is revoked and its other connections stop', async () => {
    const server = await fx.server();
    const desk = await fx.user(server, 'leaving');
    const token = desk.token!;
    const laptop = fx.client({ initialBackoffMs: 50 });
    await laptop.connect(server.url, { token });
    const otherDevice = fx.client();
    await otherDevice.connect(server.url);
    assert.equal(laptop.connectionState, 'signedIn');

    const laptopStops = nextEvent(laptop.onDidChangeConnectionState, (s) => s === 'disconnected', 10_000);
    await desk.signOut();
    assert.equal(desk.connectionState, 'disconnected');
    assert.equal(desk.token, undefined);
    await laptopStops;
    assert.equal(laptop.reconnectRefusal?.code, 'ERR_BAD_TOKEN');
    assert.equal(await errorCode(otherDevice.signInWithToken(token)), 'ERR_BAD_TOKEN');
    // the account itself stays: its alias is still taken
    assert.equal(await errorCode(otherDevice.signIn('leaving', 'Someone Else')), 'ERR_ALIAS_TAKEN');
  });

  it('turns connections away once the server is full, and lets them in when there is room again', async () => {
    const server = await fx.server({ limits: { maxConnections: 2 } });
    const first = await fx.user(server, 'full1');
    await fx.user(server, 'full2');
    const third = fx.client();
    // the server closes at once (1013); the client sees it before or while signing in
    assert.match(await errorCode(third.connect(server.url, { alias: 'full3', displayName: 'Full' })), /^ERR_(CONNECTION_LOST|NOT_CONNECTED)$/);
    assert.equal(third.connectionState, 'disconnected');
    first.disconnect();
    await waitFor('a free slot', () => server.connectionCount === 1);
    await third.connect(server.url, { alias: 'full3', displayName: 'Full' });
    assert.equal(third.connectionState, 'signedIn');
  });

  it('closes connections that never sign in', async () => {
    const server = await fx.server({ limits: { signInTimeoutMs: 300 } });
    const idle = fx.client();
    await idle.connect(server.url);
    assert.equal(await nextEvent(idle.onDidChangeConnectionState, (s) => s === 'disconnected', 5_000), 'disconnected');
  });
});
