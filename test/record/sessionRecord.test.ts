/**
 * A record of the session: a sharer's session driven through the real state machine, written to its real
 * log file by ChatLog, read back and exported as markdown — participants, times, chat, status lines,
 * consents and control grants with durations, files with names, sizes and SHA-256, and voice on/off.
 * Past sessions are all there, newest first.
 */
import assert from 'assert';
import { appendFileSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { VoiceTexts } from '../../src/common/audio/VoiceTexts';
import { renderRecord, formatDuration } from '../../src/record/renderRecord';
import { buildSessionRecord } from '../../src/record/sessionRecord';
import { AssistanceSession } from '../../src/session/AssistanceSession';
import { ChatLog } from '../../src/session/ChatLog';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const DIGEST = 'a'.repeat(62) + '0f';

describe('a record of the session (Export Session…, Past Sessions…)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ra-record-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs a session with a clock the test moves; returns the stored log. */
  function sharerSession(id: string, startedAt: number) {
    let clock = startedAt;
    const at = (seconds: number) => (clock = startedAt + seconds * 1000);
    const log = ChatLog.open(dir, { kind: 'session', sessionId: id, role: 'sharer', peerName: 'Bob', startedAt });
    const s = new AssistanceSession({ sessionId: id, role: 'sharer', peerName: 'Bob', sink: log, now: () => clock });
    return { s, at, file: log.file };
  }

  it('exports participants, times, consents, control with durations, files with SHA-256, voice and the chat', () => {
    const { s, at, file } = sharerSession('sess0001', T0);
    at(5);
    s.consentGiven();
    at(7);
    s.peerConnected();
    at(20);
    s.chat('peer', 'Open src/app.ts:12 please', 'Alice');
    at(25);
    s.chat('me', 'Done. See `this` | <b>here</b>', 'Alice');
    at(60);
    s.requestControl();
    s.grantControl();
    at(60 + 95);
    s.endControl('escape');
    at(200);
    s.requestControl();
    s.refuseControl('declined');
    at(300);
    s.note(VoiceTexts.started('Bob'));
    at(300 + 42);
    s.note(VoiceTexts.stoppedBy('Bob'));
    at(400);
    s.note('"build|log.txt" (300 KB) from Bob was saved to /home/alice/build|log.txt; its SHA-256 matched.', DIGEST);
    at(3700);
    s.end('peer');

    const stored = ChatLog.read(file)!;
    const record = buildSessionRecord(stored, 'Alice (settings)');
    assert.strictEqual(record.me, 'Alice', 'my name as my messages carried it');
    assert.deepStrictEqual(record.control.map((c) => [c.to! - c.from, c.endedBy]), [[95_000, 'You pressed ESC: control ended.']]);
    assert.deepStrictEqual(record.voice.map((v) => v.to! - v.from), [42_000]);
    assert.deepStrictEqual(record.consents.map((c) => c.given), [true]);
    assert.deepStrictEqual(record.controlRefusals.map((c) => c.text), ['You did not allow Bob to take control.']);
    assert.deepStrictEqual(record.files.map((f) => [f.direction, f.name, f.size, f.sha256]), [['received', 'build|log.txt', '300 KB', DIGEST]]);
    assert.strictEqual(record.endedAt, T0 + 3_700_000);

    const md = renderRecord(record);
    for (const line of [
      '# Remote Assistance session: Bob helping Alice',
      '- Sharer (asked for help): Alice (you)',
      '- Helper: Bob',
      '- Started: 2026-12-06 09:00:00 UTC',
      '- Ended: 2026-12-06 10:01:40 UTC (1 h 1 min 40 s)',
      '- 09:00:05 Screen and chat allowed: You allowed Bob to view your screen and chat with you.',
      '- Control granted 09:01:00 – 09:02:35 (1 min 35 s), ended: You pressed ESC: control ended.',
      '- 09:03:20 Control refused: You did not allow Bob to take control.',
      '- Control in total: 1 min 35 s',
      '- Voice on 09:05:00 – 09:05:42 (42 s), ended: Bob ended the voice conversation.',
      `| 09:06:40 | Bob → Alice | build\\|log.txt | 300 KB | \`${DIGEST}\` |`,
      '- 09:00:20 **Bob:** ` Open src/app.ts:12 please `',
      '- 09:00:25 **Alice:** `` Done. See `this` | <b>here</b> ``',
      '- 09:00:07 _Connected to Bob._',
      '- 10:01:40 _Disconnected from Bob._',
    ]) {
      assert.ok(md.split('\n').includes(line), `missing line: ${line}\n---\n${md}`);
    }
    assert.strictEqual(md.split('<b>').length, 2, 'the HTML-looking chat text appears once, inside its code span');
  });

  it('says plainly when nothing happened: no voice, no files, a session still going', () => {
    const { s, at, file } = sharerSession('sess0002', T0 + 86_400_000);
    s.consentGiven();
    at(3);
    s.peerConnected();
    s.requestControl();
    s.grantControl();
    const md = renderRecord(buildSessionRecord(ChatLog.read(file)!, 'Alice'));
    assert.match(md, /^- Ended: not ended when recorded$/m);
    assert.match(md, /^Voice was off for the whole session\.$/m);
    assert.match(md, /^No files were sent\.$/m);
    assert.match(md, /^- Control granted 09:00:03 – still on when recorded$/m);
    assert.strictEqual(formatDuration(0), '0 s');
    assert.strictEqual(formatDuration(7_260_000), '2 h 1 min');
  });

  it('keeps every past session for browsing, newest first, and skips damaged lines without trusting them', () => {
    const all = ChatLog.readAll(dir);
    assert.deepStrictEqual(all.map((x) => x.header.sessionId), ['sess0002', 'sess0001']);
    const file = join(dir, 'sess0001.jsonl');
    appendFileSync(file, '{"kind":"status","text":"forged","at":-1}\nnot json\n');
    const record = buildSessionRecord(ChatLog.read(file)!, 'Alice');
    assert.strictEqual(record.skippedLines, 2);
    assert.ok(!record.entries.some((e) => e.text === 'forged'));
    assert.match(renderRecord(record), /^2 damaged lines were skipped in the stored history\.$/m);
  });
});
