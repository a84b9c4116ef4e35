import { strict as assert } from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import { readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { pollUntil, PollAborted } from '../../scripts/stack/poll';
import { silentLogger } from '../../src/common/logger';
import { AssistanceNetwork } from '../../src/session/AssistanceNetwork';
import { CompanySignIn } from '../../src/session/CompanySignIn';
import { MemoryTokens } from '../session/support/MemoryTokens';
import { REDIRECT_URI, signInAtBrowser, startProvider, type TestProvider } from './oidcProvider';
import { freshCopy, portInUse } from './support';

const ROOT = join(__dirname, '..', '..');

/** The README's command that starts a server with company sign-in, exactly as printed there. */
function readmeOidcCommand(): string {
  const found = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('npm run server') && line.includes('--oidc-issuer'));
  assert.equal(found.length, 1, `the README should show one company sign-in command, found ${JSON.stringify(found)}`);
  return found[0];
}

describe("README: the company sign-in server's command", function () {
  this.timeout(120_000);
  let provider: TestProvider | undefined;
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  const disposables: { dispose(): void }[] = [];
  after(async () => {
    for (const d of disposables) d.dispose();
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    await provider?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written with OIDC_ISSUER set: alice signs in with the provider and, named by --admins, lists the accounts', async () => {
    const command = readmeOidcCommand();
    const port = Number(/--port (\d+)/.exec(command)?.[1]);
    await pollUntil(`port ${port} to be free for the README's command`, async () => !(await portInUse(port)), { timeoutMs: 60_000 });
    provider = await startProvider([/--oidc-client-id (\S+)/.exec(command)![1]]);
    dir = freshCopy();
    let output = '';
    child = spawn('bash', ['-c', command], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OIDC_ISSUER: provider.issuer } });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await pollUntil(
      'the server to listen',
      async () => {
        if (child!.exitCode !== null) throw new PollAborted(`the server command exited with ${child!.exitCode}:\n${output}`);
        return portInUse(port);
      },
      { timeoutMs: 60_000 },
    );

    const url = `ws://127.0.0.1:${port}`;
    const network = new AssistanceNetwork(new MemoryTokens(), silentLogger);
    const company = new CompanySignIn(network);
    disposables.push(network, company);
    const idp = await company.provider(url);
    await company.withBrowser(url, idp, REDIRECT_URI, async (page) => {
      const { stoppedAt } = await signInAtBrowser(page, 'sub-alice');
      setImmediate(() => company.callbacks.deliver(new URL(stoppedAt).search.slice(1)));
    });
    assert.deepEqual(network.client.account, { alias: 'alice', displayName: 'Alice Liddell' });
    assert.deepEqual((await network.client.adminListAccounts()).map((a) => a.alias), ['alice']);

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  });
});
