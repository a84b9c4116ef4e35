/**
 * CPU seconds each thread of this process spent over a measured stretch (Linux /proc), summed by thread
 * name: shows whether the JavaScript thread (read, SHA-256, write) or libwebrtc's network thread (SCTP,
 * DTLS, one UDP datagram per ~1200 bytes) limits a transfer. Empty where /proc is missing.
 */
import { readdirSync, readFileSync } from 'fs';

const TICKS_PER_SECOND = 100;

function sample(): Map<string, { name: string; seconds: number }> {
  const threads = new Map<string, { name: string; seconds: number }>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads;
}

export class ThreadCpu {
  private start = sample();

  restart(): void {
    this.start = sample();
  }

  /** CPU seconds per GB moved since the start, by thread name, busiest first; threads under 0.1 s/GB left out. */
  perGb(bytes: number): Record<string, number> {
    const byName = new Map<string, number>();
    for (const [tid, now] of sample()) {
      const spent = now.seconds - (this.start.get(tid)?.seconds ?? 0);
      byName.set(now.name, (byName.get(now.name) ?? 0) + spent);
    }
    const gb = bytes / 1e9;
    return Object.fromEntries(
      [...byName]
        .map(([name, seconds]) => [name, Math.round((seconds / gb) * 100) / 100] as const)
        .filter(([, perGb]) => perGb >= 0.1)
        .sort((a, b) => b[1] - a[1]),
    );
  }
}
