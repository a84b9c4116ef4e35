/**
 * The output channels this window writes to disk (VS Code keeps each channel as a .log file under the
 * window's log folder: `exthost/output_logging_*\/N-Name.log` for plain channels, `exthost/<extension>/Name.log`
 * for log channels), so the sharer can attach the last lines of one. Reads only the file's tail.
 */
import { open, readdir, stat } from 'fs/promises';
import { basename, dirname, join } from 'path';

export interface OutputLog {
  /** The channel's name as the Output view shows it. */
  readonly name: string;
  readonly file: string;
  readonly modified: number;
}

/** Bytes read from the end of a log: plenty for 200 lines, bounded for a huge log. */
const TAIL_BYTES = 64 * 1024;

async function logsIn(dir: string, depth: number): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isFile() && e.name.endsWith('.log')) found.push(path);
    else if (e.isDirectory() && depth > 0) found.push(...(await logsIn(path, depth - 1)));
  }
  return found;
}

/** The output logs of the window whose extension-host log folder holds `extensionLogDir`, newest first. */
export async function findOutputLogs(extensionLogDir: string): Promise<OutputLog[]> {
  const exthost = dirname(extensionLogDir);
  const logs: OutputLog[] = [];
  for (const file of await logsIn(exthost, 2)) {
    const info = await stat(file).catch(() => undefined);
    if (!info || info.size === 0) continue;
    // "3-Git.log" → "Git"; "Remote Assist.log" → "Remote Assist"
    const name = basename(file, '.log').replace(/^\d+-/, '');
    logs.push({ name, file, modified: info.mtimeMs });
  }
  return logs.sort((a, b) => b.modified - a.modified);
}

/** The last TAIL_BYTES of a log as text (the first, probably cut, line dropped). */
export async function readLogTail(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await handle.close();
  }
}
