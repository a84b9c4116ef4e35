/**
 * Every command the README shows (its ```bash blocks) is run, exactly as written, by a test or by CI. This
 * suite lists which one runs each, and fails when the README shows a command nobody runs — or when a listed
 * runner no longer holds the command (or no longer reads it from the README).
 */
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');

/** Where each command is run, and the text in that file that shows it runs this command as written. */
const RUN_BY: Readonly<Record<string, { readonly file: string; readonly evidence: string }>> = {
  'bash scripts/setup.sh': { file: '.ci/run', evidence: 'bash scripts/setup.sh' },
  'npm run demo': { file: 'test/e2e/demo.e2e.test.ts', evidence: "spawn('npm', ['run', 'demo']" },
  'npm test': { file: '.ci/run', evidence: 'npm test' },
  'npm run package -- --target all': { file: 'test/package/package.test.ts', evidence: "['run', 'package', '--', '--target', 'all']" },
  // these read their command line from README.md and run it through a shell
  'npm run server -- --port 7420 --data ./data': { file: 'test/server/readme.test.ts', evidence: "join(ROOT, 'README.md')" },
  'curl -s http://127.0.0.1:7420/metrics': { file: 'test/server/readme.test.ts', evidence: "readmeCommand('curl -s http://127.0.0.1:7420/metrics')" },
  'REMOTE_ASSIST_TURN_SECRET="$TURN_SECRET" npm run server -- --port 7420 --data ./data --stun stun:turn.example.com:3478 --turn turn:turn.example.com:3478 --turn \'turn:turn.example.com:3478?transport=tcp\' --turn \'turns:turn.example.com:443?transport=tcp\'':
    { file: 'test/netlab/readmeServer.test.ts', evidence: "join(ROOT, 'README.md')" },
  'npm run server -- --port 7420 --data ./data --oidc-issuer "$OIDC_ISSUER" --oidc-client-id remote-assist --admins alice': {
    file: 'test/server/readmeOidc.test.ts',
    evidence: "join(ROOT, 'README.md')",
  },
  'RA_LISTEN=0.0.0.0:7420 RA_BACKEND_1=10.0.0.11:7420 RA_BACKEND_2=10.0.0.12:7420 haproxy -c -f deploy/haproxy/haproxy.cfg': {
    file: 'test/cluster/deploy.test.ts',
    evidence: "readmeCommand('RA_LISTEN=')",
  },
};

/** The README's ```bash blocks, one entry per command: continuation lines joined, comments dropped. */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/```bash\n([\s\S]*?)```/g)) {
    const joined = block[1].replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command) commands.push(command.replace(/\s+/g, ' '));
    }
  }
  return commands;
}

describe("README: every command it shows is run by a test or CI", function () {
  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('shows commands, each of them run by a listed test or by CI', function () {
    assert.ok(commands.length >= 5, `found only ${JSON.stringify(commands)}`);
    for (const command of commands) assert.ok(RUN_BY[command], `the README shows \`${command}\`, which no test runs: add a test that runs it as written and list it here`);
  });

  it('lists no command the README no longer shows', function () {
    for (const command of Object.keys(RUN_BY)) assert.ok(commands.includes(command), `\`${command}\` is listed here but the README does not show it`);
  });

  for (const [command, { file, evidence }] of Object.entries(RUN_BY)) {
    it(`${file} runs \`${command.slice(0, 60)}\``, function () {
      assert.ok(readFileSync(join(ROOT, file), 'utf8').includes(evidence), `${file} should hold ${evidence}`);
    });
  }
});
