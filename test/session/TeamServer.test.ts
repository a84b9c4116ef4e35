/**
 * "Start a Team Server on This Machine": TLS with a pinned generated certificate, a random join password,
 * a free port kept across restarts; real server and clients on loopback.
 */
import assert from 'assert';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NetworkClient } from '../../src/network/NetworkClient';
import { plainTextWarning, splitServerAddress } from '../../src/network/serverAddress';
import { startTeamServer, type TeamServer } from '../../src/session/TeamServer';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('team server on this machine', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'ra-team-server-'));
  const clients: NetworkClient[] = [];
  let team: TeamServer | undefined;
  after(async () => {
    for (const client of clients) client.dispose();
    await team?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const client = () => {
    const c = new NetworkClient({ logger: quiet, initialBackoffMs: 100 });
    clients.push(c);
    return c;
  };

  it('serves wss:// on the address it names, pinned by the fingerprint in its address, behind a random join password', async () => {
    team = await startTeamServer(dir, '127.0.0.1', 60_000, {}, quiet);
    assert.match(team.address, /^wss:\/\/127\.0\.0\.1:\d+\/#sha256=[0-9a-f]{64}$/);
    assert.strictEqual(splitServerAddress(team.address).fingerprint, team.fingerprint);
    assert.ok(team.joinPassword.length >= 16);

    await assert.rejects(client().connect(team.address, { alias: 'walkin', displayName: 'Walk-in' }), (e: Error & { code?: string }) => e.code === 'ERR_BAD_JOIN_PASSWORD');
    const mate = client();
    await mate.connect(team.address, { alias: 'mate', displayName: 'Mate', joinPassword: team.joinPassword });
    assert.strictEqual(mate.connectionState, 'signedIn');
    // the same server under another pin is refused before anything is sent
    const wrongPin = team.address.replace(/sha256=./, (m) => `sha256=${m.endsWith('0') ? '1' : '0'}`);
    await assert.rejects(client().connect(wrongPin, { alias: 'other', displayName: 'Other', joinPassword: team.joinPassword }), (e: Error & { code?: string }) => e.code === 'ERR_CERT_MISMATCH');

    // restarted, it keeps its address, certificate and password: what teammates saved still works
    const { address, joinPassword } = team;
    await team.server.close();
    team = await startTeamServer(dir, '127.0.0.1', 60_000, {}, quiet);
    assert.strictEqual(team.address, address);
    assert.strictEqual(team.joinPassword, joinPassword);
  });

  it('warns about ws:// addresses beyond this machine only', () => {
    assert.match(plainTextWarning('ws://192.168.1.20:7420') ?? '', /not encrypted/);
    assert.strictEqual(plainTextWarning('ws://127.0.0.1:7420'), undefined);
    assert.strictEqual(plainTextWarning('ws://localhost:7420'), undefined);
    assert.strictEqual(plainTextWarning('wss://assist.example.com'), undefined);
  });
});
