import { fork, type ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
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

/** Load processes (worker.ts), each holding its share of `clients` signed in at `url`; `all` sends each a command and gathers the replies. */
export async function startWorkers(url: string, clients: number, count: number): Promise<{ workers: ChildProcess[]; all: (op: string, extra?: object) => Promise<WorkerReply[]> }> {
  const workers = Array.from({ length: count }, (_, worker) =>
    fork(join(__dirname, 'worker.ts'), [JSON.stringify({ url, clients, worker, workers: count })], { execArgv: ['--require', 'tsx/cjs'] }),
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
