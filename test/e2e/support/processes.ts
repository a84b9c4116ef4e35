/** Which processes are running, read from /proc (no procps needed on a minimal CI image). */
import { readdirSync, readFileSync } from 'fs';

interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  readonly command: string;
}

function processes(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      found.push({ pid, parent: Number(fields[1]), command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Live processes whose command line contains `text`. */
export function processesMatching(text: string): Map<number, string> {
  return new Map(processes().filter((p) => p.command.includes(text)).map((p) => [p.pid, p.command]));
}

/** Every live descendant of `root` (detached children keep their parent, so they are found too). */
export function descendants(root: number): Map<number, string> {
  const all = processes();
  const found = new Map<number, string>();
  let added = true;
  while (added) {
    added = false;
    for (const p of all) {
      if (!found.has(p.pid) && (p.parent === root || found.has(p.parent))) {
        found.set(p.pid, p.command);
        added = true;
      }
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
