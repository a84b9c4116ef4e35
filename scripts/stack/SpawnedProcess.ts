/** A child process of the embedded set-up: its own process group, output to a log file, killed as a group. */
import { ChildProcess, spawn } from 'child_process';
import { closeSync, mkdirSync, openSync } from 'fs';
import { dirname } from 'path';

export interface SpawnOptions {
  /** Where stdout and stderr go (appended). */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

const KILL_GRACE_MS = 5_000;

/** Process groups still running: if this process exits without stopping them (a crash, a forced exit), they go too. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class SpawnedProcess {
  private readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process has exited. */
  readonly exited: Promise<number | string>;
  private exitResult: number | string | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions,
  ) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const fd = openSync(options.logFile, 'a');
    try {
      // detached: the child leads its own process group, so dispose() reaches its descendants too
      // (code-server's extension host, the host process it spawns, xterm's shell).
      this.child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const pid = this.child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        // Forgotten once the leader is gone, so a reused pid is never signalled.
        if (pid !== undefined) liveGroups.delete(pid);
        this.exitResult = code ?? signal ?? 'unknown';
        resolve(this.exitResult);
      });
      this.child.once('error', (err) => {
        this.exitResult = `spawn error: ${err.message}`;
        resolve(this.exitResult);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** undefined while running; the exit code or signal once exited. */
  get exitStatus(): number | string | undefined {
    return this.exitResult;
  }

  /** SIGTERM to the whole group, SIGKILL after a grace period; resolves once the leader has exited. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is already gone
      }
    };
    signalGroup('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), KILL_GRACE_MS);
    });
    const result = await Promise.race([this.exited, graceOver]);
    clearTimeout(timer);
    // Descendants that ignored SIGTERM (or outlived the leader) go too.
    signalGroup('SIGKILL');
    if (result === 'timeout') await this.exited;
  }
}
