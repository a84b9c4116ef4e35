/**
 * Which labs exist: one state file per lab (its id and the pid of the process that built it) under
 * /tmp/netlab, written before the first namespace is created and removed after the last one is gone.
 * A lab whose process has died (a killed test run) is stale and is removed by the next lab with its prefix.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run } from './run';

const STATE_DIR = join(tmpdir(), 'netlab');

interface LabState {
  readonly id: string;
  readonly pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function register(id: string): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(join(STATE_DIR, `${id}.json`), JSON.stringify({ id, pid: process.pid } satisfies LabState));
}

export function unregister(id: string): void {
  rmSync(join(STATE_DIR, `${id}.json`), { force: true });
}

export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.length > 0);
}

/** Kills what still runs inside a namespace, then deletes it (its veths, bridges and rules go with it). */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', ns]).then(
    (r) => r.stdout.split('\n').filter((p) => /^\d+$/.test(p)).map(Number),
    () => [] as number[],
  );
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await run('ip', ['netns', 'del', ns]).catch(() => undefined);
}

/** Removes every lab with this prefix whose process is gone, and namespaces of labs that left no state file. */
export async function removeStaleLabs(prefix: string, idLength: number): Promise<string[]> {
  const live = new Set<string>();
  const stale = new Set<string>();
  if (existsSync(STATE_DIR)) {
    for (const file of readdirSync(STATE_DIR)) {
      if (!file.startsWith(prefix) || !file.endsWith('.json')) continue;
      let state: LabState;
      try {
        state = JSON.parse(readFileSync(join(STATE_DIR, file), 'utf8')) as LabState;
      } catch {
        continue;
      }
      (alive(state.pid) ? live : stale).add(state.id);
    }
  }
  const removed: string[] = [];
  for (const ns of await listNamespaces()) {
    const id = ns.slice(0, idLength);
    if (!ns.startsWith(prefix) || ns[idLength] !== '-' || live.has(id)) continue;
    await removeNamespace(ns);
    removed.push(ns);
    stale.add(id);
  }
  for (const id of stale) unregister(id);
  return removed;
}
