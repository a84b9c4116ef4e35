/**
 * A session's record as markdown, ready to paste into an issue or a pull request. Chat text came from
 * another person: it is quoted in code spans or fences so it cannot turn into links, images or HTML.
 */
import { escapeInline } from '../problem/renderProblem';
import type { SessionRecord, TimeSpan } from './sessionRecord';

/** "1 h 2 min 3 s", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h && `${h} h`, m && `${m} min`, (rest || (!h && !m)) && `${rest} s`].filter(Boolean).join(' ');
}

const time = (at: number) => new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
const clock = (at: number) => new Date(at).toISOString().slice(11, 19);

/** Text as an inline code span that no backtick inside can close early. */
function code(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${one} ${fence}`;
}

function span(s: TimeSpan): string {
  if (s.to === undefined) return `${clock(s.from)} – still on when recorded`;
  return `${clock(s.from)} – ${clock(s.to)} (${formatDuration(s.to - s.from)})${s.endedBy ? `, ended: ${escapeInline(s.endedBy)}` : ''}`;
}

export function renderRecord(r: SessionRecord): string {
  const sharer = r.role === 'sharer' ? r.me : r.peer;
  const helper = r.role === 'sharer' ? r.peer : r.me;
  const out: string[] = [
    `# Remote Assistance session: ${escapeInline(helper)} helping ${escapeInline(sharer)}`,
    '',
    `- Sharer (asked for help): ${escapeInline(sharer)}${r.role === 'sharer' ? ' (you)' : ''}`,
    `- Helper: ${escapeInline(helper)}${r.role === 'helper' ? ' (you)' : ''}`,
    `- Started: ${time(r.startedAt)}`,
    `- Ended: ${r.endedAt === undefined ? 'not ended when recorded' : `${time(r.endedAt)} (${formatDuration(r.endedAt - r.startedAt)})`}`,
    `- Session: ${code(r.sessionId)}`,
    '',
    '## Consents and control',
    '',
  ];
  if (r.consents.length === 0 && r.control.length === 0 && r.controlRefusals.length === 0) out.push('None recorded.');
  for (const c of r.consents) out.push(`- ${clock(c.at)} ${c.given ? 'Screen and chat allowed' : 'Screen and chat refused'}: ${escapeInline(c.text)}`);
  for (const s of r.control) out.push(`- Control granted ${span(s)}`);
  for (const c of r.controlRefusals) out.push(`- ${clock(c.at)} Control refused: ${escapeInline(c.text)}`);
  const controlMs = r.control.reduce((n, s) => n + ((s.to ?? s.from) - s.from), 0);
  if (r.control.length > 0) out.push(`- Control in total: ${formatDuration(controlMs)}`);
  out.push('', '## Voice', '');
  if (r.voice.length === 0) out.push('Voice was off for the whole session.');
  for (const s of r.voice) out.push(`- Voice on ${span(s)}`);
  out.push('', '## Files', '');
  if (r.files.length === 0) out.push('No files were sent.');
  else {
    out.push('| time | direction | name | size | SHA-256 |', '| --- | --- | --- | --- | --- |');
    for (const f of r.files) {
      const cell = escapeInline; // escapes | too, so a name cannot break the table
      out.push(`| ${clock(f.at)} | ${f.direction === 'sent' ? `${cell(r.me)} → ${cell(r.peer)}` : `${cell(r.peer)} → ${cell(r.me)}`} | ${cell(f.name)} | ${cell(f.size)} | ${f.sha256 ? `\`${f.sha256}\`` : 'verified (digest not kept)'} |`);
    }
  }
  out.push('', '## Chat and status', '');
  if (r.entries.length === 0) out.push('Nothing was said.');
  for (const e of r.entries) {
    if (e.kind === 'message') out.push(`- ${clock(e.at)} **${escapeInline(e.author)}:** ${code(e.text)}`);
    else out.push(`- ${clock(e.at)} _${escapeInline(e.text)}_`);
  }
  if (r.skippedLines > 0) out.push('', `${r.skippedLines} damaged line${r.skippedLines === 1 ? ' was' : 's were'} skipped in the stored history.`);
  out.push('');
  return out.join('\n');
}
