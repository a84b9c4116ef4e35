/**
 * The embedded set-up the demo and the end-to-end test share: an assistance server, the display Alice
 * shares, and two code-server workbenches (Alice and Bob) with the extension installed and pointed at
 * the server.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { AssistServer } from './AssistServer';
import { CodeServerInstance } from './CodeServerInstance';
import { createContactPair } from './DemoAccounts';
import { SharedDisplay } from './SharedDisplay';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const VSIX_PATH = join(REPO_ROOT, 'remote-assist.vsix');

export interface Person {
  readonly alias: string;
  readonly displayName: string;
}
export const ALICE: Person = { alias: 'alice', displayName: 'Alice' };
export const BOB: Person = { alias: 'bob', displayName: 'Bob' };

export interface EmbeddedStackOptions {
  readonly logDir: string;
  /** Share this X display instead of a private Xvfb. */
  readonly existingDisplay?: string;
  readonly width?: number;
  readonly height?: number;
  /** Address the workbenches listen on (loopback by default). */
  readonly host?: string;
  /**
   * Create Alice's and Bob's accounts as contacts before the workbenches start, and give each
   * workbench its device token (REMOTE_ASSIST_DEVICE_TOKEN) so it starts signed in (the demo).
   */
  readonly signedIn?: boolean;
  /** Audio for Start Talking: the PulseAudio server and each person's microphone and speaker there. */
  readonly audio?: { readonly pulseServer: string; readonly devices: (person: Person) => { microphone: string; speaker: string } };
  /** More options for the assistance server's command line. */
  readonly serverArgs?: readonly string[];
}

/** Installs (or reuses) code-server through scripts/code-server.sh and returns its directory. */
export function codeServerInstallDir(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'scripts/code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}


export class EmbeddedStack {
  private readonly workDir: string;
  private display: SharedDisplay | undefined;
  private server: AssistServer | undefined;
  private readonly workbenches = new Map<string, CodeServerInstance>();
  /** Set by stop(): a start still in progress gives up at its next step instead of starting more. */
  private stopRequested = false;

  constructor(private readonly options: EmbeddedStackOptions) {
    mkdirSync(options.logDir, { recursive: true });
    this.workDir = mkdtempSync(join(tmpdir(), 'remote-assist-stack-'));
  }

  get sharedDisplay(): SharedDisplay {
    if (!this.display) throw new Error('the shared display is not started');
    return this.display;
  }

  get assistServer(): AssistServer {
    if (!this.server) throw new Error('the assistance server is not started');
    return this.server;
  }

  private voiceSettings(person: Person): Record<string, string> {
    if (!this.options.audio) return {};
    const { microphone, speaker } = this.options.audio.devices(person);
    return { 'remoteAssist.voice.microphone': microphone, 'remoteAssist.voice.speaker': speaker };
  }

  /** The person's Downloads folder, their remoteAssist.files.defaultFolder (removed on stop). */
  downloads(person: Person): string {
    const dir = join(this.workDir, person.alias, 'Downloads');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  workbench(person: Person): CodeServerInstance {
    const wb = this.workbenches.get(person.alias);
    if (!wb) throw new Error(`${person.displayName}'s workbench is not started`);
    return wb;
  }

  /** Starts everything; on failure stops what did start and rethrows. */
  async start(): Promise<void> {
    const check = () => {
      if (this.stopRequested) throw new Error('the embedded set-up was stopped while starting');
    };
    try {
      const installDir = codeServerInstallDir();
      this.display = await SharedDisplay.start({
        existingDisplay: this.options.existingDisplay,
        width: this.options.width ?? 1280,
        height: this.options.height ?? 800,
        logDir: this.options.logDir,
      });
      check();
      this.server = await AssistServer.start({ repoRoot: REPO_ROOT, dataDir: join(this.workDir, 'server-data'), logDir: this.options.logDir, args: this.options.serverArgs });
      const tokens = this.options.signedIn ? await createContactPair(this.server.url, ALICE, BOB) : new Map<string, string>();
      // One after the other: two extension installs at once crowd a 2-core machine.
      for (const person of [ALICE, BOB]) {
        check();
        const wb = await CodeServerInstance.start({
          installDir,
          name: person.alias,
          rootDir: join(this.workDir, person.alias),
          logDir: this.options.logDir,
          vsix: VSIX_PATH,
          settings: { 'remoteAssist.displayName': person.displayName },
          // Machine-scoped: a remote window (code-server) reads these from the remote settings only (a user value of
          // a machine-scoped setting is ignored there, at times only once the extension's settings are registered).
          machineSettings: { 'remoteAssist.serverUrl': this.server.url, 'remoteAssist.files.defaultFolder': this.downloads(person), ...this.voiceSettings(person) },
          display: this.display.display,
          host: this.options.host,
          env: {
            ...(tokens.has(person.alias) ? { REMOTE_ASSIST_DEVICE_TOKEN: tokens.get(person.alias) as string } : {}),
            ...(this.options.audio ? { PULSE_SERVER: this.options.audio.pulseServer } : {}),
          },
        });
        this.workbenches.set(person.alias, wb);
      }
      check();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** The extension as installed in a workbench (to check that its native modules load there). */
  installedExtensionDir(person: Person): string {
    const extensionsDir = join(this.workDir, person.alias, 'extensions');
    const found = execFileSync('find', [extensionsDir, '-maxdepth', '1', '-name', 'remote-assist.remote-assist-*'], { encoding: 'utf8' }).trim().split('\n')[0];
    if (!found) throw new Error(`the extension is not installed in ${extensionsDir}`);
    return found;
  }

  /** Copies VS Code's logs next to ours (for a failure report). */
  collectWorkbenchLogs(): void {
    for (const wb of this.workbenches.values()) {
      const target = join(this.options.logDir, `vscode-logs-${wb.name}`);
      rmSync(target, { recursive: true, force: true });
      try {
        execFileSync('cp', ['-r', wb.logsDir, target]);
      } catch {
        // no logs written yet
      }
    }
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    for (const wb of [...this.workbenches.values()].reverse()) await wb.stop();
    this.workbenches.clear();
    await this.server?.stop();
    this.server = undefined;
    await this.display?.stop();
    this.display = undefined;
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
