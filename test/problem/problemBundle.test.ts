/**
 * The invitation carries the problem: parts gathered on the sharer's machine are scrubbed of secrets before
 * review, the chosen ones travel with the invitation through a real server on loopback (stored in its
 * SQLite file, so they survive a restart), only the two parties can read them, and bad bundles change nothing.
 */
import { strict as assert } from 'assert';
import { MAX_BUNDLE_BYTES, ProblemBundle } from '../../src/protocol/bundle';
import { buildBundle, problemParts, type GatheredProblem } from '../../src/problem/problemParts';
import { renderProblem } from '../../src/problem/renderProblem';
import { scrubSecrets } from '../../src/problem/scrubSecrets';
import { befriend, errorCode, Fixture, nextEvent, waitFor } from '../server/support';

const GITHUB = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV';

const gathered: GatheredProblem = {
  versions: { vscode: '1.100.3', extension: '0.1.0', app: 'code-server' },
  os: 'Linux 6.1.0 x64',
  extensions: [{ id: 'remote-assist.remote-assist', version: '0.1.0' }, { id: 'dbaeumer.vscode-eslint', version: '3.0.10' }],
  output: {
    source: 'Git',
    text: [
      '> git fetch',
      `remote: using token ${GITHUB}`,
      'fatal: https://bob:hunter2hunter2@git.example.com/repo.git: Authentication failed',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AKIAIOSFODNN7EXAMPLE',
      `Authorization: Bearer ${JWT}`,
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      '-----END OPENSSH PRIVATE KEY-----',
      '{"db": {"password": "correct horse"}, "api_key": "k-1234567890"}',
      'error: password is required',
      '',
    ].join('\n'),
  },
  diagnostics: {
    file: 'src/app.ts',
    items: [
      { severity: 'error', line: 12, column: 5, message: "Type 'string' is not assignable to type 'number'.", source: 'ts' },
      { severity: 'warning', line: 3, column: 1, message: `Unused variable token = "${GITHUB}"`, source: 'eslint' },
    ],
  },
};

describe('the problem travels with the invitation', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('scrubs tokens, keys, passwords and JWTs before the review, and keeps ordinary text', () => {
    const parts = problemParts(gathered);
    assert.deepEqual(parts.map((p) => p.key), ['versions', 'os', 'extensions', 'output', 'diagnostics']);
    const output = parts.find((p) => p.key === 'output')!;
    const text = output.value.output!.lines.join('\n');
    for (const secret of [GITHUB, 'hunter2hunter2', 'wJalrXUtnFEMI', 'AKIAIOSFODNN7EXAMPLE', JWT.slice(0, 30), 'b3BlbnNzaC1rZXkt', 'correct horse', 'k-1234567890']) {
      assert.ok(!text.includes(secret), `${secret} left in the output`);
    }
    assert.match(text, /\[GitHub token removed\]/);
    assert.match(text, /https:\/\/bob:\[password removed\]@git\.example\.com/);
    assert.match(text, /\[private key removed\]/);
    assert.match(text, /error: password is required/, 'prose about passwords stays');
    assert.match(text, /^> git fetch$/m);
    assert.match(output.summary, /^last \d+ lines · \d+ secrets removed \(.*GitHub token.*\)$/);
    const diagnostics = parts.find((p) => p.key === 'diagnostics')!;
    assert.ok(!JSON.stringify(diagnostics.value).includes(GITHUB));
    assert.match(diagnostics.summary, /2 problems, 1 error · 1 secret removed \(GitHub token\)/);
    assert.equal(scrubSecrets("src/app.ts:12:5 - error TS2322: Type 'string' is not assignable").removed.size, 0);
  });

  it('cuts the oldest output lines so a bundle fits 24 KB, and refuses bundles that are too large or malformed', () => {
    const huge = problemParts({ output: { source: 'Tasks', text: Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(1500)}`).join('\n') } });
    const bundle = buildBundle(huge)!;
    assert.ok(Buffer.byteLength(JSON.stringify(bundle)) <= MAX_BUNDLE_BYTES);
    assert.match(bundle.output!.lines.at(-1)!, /^line 199 /, 'the newest lines are kept');
    assert.ok(bundle.output!.lines.length < 200 && bundle.output!.lines.length > 10);
    assert.equal(buildBundle([]), undefined);

    assert.equal(ProblemBundle.safeParse({ output: { source: 'x', lines: Array(20).fill('y'.repeat(1500)) } }).success, false, 'over 24 KB');
    assert.equal(ProblemBundle.safeParse({ os: 'Linux\nrm -rf /' }).success, false, 'a line break where one line is meant');
    assert.equal(ProblemBundle.safeParse({ os: 'Linux', shell: 'bash' }).success, false, 'unknown parts');
    assert.equal(ProblemBundle.safeParse({ diagnostics: { file: 'a.ts', items: [{ severity: 'fatal', line: 1, column: 1, message: '' }] } }).success, false);
  });

  it('travels with the invitation through the server to the invitee only, survives a restart, and bad bundles change nothing', async function () {
    this.timeout(30_000);
    const dataDir = fx.tempDir();
    let server = await fx.server({ dataDir });
    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    const carol = await fx.user(server, 'carol');
    await befriend(alice, bob);
    await befriend(alice, carol);

    const chosen = problemParts(gathered).filter((p) => p.key !== 'extensions');
    const problem = buildBundle(chosen)!;
    const received = nextEvent(bob.onDidReceiveInvitation);
    const sent = await alice.invite('bob', 'git fetch fails', undefined, problem);
    const invitation = await received;
    assert.equal(invitation.hasProblem, true);
    assert.equal(invitation.note, 'git fetch fails');
    assert.deepEqual(await bob.getProblem(invitation.id), problem);
    assert.deepEqual(await alice.getProblem(sent.id), problem);
    assert.equal(await errorCode(carol.getProblem(sent.id)), 'ERR_NO_SUCH_INVITATION', 'a third party learns nothing');

    const plain = await alice.invite('carol', 'no details');
    assert.equal(plain.hasProblem, undefined);
    assert.equal(await errorCode(carol.getProblem(plain.id)), 'ERR_NO_PROBLEM');

    // a bundle over the limit (sent by a client that skipped the checks) is refused and no invitation is made
    const before = bob.invitations.length;
    const oversized = { output: { source: 'x', lines: Array(20).fill('y'.repeat(1500)) } } as ProblemBundle;
    assert.equal(await errorCode(alice.invite('bob', 'too big', undefined, oversized)), 'ERR_MALFORMED');
    assert.equal((await bob.listInvitations()).length, before);

    // stored in the server's SQLite file with the invitation
    await server.close();
    server = await fx.server({ dataDir, port: Number(new URL(server.url).port) });
    await waitFor('bob signed in again', () => bob.connectionState === 'signedIn', 15_000);
    assert.deepEqual(await bob.getProblem(sent.id), problem);
    assert.equal(bob.invitations.find((i) => i.id === sent.id)?.hasProblem, true);

    // what the helper reads: every part, and nothing from the other machine becomes a link or HTML
    const doc = renderProblem({ from: 'Alice](https://evil.example)<img src=x>', note: 'see ``` here', createdAt: invitation.createdAt }, problem);
    assert.match(doc, /^# Alice\\\]\(https:\/\/evil\.example\)\\<img src=x\\> is asking for help$/m);
    assert.match(doc, /^````text\nsee ``` here\n````$/m);
    assert.match(doc, /- \*\*error\*\* line 12, column 5 \(ts\): Type 'string' is not assignable to type 'number'\./);
    assert.match(doc, /## Output: Git \(last \d+ lines\)/);
    assert.match(doc, /- Operating system: Linux 6\.1\.0 x64/);
  });
});
