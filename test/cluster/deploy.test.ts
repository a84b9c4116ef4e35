/**
 * The sample deployment (deploy/): the HAProxy config as committed, checked by the README's command as
 * written and carrying clients to server processes on two machines; the systemd unit verified by systemd
 * and its command line accepted by the server with the sample settings.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseCli } from '../../src/server/cli';
import { nextEvent, waitFor } from '../server/support';
import { ClusterLab, HAPROXY_CONFIG } from './ClusterLab';

const ROOT = join(__dirname, '..', '..');
const UNIT = join(ROOT, 'deploy', 'systemd', 'remote-assist@.service');
const SETTINGS = join(ROOT, 'deploy', 'systemd', 'cluster.env');

/** The README's one command line that starts with `start`, exactly as printed there. */
function readmeCommand(start: string): string {
  const found = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(start));
  assert.equal(found.length, 1, `the README should show one ${start} command, found ${JSON.stringify(found)}`);
  return found[0];
}

describe('deploy: the sample HAProxy config and systemd unit', function () {
  this.timeout(60_000);

  it("passes `haproxy -c` with the README's command, and takes every address from its environment", () => {
    const out = execFileSync('bash', ['-c', `${readmeCommand('RA_LISTEN=')} 2>&1`], { cwd: ROOT, encoding: 'utf8' });
    assert.match(out, /Configuration file is valid/);
    const settings = readFileSync(HAPROXY_CONFIG, 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'));
    assert.deepEqual(settings.filter((line) => /\d+\.\d+\.\d+\.\d+/.test(line)), [], 'no address written into the config');
    // without its environment it does not start
    assert.notEqual(spawnSync('haproxy', ['-c', '-q', '-f', HAPROXY_CONFIG], { env: { PATH: process.env.PATH } }).status, 0);
  });

  it('carries clients to processes on two machines, checks them on /healthz and stops sending to one that is gone', async () => {
    const lab = await ClusterLab.start();
    try {
      const alice = await lab.fx.user({ url: lab.balancerUrl }, 'alice');
      const bob = await lab.fx.user({ url: lab.balancerUrl }, 'bob');
      assert.notEqual((await lab.serverOf('alice')), (await lab.serverOf('bob')));
      const health = await fetch(`${lab.balancerUrl.replace('ws:', 'http:')}/healthz`);
      // through the balancer the server sees this test's loopback address (forwarded), so it tells the details
      const body = (await health.json()) as { status: string; clustered?: boolean };
      assert.equal(body.status, 'ok');
      assert.equal(body.clustered, true);

      const second = lab.servers[1];
      lab.kill(second);
      await waitFor('haproxy to mark it down', () => /assistance_network\/server2 is DOWN/.test(lab.balancerLog), 30_000);
      // every new client lands on the one left
      const carol = await lab.fx.user({ url: lab.balancerUrl }, 'carol');
      assert.equal((await lab.serverOf('carol')), lab.servers[0]);
      await waitFor('both back', () => alice.connectionState === 'signedIn' && bob.connectionState === 'signedIn', 20_000);
      const added = nextEvent(carol.onDidChangeContacts, (list) => list.some((c) => c.alias === 'alice'));
      await alice.addContact('carol');
      await added;
    } finally {
      await lab.dispose();
    }
  });

  it('has a systemd unit that systemd-analyze verifies and whose command line the server accepts with the sample settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-unit-'));
    try {
      symlinkSync(UNIT, join(dir, 'remote-assist@.service'));
      symlinkSync('remote-assist@.service', join(dir, 'remote-assist@7420.service'));
      const verify = spawnSync('systemd-analyze', ['verify', join(dir, 'remote-assist@7420.service')], { encoding: 'utf8' });
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), '', 'systemd has no complaint');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // ExecStart as systemd expands it: %i the instance, ${X} one word, $X split into words
    const env = Object.fromEntries(
      readFileSync(SETTINGS, 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const execStart = /^ExecStart=(.*)$/m.exec(readFileSync(UNIT, 'utf8'))![1];
    const words = execStart.split(' ').flatMap((word) => {
      if (/^\$[A-Z_]+$/.test(word)) return env[word.slice(1)].split(' ');
      return [word.replace('%i', '7420').replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => env[name])];
    });
    assert.deepEqual(words.slice(0, 2), ['/usr/bin/node', '/opt/remote-assist/dist/server.js']);
    const parsed = parseCli(words.slice(2), {});
    assert.ok(!parsed.help);
    assert.equal(parsed.options.port, 7420);
    assert.equal(parsed.options.host, env.RA_HOST);
    assert.equal(parsed.options.redisUrl, env.RA_REDIS);
    assert.deepEqual(parsed.options.trustedProxies, [env.RA_BALANCER]);
    assert.equal(parsed.options.databaseUrl, 'postgres://remote-assist@10.0.0.5/remote_assist');
  });
});
