/**
 * CPU time and memory of process trees from /proc: a scene is bracketed by two `sample()`s; memory is the
 * proportional set size (PSS, so Chromium's shared pages are not counted once per process).
 */
import { readdirSync, readFileSync } from 'fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSample {
  readonly atMs: number;
  /** CPU seconds (user + system) of the tree, by pid so processes that exit mid-scene still count. */
  readonly cpuByPid: ReadonlyMap<number, number>;
  /**
   * The same to the nanosecond: the sum of the live threads' run time (schedstat). /proc/PID/stat counts in
   * 10 ms ticks, so over a 3 s idle scene one tick was 0.33 % of a core; a thread that exited in between is
   * missing here, which `cpuPercent` notices against the ticks.
   */
  readonly preciseByPid: ReadonlyMap<number, number>;
}

/** Run time of `pid`'s live threads, seconds (undefined when it exited meanwhile or schedstat is absent). */
function threadsSeconds(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e9 : undefined;
  } catch {
    return undefined;
  }
}

/** Two tick readings may each be off by one tick. */
const TICKS_SLACK_S = 2 / TICKS_PER_SECOND;

function readStat(pid: number): { ppid: number; cpuSeconds: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields start after the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

/** Every live pid with its parent. */
function processTable(): Map<number, { ppid: number; cpuSeconds: number }> {
  const table = new Map<number, { ppid: number; cpuSeconds: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) table.set(Number(name), stat);
  }
  return table;
}

/** The given roots and all their descendants that are alive now. */
export function processTree(roots: readonly number[]): number[] {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const queue = roots.filter((pid) => table.has(pid));
  while (queue.length) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function sampleCpu(roots: readonly number[]): CpuSample {
  const cpuByPid = new Map<number, number>();
  const preciseByPid = new Map<number, number>();
  for (const pid of processTree(roots)) {
    const stat = readStat(pid);
    if (!stat) continue;
    cpuByPid.set(pid, stat.cpuSeconds);
    const precise = threadsSeconds(pid);
    if (precise !== undefined) preciseByPid.set(pid, precise);
  }
  return { atMs: performance.now(), cpuByPid, preciseByPid };
}

/**
 * Percent of one core used between two samples (processes born in between count from zero): per process the
 * threads' run time, unless it strays from the ticks by more than their rounding (a thread exited), then the ticks.
 */
export function cpuPercent(before: CpuSample, after: CpuSample): number {
  let seconds = 0;
  for (const [pid, cpu] of after.cpuByPid) {
    const ticks = cpu - (before.cpuByPid.get(pid) ?? 0);
    const a = after.preciseByPid.get(pid);
    const b = before.cpuByPid.has(pid) ? before.preciseByPid.get(pid) : 0;
    const precise = a !== undefined && b !== undefined ? a - b : undefined;
    seconds += precise !== undefined && Math.abs(precise - ticks) <= TICKS_SLACK_S ? precise : ticks;
  }
  return (100 * seconds) / ((after.atMs - before.atMs) / 1000);
}

/** Sum of PSS over the tree, MiB. */
export function memoryMiB(roots: readonly number[]): number {
  let kib = 0;
  for (const pid of processTree(roots)) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (match) kib += Number(match[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kib / 1024;
}

/** Whole-machine busy share (all cores, percent of one core) between two readings of /proc/stat. */
export function machineBusy(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** The pid of the Xvfb serving `display` (its CPU is counted with each scene). */
export function xvfbPid(display: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv[0].endsWith('Xvfb') && argv[1] === display) return Number(name);
    } catch {
      // exited meanwhile
    }
  }
  throw new Error(`no Xvfb for ${display}`);
}
