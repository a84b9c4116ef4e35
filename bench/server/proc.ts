import { fork, type ChildProcess } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second here)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** This process's open-file limit. */
export function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

/** A process's resident memory now (VmRSS) or at its peak (VmHWM), in MB. */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export type WorkerReply = { op: string; ms: number; errors: Record<string, number>; error?: string; [key: string]: unknown };

export type AllWorkers = (op: string, extra?: object) => Promise<WorkerReply[]>;

/**
 * Load processes (worker.ts), each holding its share of `clients` signed in at `urls` (client i at urls[i % urls.length]),
 * trusting `ca` for wss://; `all` sends each a command and gathers the replies.
 */
export async function startWorkers(urls: string[], clients: number, count: number, ca?: string): Promise<{ workers: ChildProcess[]; all: AllWorkers }> {
  const workers = Array.from({ length: count }, (_, worker) =>
    fork(join(__dirname, 'worker.ts'), [JSON.stringify({ urls, ca, clients, worker, workers: count })], { execArgv: ['--require', 'tsx/cjs'] }),
  );
  const all = (op: string, extra: object = {}) =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<WorkerReply>((resolve, reject) => {
            const onMessage = (m: WorkerReply) => {
              if (m.op !== op) return;
              w.off('message', onMessage);
              if (m.error) reject(new Error(`${op}: ${m.error}`));
              else resolve(m);
            };
            w.on('message', onMessage);
            w.send({ op, ...extra });
          }),
      ),
    );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  return { workers, all };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Sums the load processes' error replies by code. */
export function errorTotals(replies: WorkerReply[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const r of replies) for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  return errors;
}

export interface RampStep {
  rate: number;
  completed: number;
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: Record<string, number>;
}

/** The rates a ramp tries, in invitations per second. */
export const RAMP_RATES = [100, 200, 350, 500, 700, 1000, 1400, 2000, 2800, 4000];

/**
 * The rate ramp: invitations (each ended at once, so a sharer can invite again) at each rate for `stepS` seconds, until the
 * round trip's p99 passes `limitMs` (but not before the 500/s step). The capacity is the highest completed rate of a step
 * whose p99 stayed within the limit.
 */
export async function rateRamp(all: AllWorkers, options: { rates: number[]; stepS: number; limitMs: number; invite: object }): Promise<{ steps: RampStep[]; capacity: number }> {
  const steps: RampStep[] = [];
  for (const rate of options.rates) {
    const replies = await all('invite', { ...options.invite, rate, seconds: options.stepS, endSessions: true });
    const rtts = replies.flatMap((r) => r.rtts as number[]).sort((a, b) => a - b);
    const step = { rate, completed: rtts.length, per_s: Math.round(rtts.length / options.stepS), p50_ms: round1(percentile(rtts, 50)), p99_ms: round1(percentile(rtts, 99)), errors: errorTotals(replies) };
    steps.push(step);
    console.log(`invitations at ${rate}/s: ${step.completed} round trips (${step.per_s}/s), p50 ${step.p50_ms} ms, p99 ${step.p99_ms} ms; error replies so far ${JSON.stringify(step.errors)}`);
    if (!(step.p99_ms <= options.limitMs) && rate >= 500) break;
  }
  const within = steps.filter((s) => s.p99_ms <= options.limitMs);
  return { steps, capacity: within.length ? Math.max(...within.map((s) => s.per_s)) : 0 };
}

/** Every process below `root` (children, their children, …), from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  for (let queue = [root]; queue.length; ) {
    const next = children.get(queue.pop()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/**
 * CPU ms used so far by each of this process's descendants, with its role: the pids in `named` under their name, the others under
 * their command name (postgres, redis-server, haproxy, …). Two readings apart (cpuSince) tell where a phase's CPU went.
 */
export function cpuByRole(named: Record<string, number[]>): Map<number, { role: string; ms: number }> {
  const roleOf = new Map<number, string>();
  for (const [role, pids] of Object.entries(named)) for (const pid of pids) roleOf.set(pid, role);
  const readings = new Map<number, { role: string; ms: number }>();
  for (const pid of descendants(process.pid)) {
    try {
      readings.set(pid, { role: roleOf.get(pid) ?? readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), ms: cpuMs(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return readings;
}

/** CPU ms per role between two cpuByRole readings (a process gone meanwhile counts nothing). */
export function cpuSince(before: Map<number, { role: string; ms: number }>, after: Map<number, { role: string; ms: number }>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [pid, { role, ms }] of after) totals[role] = (totals[role] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  return totals;
}
