/**
 * One code-server (a real VS Code workbench served to a browser) with its own user data, extensions,
 * settings and workspace folder, on a free loopback port, with the Remote Assist .vsix installed.
 */
import { execFile } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { freePort, PollAborted, pollUntil } from './poll';
import { SpawnedProcess } from './SpawnedProcess';

export interface CodeServerOptions {
  /** The install made by scripts/code-server.sh. */
  readonly installDir: string;
  /** e.g. "alice": names the log files. */
  readonly name: string;
  /** Holds user data, extensions, config and the workspace folder. */
  readonly rootDir: string;
  readonly logDir: string;
  /** The extension to install first; none for a bare workbench (the vs-VNC bench's editor scene). */
  readonly vsix?: string;
  /** User settings (settings.json). */
  readonly settings: Record<string, unknown>;
  /** Remote (machine) settings: where machine-scoped settings such as allowRemoteControl live. */
  readonly machineSettings?: Record<string, unknown>;
  /** X display the extension's host process captures. */
  readonly display: string;
  /** Address to listen on; loopback unless the demo is asked for more. */
  readonly host?: string;
  /** Extra environment for code-server and so for the extension host. */
  readonly env?: Record<string, string>;
}

/** Settings that keep a fresh workbench quiet: no welcome page, no trust prompt, no update checks. */
const QUIET_WORKBENCH = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

export class CodeServerInstance {
  private constructor(
    readonly name: string,
    private readonly process: SpawnedProcess,
    readonly url: string,
    readonly userDataDir: string,
  ) {}

  static async start(options: CodeServerOptions): Promise<CodeServerInstance> {
    const root = options.rootDir;
    const dirs = {
      userData: join(root, 'user-data'),
      extensions: join(root, 'extensions'),
      workspace: join(root, 'workspace'),
      xdgConfig: join(root, 'xdg-config'),
      xdgData: join(root, 'xdg-data'),
      tmp: join(root, 'tmp'),
    };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    mkdirSync(join(dirs.userData, 'Machine'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_WORKBENCH, ...options.settings }, null, 2));
    writeFileSync(join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify(options.machineSettings ?? {}, null, 2));
    writeFileSync(join(dirs.workspace, 'README.md'), `# ${options.name}'s project\n`);

    const port = await freePort();
    const host = options.host ?? '127.0.0.1';
    const configFile = join(root, 'config.yaml');
    writeFileSync(configFile, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);
    // XDG paths keep code-server's own state (config, heartbeat, logs) out of the user's home, and TMPDIR
    // its extension hosts' IPC sockets out of /tmp: all of it goes when the instance's directory does.
    const env = { ...process.env, ...options.env, DISPLAY: options.display, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, TMPDIR: dirs.tmp };
    const entry = join(options.installDir, 'out/node/entry.js');
    const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

    if (options.vsix) {
      await promisify(execFile)(process.execPath, [entry, ...common, '--force', '--install-extension', options.vsix], { env, timeout: 180_000 }).catch((err: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`installing ${options.vsix} into ${options.name}'s code-server failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      });
    }

    const proc = new SpawnedProcess(
      `code-server ${options.name}`,
      process.execPath,
      [entry, ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', dirs.workspace],
      { logFile: join(options.logDir, `code-server-${options.name}.log`), env },
    );
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
    try {
      await pollUntil(`${options.name}'s code-server`, async () => {
        if (proc.exitStatus !== undefined) throw new PollAborted(`code-server exited with ${proc.exitStatus}`);
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
        return response.status === 200;
      }, { timeoutMs: 60_000 });
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return new CodeServerInstance(options.name, proc, url, dirs.userData);
  }

  /** VS Code's own logs (extension host, the extension's output channel), for a failure report. */
  get logsDir(): string {
    return join(this.userDataDir, 'logs');
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
