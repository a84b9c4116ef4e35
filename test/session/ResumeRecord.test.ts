/** The resume record on disk: private to the user, used at most once, refused (with a code) when damaged, foreign or old. */
import assert from 'assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { ResumeRecord } from '../../src/protocol/resume';
import { RESUME_FILE, takeResumeRecord, writeResumeRecord } from '../../src/session/ResumeRecord';

const record = (savedAt: number): ResumeRecord => ({
  type: 'resume',
  serverUrl: 'ws://127.0.0.1:7420',
  account: 'alice',
  clientId: 'client-0123456789',
  sessionId: 'session-0123456789',
  role: 'sharer',
  peer: { alias: 'bob', displayName: 'Bob' },
  epoch: 3,
  savedAt,
});

describe('ResumeRecord (resume.json in the extension storage)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ra-resume-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is written with mode 0600 and taken once: read back whole, then gone', () => {
    const now = Date.now();
    writeResumeRecord(dir, record(now));
    assert.strictEqual(statSync(join(dir, RESUME_FILE)).mode & 0o777, 0o600);
    assert.deepStrictEqual(takeResumeRecord(dir, now + 5_000), { record: record(now) });
    assert.ok(!existsSync(join(dir, RESUME_FILE)), 'deleted when taken');
    assert.strictEqual((takeResumeRecord(dir, now + 5_000) as { refused: string }).refused, 'ERR_NO_RECORD');
  });

  it('is refused when older than the rejoin window (closing VS Code, opened again later), and deleted', () => {
    const now = Date.now();
    writeResumeRecord(dir, record(now));
    assert.strictEqual((takeResumeRecord(dir, now + 61_000) as { refused: string }).refused, 'ERR_EXPIRED');
    assert.ok(!existsSync(join(dir, RESUME_FILE)));
    writeResumeRecord(dir, record(now + 10_000));
    assert.strictEqual((takeResumeRecord(dir, now) as { refused: string }).refused, 'ERR_EXPIRED', 'saved in the future');
  });

  it('refuses damaged or foreign files with a coded reason and deletes them', () => {
    const cases: Array<[string | Buffer, string]> = [
      ['{not json', 'ERR_NOT_JSON'],
      ['[]', 'ERR_MALFORMED'],
      [JSON.stringify({ ...record(Date.now()), type: 'other' }), 'ERR_UNKNOWN_TYPE'],
      [JSON.stringify({ ...record(Date.now()), clientId: '../../etc' }), 'ERR_MALFORMED'],
      [JSON.stringify({ ...record(Date.now()), role: 'owner' }), 'ERR_MALFORMED'],
      [JSON.stringify({ ...record(Date.now()), extra: 1 }), 'ERR_MALFORMED'],
      [JSON.stringify({ ...record(Date.now()), peer: { alias: 'bob', displayName: 'Bob\u2028' } }), 'ERR_MALFORMED'],
      [Buffer.alloc(1 << 20, 0x20), 'ERR_TOO_LARGE'],
    ];
    for (const [text, code] of cases) {
      writeFileSync(join(dir, RESUME_FILE), text);
      const taken = takeResumeRecord(dir);
      assert.strictEqual((taken as { refused: string }).refused, code, `${String(text).slice(0, 60)}: ${JSON.stringify(taken).slice(0, 200)}`);
      assert.ok(!existsSync(join(dir, RESUME_FILE)));
    }
  });

  it('replaces an older record atomically (no temporary file left)', () => {
    const now = Date.now();
    writeResumeRecord(dir, record(now));
    writeResumeRecord(dir, { ...record(now + 1), epoch: 4 });
    assert.strictEqual(JSON.parse(readFileSync(join(dir, RESUME_FILE), 'utf8')).epoch, 4);
    assert.deepStrictEqual(readdirSync(dir), [RESUME_FILE]);
  });
});
