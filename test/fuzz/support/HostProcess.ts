/**
 * The real host process (dist/host.js) forked the way HostSupervisor forks it, but with the IPC channel in
 * the test's hands, so commands that the supervisor's types would never let through can be sent. Every
 * event the host sends back is validated with the protocol's own schema.
 */
import { ChildProcess, fork } from 'child_process';
import { HostEvent } from '../../../src/protocol/host';
import { parseMessage } from '../../../src/protocol/validate';
import { buildHost } from '../../host/support/buildHost';
import { until } from '../../host/support/poll';

export class HostProcess {
  readonly events: HostEvent[] = [];
  /** Events that failed validation (the host must never send one). */
  readonly invalidEvents: string[] = [];
  exit: { code: number | null; signal: string | null } | undefined;
  stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      try {
        this.events.push(parseMessage(HostEvent, raw));
      } catch (err) {
        this.invalidEvents.push(`${(err as Error).message}: ${JSON.stringify(raw).slice(0, 200)}`);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => (this.stderr = (this.stderr + text).slice(-4000)));
    child.on('exit', (code, signal) => (this.exit = { code, signal }));
  }

  static async start(env: NodeJS.ProcessEnv): Promise<HostProcess> {
    const script = await buildHost();
    const host = new HostProcess(fork(script, [], { execArgv: [], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' }));
    await until('the host to say ready', () => host.events.some((e) => e.type === 'ready'), 20_000);
    return host;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Sends anything JSON can carry, valid or not. */
  send(message: unknown): void {
    if (!this.child.connected) throw new Error(`the host is gone (${JSON.stringify(this.exit)}): ${this.stderr}`);
    this.child.send(message as object);
  }

  count(predicate: (e: HostEvent) => boolean): number {
    return this.events.filter(predicate).length;
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}
