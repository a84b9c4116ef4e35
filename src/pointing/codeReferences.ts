/**
 * `path:line` and `path:line:col` in chat text, as compilers, linters and stack traces print them
 * (src/app.ts:12, ./lib/x.js:3:7, C:\work\a.cs:9 is not one: drive letters are never workspace paths).
 * Finding one says nothing about whether it may be opened: see resolveInWorkspace.
 */

export interface CodeReference {
  /** Offsets in the text: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The reference as written, e.g. "src/app.ts:12:5". */
  readonly text: string;
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly column?: number;
}

/** At most this many references per message become links (a message full of them is not pointing). */
export const MAX_REFERENCES_PER_MESSAGE = 20;

// a path: segments of word characters, dots, dashes, @ and +, separated by "/", with a file extension or a
// slash somewhere (so "at 10:30" or "ratio 3:2" is not a path); then :line and optionally :col
const REFERENCE = /(?<![\w./\\:-])((?:\.{1,2}\/)?[\w@+-][\w.@+-]*(?:\/[\w.@+-]+)*):(\d{1,7})(?::(\d{1,5}))?(?![\w:])/g;

export function findCodeReferences(text: string): CodeReference[] {
  const found: CodeReference[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const path = m[1];
    if (!path.includes('/') && !/\.[A-Za-z0-9]{1,12}$/.test(path)) continue;
    const line = Number(m[2]);
    const column = m[3] === undefined ? undefined : Number(m[3]);
    if (line < 1 || column === 0) continue;
    const start = m.index ?? 0;
    found.push({ start, end: start + m[0].length, text: m[0], path, line, ...(column !== undefined ? { column } : {}) });
    if (found.length >= MAX_REFERENCES_PER_MESSAGE) break;
  }
  return found;
}

/** Parses exactly one reference (what a click on a link sends back); undefined for anything else. */
export function parseCodeReference(text: string): CodeReference | undefined {
  const [ref] = findCodeReferences(text);
  return ref && ref.start === 0 && ref.end === text.length ? ref : undefined;
}
