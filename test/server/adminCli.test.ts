import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';
import type { NetworkClient } from '../../src/network/NetworkClient';
import { befriend, errorCode, Fixture, nextEvent, spawnServer, waitFor } from './support';

const ROOT = join(__dirname, '..', '..');

/** `npm run server -- accounts ARGS`, exactly as an administrator types it; never rejects. */
function accounts(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', 'server', '--', 'accounts', ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('server: accounts administration from the command line, against a running server', function () {
  this.timeout(120_000);
  const fx = new Fixture();
  after(() => fx.dispose());

  it('lists, disables (disconnecting at once, withdrawing invitations, ending sessions), enables, resets devices, removes; audits each', async () => {
    const data = fx.tempDir();
    const server = await spawnServer(fx, ['--port', '0', '--data', data]);
    const user = async (alias: string): Promise<NetworkClient> => {
      const client = fx.client();
      await client.connect(server.url, { alias, displayName: alias[0].toUpperCase() + alias.slice(1), deviceName: `${alias}'s laptop` });
      return client;
    };
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    await befriend(alice, bob);
    await befriend(alice, carol);

    const listed = await accounts('list', '--data', data);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ALIAS\s+NAME\s+STATUS\s+DEVICES\s+LAST SEEN\s+CREATED/);
    assert.match(listed.stdout, /^alice\s+Alice\s+enabled\s+1\s/m);
    assert.match(listed.stdout, /^carol\s+Carol\s+enabled\s+1\s/m);
    const listedJson = (await accounts('list', '--data', data, '--json')).stdout;
    // npm prints its own "> remote-assist… server" lines first
    const json = JSON.parse(listedJson.slice(listedJson.indexOf('\n['))) as { alias: string }[];
    assert.deepEqual(json.map((a) => a.alias), ['alice', 'bob', 'carol']);

    // alice has invited carol, then helps bob in a session (one session at a time: the invitation comes first)
    const toCarol = await alice.invite('carol', 'later?');
    await waitFor('carol has the invitation', () => carol.invitations.some((i) => i.id === toCarol.id));
    const invitation = await bob.invite('alice');
    const session = await alice.acceptInvitation(invitation.id);
    await waitFor('bob has the session', () => bob.sessions.some((s) => s.id === session.id));
    const aliceToken = alice.token!;

    const bobTold = nextEvent(bob.onDidEndSession, (e) => e.sessionId === session.id);
    const carolTold = nextEvent(carol.onDidChangeInvitation, (i) => i.id === toCarol.id && i.status !== 'pending');
    const aliceOut = nextEvent(alice.onDidChangeConnectionState, (s) => s === 'disconnected', 20_000);
    const disabled = await accounts('disable', 'alice', '--data', data, '--by', 'ops@example');
    const cliDone = performance.now();
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /alice is disabled/);
    assert.equal((await bobTold).reason, 'peerOffline');
    const endedAfterMs = performance.now() - cliDone;
    assert.equal((await carolTold).status, 'cancelled');
    await aliceOut;
    assert.equal(alice.reconnectRefusal?.code, 'ERR_ACCOUNT_DISABLED');
    await waitFor('bob sees alice offline', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'offline');
    console.log(`      session ended at bob ${endedAfterMs.toFixed(0)} ms after the disable command exited`);
    assert.ok(endedAfterMs < 2_000, `ended ${endedAfterMs} ms after the command`);

    const again = fx.client();
    await again.connect(server.url);
    assert.equal(await errorCode(again.signInWithToken(aliceToken)), 'ERR_ACCOUNT_DISABLED');
    assert.match((await accounts('list', '--data', data)).stdout, /^alice\s+Alice\s+disabled\s/m);
    assert.match((await accounts('disable', 'alice', '--data', data)).stdout, /already disabled/);

    const enabled = await accounts('enable', 'alice', '--data', data, '--by', 'ops@example');
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal((await again.signInWithToken(aliceToken)).alias, 'alice', 'the old token works again');

    // recovery: every device signed out, one code for the person
    const againOut = nextEvent(again.onDidChangeConnectionState, (s) => s === 'disconnected', 20_000);
    const reset = await accounts('reset-devices', 'alice', '--data', data, '--code-expiry', '10m', '--by', 'ops@example');
    assert.equal(reset.code, 0, reset.stderr);
    const code = /One-time code: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(reset.stdout)?.[1];
    assert.ok(code, reset.stdout);
    await againOut;
    assert.equal(again.reconnectRefusal?.code, 'ERR_BAD_TOKEN');
    const recovered = fx.client();
    await recovered.connect(server.url, { code: code!, deviceName: 'new laptop' });
    assert.equal(recovered.account?.alias, 'alice');
    assert.ok(recovered.contacts.some((c) => c.alias === 'bob'), 'contacts survive a reset');
    const reuse = fx.client();
    await reuse.connect(server.url);
    assert.equal(await errorCode(reuse.signInWithCode(code!, 'twice')), 'ERR_BAD_CODE');

    // remove: refused without --yes, unknown aliases exit 1, then carol is gone from alice's list
    const noYes = await accounts('remove', 'carol', '--data', data);
    assert.equal(noYes.code, 2);
    assert.match(noYes.stderr, /--yes/);
    const unknown = await accounts('disable', 'nobody', '--data', data);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no account nobody/);
    assert.equal((await accounts('frobnicate', '--data', data)).code, 2);
    assert.equal((await accounts('list', '--data', join(data, 'missing'))).code, 2);
    const carolOut = nextEvent(carol.onDidChangeConnectionState, (s) => s === 'disconnected', 20_000);
    const removed = await accounts('remove', 'carol', '--yes', '--data', data, '--by', 'ops@example');
    assert.equal(removed.code, 0, removed.stderr);
    await carolOut;
    await waitFor('carol leaves alice\'s contacts', () => !recovered.contacts.some((c) => c.alias === 'carol'));
    assert.doesNotMatch((await accounts('list', '--data', data)).stdout, /^carol/m);

    const shown = await accounts('show', 'alice', '--data', data);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /new laptop/);
    assert.doesNotMatch(shown.stdout, /alice's laptop/, 'the reset signed the old device out');
    for (const action of ['disable', 'enable', 'reset-devices']) assert.match(shown.stdout, new RegExp(`ops@example\\s+${action}\\s`));
    const log = readFileSync(join(data, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; alias: string; actor: string; detail: string });
    assert.deepEqual(log.map((e) => `${e.action} ${e.alias}`), ['disable alice', 'disable alice', 'enable alice', 'reset-devices alice', 'remove carol']);
    assert.ok(!readFileSync(join(data, 'audit.log'), 'utf8').includes(code!), 'the audit log never holds the code');
  });
});
