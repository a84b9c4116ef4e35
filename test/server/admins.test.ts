import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { NetworkClient } from '../../src/network/NetworkClient';
import { NetworkError } from '../../src/network/NetworkError';
import { parseCli } from '../../src/server/cli';
import { befriend, errorCode, Fixture, nextEvent, spawnServer, waitFor } from './support';

describe('server: --admins run the account administration from VS Code, through the server', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  after(() => fx.dispose());

  it('parses --admins, --oidc-issuer and --oidc-client-id and refuses bad ones clearly', () => {
    const ok = parseCli(['--admins', 'Ops, alice', '--oidc-issuer', 'https://login.example.com/realms/staff', '--oidc-client-id', 'remote-assist'], {});
    assert.ok(!ok.help);
    assert.deepEqual(ok.options.admins, ['ops', 'alice']);
    assert.deepEqual(ok.options.oidc, { issuer: 'https://login.example.com/realms/staff', clientId: 'remote-assist' });
    const refused = (args: string[]) => assert.throws(() => parseCli(args, {}), (e: Error) => e.message.length > 10);
    refused(['--admins', 'not an alias']);
    refused(['--admins', ',']);
    refused(['--oidc-issuer', 'https://login.example.com']);
    refused(['--oidc-client-id', 'x']);
    refused(['--oidc-issuer', 'http://login.example.com', '--oidc-client-id', 'x']);
    refused(['--oidc-issuer', 'not a url', '--oidc-client-id', 'x']);
    assert.doesNotThrow(() => parseCli(['--oidc-issuer', 'http://127.0.0.1:8080', '--oidc-client-id', 'x'], {}));
  });

  it('lists, disables, enables, resets devices and removes for an admin, audited like the command line; refuses anyone else', async () => {
    const data = fx.tempDir();
    const server = await spawnServer(fx, ['--port', '0', '--data', data, '--admins', 'ops']);
    const user = async (alias: string): Promise<NetworkClient> => {
      const client = fx.client();
      await client.connect(server.url, { alias, displayName: alias[0].toUpperCase() + alias.slice(1) });
      return client;
    };
    const ops = await user('ops');
    const alice = await user('alice');
    const bob = await user('bob');
    await befriend(alice, bob);

    // a non-admin is refused, and nothing happens
    const refusedList = await alice.adminListAccounts().catch((e: NetworkError) => e);
    assert.ok(refusedList instanceof NetworkError);
    assert.equal(refusedList.code, 'ERR_NOT_ADMIN');
    assert.match(refusedList.message, /not an administrator/);
    assert.equal(await errorCode(alice.adminAccount('disable', 'bob')), 'ERR_NOT_ADMIN');
    assert.equal(bob.connectionState, 'signedIn');

    const listed = await ops.adminListAccounts();
    assert.deepEqual(listed.map((a) => [a.alias, a.displayName, a.disabledAt, a.devices]), [['alice', 'Alice', null, 1], ['bob', 'Bob', null, 1], ['ops', 'Ops', null, 1]]);

    // disable: bob's device is disconnected at once and refused on reconnect; alice sees him offline
    const bobOut = nextEvent(bob.onDidChangeConnectionState, (s) => s === 'disconnected', 20_000);
    const disabled = await ops.adminAccount('disable', 'bob');
    assert.match(disabled.detail, /bob is disabled/);
    await bobOut;
    assert.equal(bob.reconnectRefusal?.code, 'ERR_ACCOUNT_DISABLED');
    await waitFor('alice sees bob offline', () => alice.contacts.find((c) => c.alias === 'bob')?.presence === 'offline');
    assert.notEqual((await ops.adminListAccounts()).find((a) => a.alias === 'bob')?.disabledAt, null);
    assert.match((await ops.adminAccount('enable', 'bob')).detail, /enabled again/);

    // reset-devices: alice's device is signed out; the code lets her in again with a new device
    const aliceOut = nextEvent(alice.onDidChangeConnectionState, (s) => s === 'disconnected', 20_000);
    const reset = await ops.adminAccount('reset-devices', 'alice');
    assert.match(reset.code ?? '', /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await aliceOut;
    const aliceAgain = fx.client();
    await aliceAgain.connect(server.url, { code: reset.code!, deviceName: 'new laptop' });
    assert.equal(aliceAgain.account?.alias, 'alice');

    // clear refusals that change nothing
    assert.equal(await errorCode(ops.adminAccount('disable', 'nobody')), 'ERR_NO_SUCH_ACCOUNT');
    assert.equal(await errorCode(ops.adminAccount('remove', 'ops')), 'ERR_SELF');

    assert.match((await ops.adminAccount('remove', 'bob')).detail, /bob is removed/);
    await waitFor('alice no longer lists bob', () => !aliceAgain.contacts.some((c) => c.alias === 'bob'));
    assert.deepEqual((await ops.adminListAccounts()).map((a) => a.alias), ['alice', 'ops']);

    // every action is audited as the command line's are, with the admin as the actor
    const audit = readFileSync(join(data, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: string; action: string; alias: string });
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action, a.alias]),
      [
        ['ops (VS Code)', 'disable', 'bob'],
        ['ops (VS Code)', 'enable', 'bob'],
        ['ops (VS Code)', 'reset-devices', 'alice'],
        ['ops (VS Code)', 'remove', 'bob'],
      ],
    );
  });
});
