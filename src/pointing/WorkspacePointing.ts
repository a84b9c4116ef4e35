/**
 * The sharer's end of "point at code": which `path:line[:col]` spans of a chat message name a file in the
 * sharer's workspace (those become links), and opening one at its place. The page's click is not trusted:
 * the reference is parsed and resolved again here before anything opens. No `vscode` here: the editor is
 * reached through `openFile`, the workspace through `roots`.
 */
import type { ChatEntry } from '../protocol/webview';
import { findCodeReferences, parseCodeReference } from './codeReferences';
import { resolveInWorkspace } from './resolveInWorkspace';

export interface PointingEnvironment {
  /** The sharer's local workspace folders (file system paths). */
  roots(): readonly string[];
  /** Opens the file (a real path inside a root) at 1-based line and column. */
  openFile(file: string, line: number, column: number): Promise<void>;
}

export class WorkspacePointing {
  constructor(private readonly env: PointingEnvironment) {}

  links(entry: ChatEntry): ChatEntry {
    if (entry.kind !== 'message') return entry;
    const roots = this.env.roots();
    if (roots.length === 0) return entry;
    const codeLinks = findCodeReferences(entry.text)
      .filter((ref) => resolveInWorkspace(roots, ref) !== undefined)
      .map(({ start, end }) => ({ start, end }));
    return codeLinks.length > 0 ? { ...entry, codeLinks } : entry;
  }

  async open(text: string): Promise<void> {
    const ref = parseCodeReference(text);
    const target = ref && resolveInWorkspace(this.env.roots(), ref);
    if (!target) throw Object.assign(new Error(`${text.slice(0, 200)} is not a file in your workspace; nothing was opened.`), { code: 'ERR_NOT_IN_WORKSPACE' });
    await this.env.openFile(target.file, target.line, target.column);
  }
}
