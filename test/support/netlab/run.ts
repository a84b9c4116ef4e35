/** Running commands for the network lab: `ip`, `iptables`, `tc` and processes inside a namespace. */
import { execFile } from 'child_process';

export class NetLabError extends Error {
  override readonly name = 'NetLabError';
  constructor(
    readonly code: 'ERR_NETLAB_COMMAND' | 'ERR_NETLAB_NAME' | 'ERR_NETLAB_STATE',
    message: string,
  ) {
    super(message);
  }
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; rejects with its stderr when it exits non-zero. */
export function run(command: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { timeout: options.timeoutMs ?? 30_000, env: options.env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new NetLabError('ERR_NETLAB_COMMAND', `${command} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

/** `ip netns exec NS command args…` */
export function inNamespace(ns: string, command: string, args: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', ns, command, ...args]];
}

export function runIn(ns: string, command: string, args: readonly string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const [cmd, full] = inNamespace(ns, command, args);
  return run(cmd, full, options);
}

/** Runs each command in order (they build on one another). */
export async function runAll(ns: string, commands: readonly (readonly string[])[]): Promise<void> {
  for (const [command, ...args] of commands) await runIn(ns, command, args);
}
