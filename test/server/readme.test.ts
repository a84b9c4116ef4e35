import { strict as assert } from 'assert';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { existsSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { pollUntil, PollAborted } from '../../scripts/stack/poll';
import { Fixture, freshCopy, portInUse } from './support';

const ROOT = join(__dirname, '..', '..');

/** The README's one command line that starts with `start`, exactly as printed there. */
function readmeCommand(start: string): string {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const found = lines.filter((line) => line.startsWith(start));
  assert.equal(found.length, 1, `the README should show one ${start} command, found ${JSON.stringify(found)}`);
  return found[0];
}

/** The README's command that starts the assistance network on its own, exactly as printed there: the plain one;
 * the company sign-in command beside it adds --oidc-* options (test/server/readmeOidc.test.ts). */
function readmeServerCommand(): string {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const found = lines.filter((line) => /^npm run server -- --port \d+ --data \S+$/.test(line));
  assert.equal(found.length, 1, `the README should show one server command, found ${JSON.stringify(found)}`);
  return found[0];
}

describe("README: the assistance network server's command", function () {
  this.timeout(120_000);
  const fx = new Fixture();
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  after(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    await fx.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written in a fresh copy of the repository: serves /healthz and signs a user in, then stops on Ctrl+C', async () => {
    const command = readmeServerCommand();
    const port = Number(/--port (\d+)/.exec(command)?.[1]);
    assert.ok(port > 0, `no --port in ${command}`);
    await pollUntil(`port ${port} to be free for the README's command`, async () => !(await portInUse(port)), { timeoutMs: 30_000 });
    dir = freshCopy();
    assert.equal(existsSync(join(dir, 'dist')), false);
    let output = '';
    // its own process group, so Ctrl+C (SIGINT) reaches npm, the shell and the server as in a terminal
    child = spawn('bash', ['-c', command], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const running = () => {
      if (child!.exitCode !== null) throw new PollAborted(`the server command exited with ${child!.exitCode}:\n${output}`);
    };

    const health = await pollUntil(
      '/healthz to answer',
      async () => {
        running();
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
        return response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(health.status, 'ok');

    const client = fx.client();
    await client.connect(`ws://127.0.0.1:${port}`, { alias: 'newcomer', displayName: 'Newcomer' });
    assert.equal(client.connectionState, 'signedIn');
    // the README's metrics command, run as written on the server's machine, shows the sign-in
    const metrics = execFileSync('bash', ['-c', readmeCommand('curl -s http://127.0.0.1:7420/metrics')], { encoding: 'utf8' });
    assert.match(metrics, /^remote_assist_sign_ins_total\{result="ok"\} 1$/m);
    assert.match(metrics, /^remote_assist_connected_clients 1$/m);
    client.dispose();
    assert.ok(existsSync(join(dir, 'data')), 'the store is in ./data');

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    await pollUntil('the server to stop listening', async () => !(await portInUse(port)), { timeoutMs: 10_000 });
    assert.match(output, /SIGINT: shutting down/);
    assert.doesNotMatch(output, /ENOENT|failed to start/);
  });
});
