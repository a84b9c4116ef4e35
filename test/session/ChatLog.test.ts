import assert from 'assert';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ChatLog, chatLogFileName } from '../../src/session/ChatLog';
import { AssistanceSession } from '../../src/session/AssistanceSession';

describe('ChatLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatlog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a session\'s history across a restart (a new process reading the same directory)', () => {
    const header = { kind: 'session' as const, sessionId: 'abc', role: 'helper' as const, peerName: 'Alice', startedAt: 5 };
    const s = new AssistanceSession({ sessionId: 'abc', role: 'helper', peerName: 'Alice', sink: ChatLog.open(dir, header) });
    s.consentGiven();
    s.peerConnected();
    s.chat('me', 'it fails on my machine', 'Bob');
    s.end('me');

    const [stored] = ChatLog.readAll(dir);
    assert.deepStrictEqual(stored.header, header);
    assert.deepStrictEqual(stored.entries, s.history);
    assert.strictEqual(stored.skippedLines, 0);

    // Reopening appends to the same file rather than starting over.
    ChatLog.open(dir, header).append({ kind: 'status', text: 'again', at: 9 });
    assert.strictEqual(ChatLog.readAll(dir)[0].entries.length, s.history.length + 1);
  });

  it('skips damaged lines and files instead of trusting them', () => {
    const log = ChatLog.open(dir, { kind: 'session', sessionId: 'x', role: 'sharer', peerName: 'Bob', startedAt: 1 });
    log.append({ kind: 'status', text: 'ok', at: 2 });
    appendFileSync(log.file, 'not json\n{"kind":"message","text":"no author"}\n');
    appendFileSync(join(dir, 'junk.jsonl'), '{"kind":"oops"}\n');
    const all = ChatLog.readAll(dir);
    assert.strictEqual(all.length, 1);
    assert.strictEqual(all[0].entries.length, 1);
    assert.strictEqual(all[0].skippedLines, 2);
  });

  it('never lets a session id escape the directory', () => {
    assert.strictEqual(chatLogFileName('abc-DEF_1'), 'abc-DEF_1.jsonl');
    const hostile = chatLogFileName('../../etc/passwd');
    assert.match(hostile, /^[0-9a-f]{40}\.jsonl$/);
    ChatLog.open(dir, { kind: 'session', sessionId: '../../x', role: 'sharer', peerName: 'Bob', startedAt: 1 });
    assert.strictEqual(readdirSync(dir).length, 1);
  });

  it('lists sessions newest first', () => {
    ChatLog.open(dir, { kind: 'session', sessionId: 'old', role: 'sharer', peerName: 'Bob', startedAt: 1 });
    ChatLog.open(dir, { kind: 'session', sessionId: 'new', role: 'helper', peerName: 'Alice', startedAt: 2 });
    assert.deepStrictEqual(ChatLog.readAll(dir).map((s) => s.header.sessionId), ['new', 'old']);
  });
});
