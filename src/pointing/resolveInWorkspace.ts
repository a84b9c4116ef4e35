/**
 * Where a code reference from the chat may lead on the sharer's machine: only to a regular file inside one
 * of the sharer's workspace folders, after resolving `..` and symbolic links (a link inside the workspace
 * that points outside it leads nowhere). Everything else is shown as plain text and opens nothing.
 */
import { realpathSync, statSync } from 'fs';
import { isAbsolute, relative, resolve } from 'path';
import type { CodeReference } from './codeReferences';

export interface ResolvedReference {
  /** The real path of the file (symbolic links resolved). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The file the reference names inside one of `roots` (tried in order), or undefined. */
export function resolveInWorkspace(roots: readonly string[], ref: CodeReference): ResolvedReference | undefined {
  if (isAbsolute(ref.path) || ref.path.includes('\0')) return undefined;
  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      continue;
    }
    const candidate = resolve(realRoot, ref.path);
    if (!inside(realRoot, candidate)) continue;
    let real: string;
    try {
      real = realpathSync(candidate);
      if (!statSync(real).isFile()) continue;
    } catch {
      continue;
    }
    if (!inside(realRoot, real)) continue;
    return { file: real, line: ref.line, column: ref.column ?? 1 };
  }
  return undefined;
}
