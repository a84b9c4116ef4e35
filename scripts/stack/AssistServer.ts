/** The assistance network server (dist/server.js) on a free loopback port, with its own data directory. */
import { join } from 'path';
import { freePort, PollAborted, pollUntil } from './poll';
import { SpawnedProcess } from './SpawnedProcess';

export interface AssistServerOptions {
  readonly repoRoot: string;
  readonly dataDir: string;
  readonly logDir: string;
  /** More command-line options (e.g. --oidc-issuer URL --oidc-client-id ID). */
  readonly args?: readonly string[];
}

export class AssistServer {
  private constructor(
    private readonly process: SpawnedProcess,
    readonly port: number,
  ) {}

  /** ws:// address the extension's server URL setting takes. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  static async start(options: AssistServerOptions): Promise<AssistServer> {
    const port = await freePort();
    const proc = new SpawnedProcess('assistance server', process.execPath, [join(options.repoRoot, 'dist/server.js'), '--port', String(port), '--data', options.dataDir, ...(options.args ?? [])], {
      logFile: join(options.logDir, 'server.log'),
      cwd: options.repoRoot,
    });
    const server = new AssistServer(proc, port);
    try {
      await pollUntil('the assistance server /healthz', async () => {
        if (proc.exitStatus !== undefined) throw new PollAborted(`the server exited with ${proc.exitStatus}`);
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
        return response.status === 200;
      }, { timeoutMs: 30_000 });
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return server;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
