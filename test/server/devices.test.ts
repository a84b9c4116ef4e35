import { strict as assert } from 'assert';
import { AnsweredElsewhere } from '../../src/network/AnsweredElsewhere';
import type { NetworkClient } from '../../src/network/NetworkClient';
import { befriend, errorCode, Fixture, nextEvent, RawClient, waitFor } from './support';

/** A second device of an account: a fresh client that signs in with a code the first device showed. */
async function addDevice(fx: Fixture, url: string, first: NetworkClient, name: string): Promise<NetworkClient> {
  const { code } = await first.createDeviceCode();
  const device = fx.client();
  await device.connect(url, { code, deviceName: name });
  return device;
}

describe('server: one person, several devices', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('joins a second device with a one-time code: its own token, single use, wrong codes refused', async () => {
    const server = await fx.server();
    const laptop = await fx.user(server, 'alice');
    const { code, expiresInMs } = await laptop.createDeviceCode();
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(expiresInMs, 5 * 60_000);

    const desktop = fx.client();
    await desktop.connect(server.url);
    assert.equal(await errorCode(desktop.signInWithCode('AAAA-AAAA', 'Desktop')), 'ERR_BAD_CODE');
    assert.equal(await errorCode(desktop.signInWithCode('no', 'Desktop')), 'ERR_MALFORMED');
    // typed in lower case without the dash, as people do
    const token = await desktop.signInWithCode(code.replace('-', '').toLowerCase(), 'Desktop');
    assert.deepEqual(desktop.account, laptop.account);
    assert.notEqual(token, laptop.token);

    const thief = fx.client();
    await thief.connect(server.url);
    assert.equal(await errorCode(thief.signInWithCode(code, 'Thief')), 'ERR_BAD_CODE', 'a code works once');

    // the new device's token signs in again on its own
    const again = fx.client();
    await again.connect(server.url, { token });
    assert.equal(again.account?.alias, 'alice');

    const devices = await desktop.listDevices();
    assert.equal(devices.length, 2);
    const mine = devices.find((d) => d.current);
    assert.equal(mine?.name, 'Desktop');
    assert.ok(devices.every((d) => d.connected && d.lastSeenAt > 0));
  });

  it('rate-limits codes per account and lets them expire', async () => {
    const server = await fx.server({ limits: { deviceCodesPerWindow: 3, deviceCodeTtlMs: 300 } });
    const alice = await fx.user(server, 'alice');
    const first = await alice.createDeviceCode();
    await alice.createDeviceCode();
    await alice.createDeviceCode();
    assert.equal(await errorCode(alice.createDeviceCode()), 'ERR_RATE_LIMITED');
    const late = fx.client();
    await late.connect(server.url);
    // past its 300 ms life (waiting on the clock is the condition itself)
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await errorCode(late.signInWithCode(first.code, 'Late')), 'ERR_BAD_CODE');
  });

  it('refuses an address that keeps guessing codes', async () => {
    const server = await fx.server({ limits: { signInFailuresPerAddress: 3 } });
    const alice = await fx.user(server, 'alice');
    const { code } = await alice.createDeviceCode();
    const guesser = fx.client();
    await guesser.connect(server.url);
    for (let i = 0; i < 3; i++) assert.equal(await errorCode(guesser.signInWithCode(`ZZZZ-ZZZ${i}`, 'Guess')), 'ERR_BAD_CODE');
    assert.equal(await errorCode(guesser.signInWithCode(code, 'Guess')), 'ERR_RATE_LIMITED', 'even the right code, once limited');
  });

  it('shows presence of the person while any device is on, and the first device to accept an invitation wins', async () => {
    const server = await fx.server();
    const laptop = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    await befriend(bob, laptop);
    const desktop = await addDevice(fx, server.url, laptop, 'Desktop');
    assert.ok(desktop.contacts.some((c) => c.alias === 'bob' && c.status === 'accepted'), 'the new device sees the account contacts');

    const onLaptop = nextEvent(laptop.onDidReceiveInvitation);
    const onDesktop = nextEvent(desktop.onDidReceiveInvitation);
    const invitation = await bob.invite('alice', 'my build fails');
    assert.equal((await onLaptop).id, invitation.id);
    assert.equal((await onDesktop).id, invitation.id);

    const laptopSees = nextEvent(laptop.onDidChangeInvitation, (i) => i.id === invitation.id && i.status !== 'pending');
    const session = await desktop.acceptInvitation(invitation.id);
    assert.equal(session.peer.alias, 'bob');
    assert.equal((await laptopSees).status, 'accepted');
    assert.equal(await errorCode(laptop.acceptInvitation(invitation.id)), 'ERR_INVITATION_CLOSED');
    assert.equal(laptop.sessions.length, 0, 'the session belongs to the device that accepted');

    // presence: the person's, while either device is connected (busy: the desktop is in a session)
    await waitFor('bob sees alice busy', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'busy');
    const before = server.connectionCount;
    laptop.disconnect();
    await waitFor('the server to see the laptop leave', () => server.connectionCount === before - 1);
    await bob.listInvitations(); // a round trip: a presence event sent on the laptop's leaving would be here by now
    assert.equal(bob.contacts.find((c) => c.alias === 'alice')?.presence, 'busy', 'the desktop, in the session, still counts');
    desktop.disconnect();
    await waitFor('alice offline for bob', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'offline');
  });

  it('tells each device that another device answered an invitation it was shown, and only then', async () => {
    const server = await fx.server();
    const laptop = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    await befriend(bob, laptop);
    const desktop = await addDevice(fx, server.url, laptop, 'Desktop');
    const heard = { laptop: [] as string[], desktop: [] as string[] };
    const trackers = (['laptop', 'desktop'] as const).map((name) => {
      const tracker = new AnsweredElsewhere(name === 'laptop' ? laptop : desktop);
      tracker.onDidAnswerElsewhere((i) => heard[name].push(`${i.id} ${i.status}`));
      return tracker;
    });

    const first = await bob.invite('alice');
    await waitFor('both devices shown the first', () => laptop.invitations.some((i) => i.id === first.id) && desktop.invitations.some((i) => i.id === first.id));
    await desktop.acceptInvitation(first.id);
    await waitFor('the laptop told', () => heard.laptop.length === 1);
    assert.deepEqual(heard.laptop, [`${first.id} accepted`]);
    await bob.endSession((await waitFor('bob has the session', () => bob.sessions[0])).id);

    const second = await bob.invite('alice');
    await waitFor('both devices shown the second', () => laptop.invitations.some((i) => i.id === second.id) && desktop.invitations.some((i) => i.id === second.id));
    await laptop.declineInvitation(second.id);
    await waitFor('the desktop told', () => heard.desktop.length === 1);
    assert.deepEqual(heard.desktop, [`${second.id} declined`]);

    // cancelled by the inviter: nobody answered, nobody is told that a device did
    const third = await bob.invite('alice');
    await waitFor('both devices shown the third', () => laptop.invitations.some((i) => i.id === third.id) && desktop.invitations.some((i) => i.id === third.id));
    const seen = nextEvent(laptop.onDidChangeInvitation, (i) => i.id === third.id && i.status === 'cancelled');
    const seenToo = nextEvent(desktop.onDidChangeInvitation, (i) => i.id === third.id && i.status === 'cancelled');
    await bob.cancelInvitation(third.id);
    await Promise.all([seen, seenToo]);
    assert.deepEqual(heard, { laptop: [`${first.id} accepted`], desktop: [`${second.id} declined`] });
    for (const tracker of trackers) tracker.dispose();
  });

  it('survives a device that signs out twice at once (the second finds its token gone)', async () => {
    const server = await fx.server();
    const alice = await fx.user(server, 'alice');
    const { code } = await alice.createDeviceCode();
    const raw = await RawClient.open(server.url);
    const signedIn = await raw.request({ type: 'signInWithCode', id: 1, code, deviceName: 'Raw', clientId: 'raw-client-0001' });
    assert.equal(signedIn.type, 'signedIn');
    // both leave before the server acts on either
    raw.socket.send(JSON.stringify({ type: 'signOut', id: 2 }));
    raw.socket.send(JSON.stringify({ type: 'signOutEverywhere', id: 3 }));
    raw.socket.send(JSON.stringify({ type: 'signOut', id: 4 }));
    await waitFor('the raw device closed', () => raw.closed);
    assert.equal(raw.closed?.code, 4001);
    await waitFor('alice signed out too', () => alice.connectionState === 'disconnected');
    const next = await fx.user(server, 'bob');
    assert.equal(next.connectionState, 'signedIn', 'the server still serves');
  });

  it('signs one device out from another, then every device out at once', async () => {
    const server = await fx.server();
    const laptop = await fx.user(server, 'alice');
    const desktop = await addDevice(fx, server.url, laptop, 'Desktop');
    const tablet = await addDevice(fx, server.url, laptop, 'Tablet');
    const laptopToken = laptop.token!;
    const laptopId = (await laptop.listDevices()).find((d) => d.current)!.id;

    const closed = nextEvent(laptop.onDidChangeConnectionState, (s) => s === 'disconnected');
    await desktop.signOutDevice(laptopId);
    await closed;
    assert.equal(laptop.reconnectRefusal?.code, 'ERR_BAD_TOKEN', 'the signed-out device stays out');
    const retry = fx.client();
    await retry.connect(server.url);
    assert.equal(await errorCode(retry.signInWithToken(laptopToken)), 'ERR_BAD_TOKEN');
    assert.deepEqual((await desktop.listDevices()).map((d) => d.name).sort(), ['Desktop', 'Tablet']);
    assert.equal(await errorCode(desktop.signOutDevice(laptopId)), 'ERR_NO_SUCH_DEVICE');

    // a device of another account cannot be signed out from here
    const bob = await fx.user(server, 'bob');
    const bobId = (await bob.listDevices())[0].id;
    assert.equal(await errorCode(desktop.signOutDevice(bobId)), 'ERR_NO_SUCH_DEVICE');
    assert.equal(bob.connectionState, 'signedIn');

    const tabletOut = nextEvent(tablet.onDidChangeConnectionState, (s) => s === 'disconnected');
    const { code } = await desktop.createDeviceCode();
    await desktop.signOutEverywhere();
    assert.equal(desktop.connectionState, 'disconnected');
    await tabletOut;
    assert.equal(tablet.reconnectRefusal?.code, 'ERR_BAD_TOKEN');
    const late = fx.client();
    await late.connect(server.url);
    assert.equal(await errorCode(late.signInWithCode(code, 'Late')), 'ERR_BAD_CODE', 'open codes die with the tokens');
    // left: bob and the two clients that only tried (retry, late)
    await waitFor('no connection of alice left', () => server.connectionCount === 3);
  });
});
