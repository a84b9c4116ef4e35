import { strict as assert } from 'assert';
import { execFile, spawn } from 'child_process';
import { promisify } from 'util';
import Redis from 'ioredis';
import { befriend, buildServer, errorCode, Fixture, freePort, nextEvent, spawnServer, storeArgs, waitFor } from './support';

const run = promisify(execFile);

describe('server: one person\'s devices on two processes (Redis), signed out and disabled across them', () => {
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

  it('a code from one process joins on the other; invitations reach both; sign-out and disable close the other process\'s connections', async function () {
    this.timeout(60_000);
    const data = fx.tempDir();
    const args = ['--port', '0', '--data', data, '--redis', `redis://127.0.0.1:${redisPort}`];
    const [east, west] = await Promise.all([spawnServer(fx, args), spawnServer(fx, args)]);

    const laptop = fx.client();
    await laptop.connect(east.url, { alias: 'alice', displayName: 'Alice', deviceName: 'Laptop' });
    const { code } = await laptop.createDeviceCode();
    const desktop = fx.client();
    await desktop.connect(west.url, { code, deviceName: 'Desktop' });
    const bob = fx.client();
    await bob.connect(west.url, { alias: 'bob', displayName: 'Bob' });
    await befriend(bob, laptop);

    const both = [nextEvent(laptop.onDidReceiveInvitation), nextEvent(desktop.onDidReceiveInvitation)];
    const invitation = await bob.invite('alice');
    await Promise.all(both);
    const desktopSees = nextEvent(desktop.onDidChangeInvitation, (i) => i.id === invitation.id && i.status === 'accepted');
    await laptop.acceptInvitation(invitation.id);
    await desktopSees;
    assert.equal(await errorCode(desktop.acceptInvitation(invitation.id)), 'ERR_INVITATION_CLOSED');

    // the desktop (west) signs the laptop (east) out
    const laptopId = (await desktop.listDevices()).find((d) => d.name === 'Laptop')!.id;
    const laptopOut = nextEvent(laptop.onDidChangeConnectionState, (s) => s === 'disconnected');
    const bobTold = nextEvent(bob.onDidEndSession);
    await desktop.signOutDevice(laptopId);
    await laptopOut;
    assert.equal(laptop.reconnectRefusal?.code, 'ERR_BAD_TOKEN');
    assert.equal((await bobTold).reason, 'peerOffline', 'the signed-out device\'s session ended for Bob at once');
    assert.equal(desktop.connectionState, 'signedIn');

    // the desktop helps Bob in a new session
    const second = await bob.invite('alice');
    await waitFor('the desktop has the invitation', () => desktop.invitations.some((i) => i.id === second.id));
    await desktop.acceptInvitation(second.id);
    const bobToldAgain = nextEvent(bob.onDidEndSession);

    // an administrator disables alice: the desktop on west is disconnected and stays out
    const desktopOut = nextEvent(desktop.onDidChangeConnectionState, (s) => s === 'disconnected');
    const { stdout } = await run(process.execPath, [await buildServer(), 'accounts', 'disable', 'alice', '--data', data, ...(await storeArgs(data))]);
    assert.match(stdout, /alice is disabled/);
    await desktopOut;
    assert.equal(desktop.reconnectRefusal?.code, 'ERR_ACCOUNT_DISABLED');
    assert.equal((await bobToldAgain).reason, 'peerOffline', 'the disabled account\'s session ended for Bob at once');
    await waitFor('bob sees alice offline', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'offline');
  });
});
