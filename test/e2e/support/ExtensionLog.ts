/**
 * The extension's own log (its "Remote Assist" output channel) as VS Code writes it under a workbench's logs
 * folder: lines "2026-12-06 20:13:20.123 [info] message", in local time. The newest file is the running
 * extension host's (a window reload starts another).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { PollAborted, pollUntil } from '../../../scripts/stack/poll';
import { UI_TIMEOUT_MS } from './Workbench';

const FILE_NAME = 'Remote Assist.log';
const LINE = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) \[\w+\] (.*)$/;

export interface LogLine {
  /** When the extension logged it, ms since the epoch. */
  readonly at: number;
  readonly text: string;
}

export class ExtensionLog {
  constructor(private readonly logsDir: () => string) {}

  /** Every line of the newest log file. */
  lines(): LogLine[] {
    const file = newest(findFiles(this.logsDir(), FILE_NAME));
    if (!file) return [];
    const lines: LogLine[] = [];
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const m = LINE.exec(raw);
      if (!m) continue;
      const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number);
      lines.push({ at: new Date(y, mo - 1, d, h, mi, s, ms).getTime(), text: m[8] });
    }
    return lines;
  }

  /** How many lines match `pattern` now. */
  count(pattern: RegExp): number {
    return this.lines().filter((l) => pattern.test(l.text)).length;
  }

  /**
   * Waits for the first line matching `pattern` after the `seen` ones already there and returns its time; its
   * first group must be `expected` (e.g. the reason control ended), else the wait fails at once.
   */
  async next(pattern: RegExp, seen: number, expected: string): Promise<number> {
    return pollUntil(`a line like ${pattern} (${expected}) in the extension's log`, () => {
      const line = this.lines().filter((l) => pattern.test(l.text))[seen];
      if (!line) return undefined;
      const group = pattern.exec(line.text)?.[1];
      if (group !== expected) throw new PollAborted(`expected ${expected}, the log says: ${line.text}`);
      return line.at;
    }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 100 });
  }
}

function findFiles(dir: string, name: string): string[] {
  let found: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found = found.concat(findFiles(path, name));
    else if (entry.name === name) found.push(path);
  }
  return found;
}

function newest(files: string[]): string | undefined {
  return files.map((f) => ({ f, t: statSync(f).mtimeMs })).sort((a, b) => b.t - a.t)[0]?.f;
}
