/**
 * A problem bundle as the helper reads it: markdown for a read-only document. Everything in it came from
 * another machine, so every piece of text is put where markdown cannot turn it into links, images or HTML.
 */
import type { ProblemBundle } from '../protocol/bundle';

/** A fence longer than any run of backticks inside `text`. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

/**
 * Inline text with the characters escaped that could make links, images, HTML, code or emphasis of it
 * (`[`, `]`, `<`, `&`, backticks, `*`, `_`, `|`, `~`, `\\`); what stays is readable in the raw document too.
 */
export function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>&|~]/g, '\\$&');
}

export interface ProblemHeader {
  readonly from: string;
  readonly note: string;
  readonly createdAt: number;
}

export function renderProblem(header: ProblemHeader, bundle: ProblemBundle): string {
  const out: string[] = [`# ${escapeInline(header.from)} is asking for help`, '', `Sent ${new Date(header.createdAt).toUTCString()}.`, ''];
  if (header.note) out.push('## Note', '', fenced(header.note), '');
  if (bundle.versions || bundle.os) {
    out.push('## Environment', '');
    if (bundle.versions) {
      out.push(`- VS Code: ${escapeInline(bundle.versions.vscode)}${bundle.versions.app ? ` (${escapeInline(bundle.versions.app)})` : ''}`);
      out.push(`- Remote Assist: ${escapeInline(bundle.versions.extension)}`);
    }
    if (bundle.os) out.push(`- Operating system: ${escapeInline(bundle.os)}`);
    out.push('');
  }
  if (bundle.diagnostics) {
    out.push(`## Problems in ${escapeInline(bundle.diagnostics.file)}`, '');
    if (bundle.diagnostics.items.length === 0) out.push('None.');
    for (const d of bundle.diagnostics.items) {
      out.push(`- **${d.severity}** line ${d.line}, column ${d.column}${d.source ? ` (${escapeInline(d.source)})` : ''}: ${escapeInline(d.message.replace(/\s+/g, ' '))}`);
    }
    out.push('');
  }
  if (bundle.output) out.push(`## Output: ${escapeInline(bundle.output.source)} (last ${bundle.output.lines.length} lines)`, '', fenced(bundle.output.lines.join('\n')), '');
  if (bundle.extensions) {
    out.push(`## Extensions (${bundle.extensions.length})`, '');
    for (const e of bundle.extensions) out.push(`- ${escapeInline(e.id)} ${escapeInline(e.version)}`);
    out.push('');
  }
  return out.join('\n');
}
