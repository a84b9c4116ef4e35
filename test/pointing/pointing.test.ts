/**
 * Point at code: `path:line[:col]` in the chat becomes a link on the sharer's side only when it names a file
 * inside the sharer's workspace — real files, real symbolic links; `..`, absolute paths and links that lead
 * outside stay plain text and open nothing. The router serves the real session model to the page.
 */
import assert from 'assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { findCodeReferences } from '../../src/pointing/codeReferences';
import { WorkspacePointing } from '../../src/pointing/WorkspacePointing';
import type { ExtensionMessage } from '../../src/protocol/webview';
import { AssistanceSession } from '../../src/session/AssistanceSession';
import type { ActiveSession } from '../../src/session/ActiveSession';
import { WebviewRouter } from '../../src/views/WebviewRouter';

const log = { debug() {}, info() {}, warn() {}, error() {} };
const flush = () => new Promise((r) => setImmediate(r));

function connected(role: 'sharer' | 'helper'): ActiveSession {
  const model = new AssistanceSession({ sessionId: 's1', role, peerName: role === 'sharer' ? 'Bob' : 'Alice' });
  model.consentGiven();
  model.peerConnected();
  return {
    model,
    onDidEnd: () => ({ dispose() {} }),
    iceServers: [],
    path: undefined,
    onDidChangePath: () => ({ dispose() {} }),
    sendChat: async (text: string) => void model.chat('me', text, 'Alice'),
    takeControl: () => undefined,
    stopControl: () => undefined,
    setQuality: async () => undefined,
    disconnect: async () => void model.end('me'),
    dispose() {},
  } as unknown as ActiveSession;
}

describe('point at code (path:line links on the sharer\'s side)', () => {
  let base: string;
  let workspace: string;
  const opened: [string, number, number][] = [];
  let pointing: WorkspacePointing;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'ra-pointing-'));
    workspace = join(base, 'project');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src', 'app.ts'), 'const a = 1;\nconst b: number = "x";\n');
    writeFileSync(join(base, 'secret.txt'), 'outside the workspace\n');
    symlinkSync(join(base, 'secret.txt'), join(workspace, 'escape.txt'));
    symlinkSync(join(base), join(workspace, 'up'));
    symlinkSync(join(workspace, 'src', 'app.ts'), join(workspace, 'alias.ts'));
    pointing = new WorkspacePointing({ roots: () => [workspace], openFile: async (file, line, column) => void opened.push([file, line, column]) });
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('finds path:line and path:line:col as compilers print them, and not times, ratios or URLs', () => {
    const text = 'see src/app.ts:2:11 (also ./src/app.ts:1), at 10:30, ratio 3:2, http://host:8080/x, C:\\w\\a.cs:9, README.md:4';
    assert.deepStrictEqual(findCodeReferences(text).map((r) => [r.path, r.line, r.column]), [['src/app.ts', 2, 11], ['./src/app.ts', 1, undefined], ['README.md', 4, undefined]]);
  });

  it('links only files inside the workspace: no .. escape, no absolute path, no symbolic link leading outside', async () => {
    const text = 'src/app.ts:2:11 ../secret.txt:1 escape.txt:1 up/secret.txt:1 alias.ts:1 src/missing.ts:3 src:1 /etc/passwd:1 src/../src/app.ts:1';
    const entry = pointing.links({ kind: 'message', from: 'peer', author: 'Bob', text, at: 1 });
    assert.strictEqual(entry.kind, 'message');
    const linked = (entry.kind === 'message' ? entry.codeLinks ?? [] : []).map(({ start, end }) => text.slice(start, end));
    assert.deepStrictEqual(linked, ['src/app.ts:2:11', 'alias.ts:1', 'src/../src/app.ts:1']);

    await pointing.open('src/app.ts:2:11');
    assert.deepStrictEqual(opened.at(-1), [join(workspace, 'src', 'app.ts'), 2, 11]);
    for (const bad of ['../secret.txt:1', 'escape.txt:1', 'up/secret.txt:1', '/etc/passwd:1', 'src/app.ts:2 and more', 'src/missing.ts:3']) {
      const before = opened.length;
      await assert.rejects(pointing.open(bad), (e: Error & { code?: string }) => e.code === 'ERR_NOT_IN_WORKSPACE' && /is not a file in your workspace; nothing was opened/.test(e.message), bad);
      assert.strictEqual(opened.length, before, `${bad} opened something`);
    }
  });

  it('the sharer\'s chat view gets the links in history and new lines, and a click opens the file; the helper\'s side never does', async () => {
    const posted: ExtensionMessage[] = [];
    const router = new WebviewRouter({ post: (m) => posted.push(m), log, pointing });
    const sharer = connected('sharer');
    sharer.model.chat('peer', 'look at src/app.ts:2:11 please', 'Bob');
    router.receive({ type: 'ready' });
    router.show(sharer);
    const state = posted.filter((m): m is Extract<ExtensionMessage, { type: 'state' }> => m.type === 'state').at(-1);
    const first = state?.view?.history.find((e) => e.kind === 'message');
    assert.deepStrictEqual(first?.kind === 'message' && first.codeLinks, [{ start: 8, end: 23 }]);
    sharer.model.chat('peer', 'and ../secret.txt:1', 'Bob');
    const entry = posted.filter((m): m is Extract<ExtensionMessage, { type: 'chatEntry' }> => m.type === 'chatEntry').at(-1)?.entry;
    assert.deepStrictEqual(entry?.kind === 'message' && entry.codeLinks, undefined);

    const before = opened.length;
    router.receive({ type: 'openCodeReference', requestId: 3, text: 'src/app.ts:2:11' });
    router.receive({ type: 'openCodeReference', requestId: 4, text: '../secret.txt:1' });
    await flush();
    assert.strictEqual(opened.length, before + 1);
    const replies = posted.filter((m): m is Extract<ExtensionMessage, { type: 'reply' }> => m.type === 'reply');
    assert.deepStrictEqual(replies.map((r) => [r.requestId, r.ok]).sort(), [[3, true], [4, false]]);
    assert.match(replies.find((r) => r.requestId === 4)?.message ?? '', /is not a file in your workspace/);

    const helperPosted: ExtensionMessage[] = [];
    const helperRouter = new WebviewRouter({ post: (m) => helperPosted.push(m), log, pointing });
    const helper = connected('helper');
    helper.model.chat('me', 'src/app.ts:2', 'Bob');
    helperRouter.receive({ type: 'ready' });
    helperRouter.show(helper);
    helperRouter.receive({ type: 'openCodeReference', requestId: 5, text: 'src/app.ts:2' });
    await flush();
    const helperState = helperPosted.filter((m): m is Extract<ExtensionMessage, { type: 'state' }> => m.type === 'state').at(-1);
    assert.strictEqual(helperState?.view?.history.filter((e) => e.kind === 'message').length, 1);
    assert.ok(helperState?.view?.history.every((e) => e.kind !== 'message' || e.codeLinks === undefined));
    assert.deepStrictEqual(helperPosted.filter((m) => m.type === 'reply').map((m) => m.type === 'reply' && m.ok), [false]);
    assert.strictEqual(opened.length, before + 1);
    router.dispose();
    helperRouter.dispose();
  });
});
