/**
 * The README's Networks command, run exactly as written (in a lab namespace, where port 7420 is free): the
 * server starts with the STUN/TURN options and answers /healthz. (Needs `npm run build` first, as `npm test` does.)
 */
import assert from 'assert';
import { existsSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { PollAborted, pollUntil } from '../../scripts/stack/poll';
import { NetLab, PUBLIC } from '../support/netlab';

const ROOT = join(__dirname, '..', '..');

describe('README, Networks: the server command with --stun/--turn and the TURN secret', function () {
  this.timeout(90_000);
  let lab: NetLab;
  const dataDir = join(ROOT, 'data');
  const hadData = existsSync(dataDir);

  after(async () => {
    await lab?.dispose();
    if (!hadData) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts and serves', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const networks = readme.slice(readme.indexOf('## Networks'));
    const command = /```bash\n(REMOTE_ASSIST_TURN_SECRET=[^`]*?npm run server[^`]*?)```/.exec(networks)?.[1];
    assert.ok(command?.includes('--turn '), 'the Networks section shows the server command');
    lab = await NetLab.create();
    const server = lab.spawn(PUBLIC, 'bash', ['-c', command!], { cwd: ROOT, env: { ...process.env, TURN_SECRET: 'a-secret-for-the-readme-test' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout!.on('data', (d) => (out += d));
    server.stderr!.on('data', (d) => (out += d));
    const listening = await pollUntil('the server to listen', () => /\{"listening":"ws:\/\/127\.0\.0\.1:7420"/.test(out) || (server.exitCode !== null && Promise.reject(new PollAborted(out))), { timeoutMs: 60_000 });
    assert.ok(listening);
    const health = await lab.exec(PUBLIC, process.execPath, ['-e', "fetch('http://127.0.0.1:7420/healthz').then((r) => r.json()).then((b) => console.log(b.status))"]);
    assert.strictEqual(health.stdout.trim(), 'ok');
  });
});
