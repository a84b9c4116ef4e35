import { strict as assert } from 'assert';
import { AssistanceNetwork, type TokenStore } from '../../src/session/AssistanceNetwork';
import { MemoryTokens } from './support/MemoryTokens';
import { silentLogger } from '../../src/common/logger';
import { errorCode, Fixture, nextEvent } from '../server/support';

describe('AssistanceNetwork: this machine\'s devices of one account', () => {
  const fx = new Fixture();
  const networks: AssistanceNetwork[] = [];
  after(async () => {
    for (const n of networks) n.dispose();
    await fx.dispose();
  });
  const network = (tokens: TokenStore) => {
    const n = new AssistanceNetwork(tokens, silentLogger);
    networks.push(n);
    return n;
  };

  it('joins with a code, names the device, forgets a token that was signed out elsewhere, and Sign Out revokes on the server', async () => {
    const server = await fx.server();
    const laptopTokens = new MemoryTokens();
    const laptop = network(laptopTokens);
    await laptop.signIn(server.url, 'alice', 'Alice');
    const { code } = await laptop.client.createDeviceCode();

    const desktopTokens = new MemoryTokens();
    const desktop = network(desktopTokens);
    await desktop.signInWithCode(server.url, code);
    assert.equal(desktop.client.account?.alias, 'alice');
    assert.equal(desktopTokens.map.get(server.url), desktop.client.token);
    const devices = await desktop.client.listDevices();
    assert.equal(devices.length, 2);
    assert.ok(devices.every((d) => d.name.startsWith('VS Code on ')), 'each device is named after its machine');

    // Sign Out on the desktop revokes its token on the server: the laptop lists one device
    const desktopToken = desktop.client.token!;
    await desktop.signOut();
    assert.equal(desktopTokens.map.size, 0);
    assert.equal((await laptop.client.listDevices()).length, 1);
    const probe = fx.client();
    await probe.connect(server.url);
    assert.equal(await errorCode(probe.signInWithToken(desktopToken)), 'ERR_BAD_TOKEN');

    // signed out from elsewhere: the laptop is told why and forgets its dead token
    const again = network(new MemoryTokens());
    await again.signInWithCode(server.url, (await laptop.client.createDeviceCode()).code);
    const lost = nextEvent(laptop.onDidLoseSignIn);
    await again.signOutEverywhere();
    assert.equal((await lost).code, 'ERR_BAD_TOKEN');
    assert.equal(laptopTokens.map.size, 0);
    assert.equal(laptop.signedIn, false);
  });
});
