/**
 * A whole sharing session for tests: Xvfb, the real host process via HostSupervisor, and the viewer page
 * in headless Chromium, with signals relayed directly between them. Everything is cleaned up by close().
 */
import { ChildProcess, spawn } from 'child_process';
import { HostError, HostSupervisor, StartOptions } from '../../../src/supervisor/HostSupervisor';
import { ControlReason, HostStats, Quality } from '../../../src/protocol/host';
import { openViewerPage, ViewerPage } from '../../../bench/host/viewerBrowser';
import { startXvfb, XDisplay } from '../../support/xvfb';
import { buildHost } from './buildHost';
import { until } from './poll';

export const TEST_QUALITY: Quality = { maxKbps: 4000, fps: 30, scale: 1 };

export interface HostRecord {
  controls: { granted: boolean; reason: ControlReason; at: number }[];
  errors: HostError[];
  chats: string[];
  stats: HostStats[];
  controlRequests: number;
  connected: boolean;
  exited: boolean;
}

export class TestDisplay {
  private readonly children: ChildProcess[] = [];
  constructor(readonly x: XDisplay) {}

  static async start(width: number, height: number): Promise<TestDisplay> {
    return new TestDisplay(await startXvfb(width, height));
  }

  get env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: this.x.display };
    delete env.WAYLAND_DISPLAY;
    delete env.XDG_SESSION_TYPE;
    return env;
  }

  /** Starts an X client on the display; it is killed by close(). */
  spawn(command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, { env: this.env, stdio: 'ignore' });
    this.children.push(child);
    return child;
  }

  /** Starts an xterm (optionally running `command`) and waits until its window is mapped. */
  async xterm(args: string[], name: string): Promise<ChildProcess> {
    const child = this.spawn('xterm', ['-name', name, ...args]);
    await this.run('xdotool', ['search', '--sync', '--onlyvisible', '--classname', name]);
    return child;
  }

  /** Runs a short X command to completion. */
  run(command: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { env: this.env, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
    });
  }

  async close(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    await this.x.stop();
  }
}

/** The host alone, for a scripted helper: supervisor started, signals handed to `relay`. */
export async function startHost(display: TestDisplay, relay: (payload: Record<string, unknown>) => void, record: HostRecord, quality: Quality = TEST_QUALITY): Promise<HostSupervisor> {
  const hostScript = await buildHost();
  const supervisor = new HostSupervisor({ hostScript, env: display.env });
  supervisor.onSignal(relay);
  supervisor.onConnected(() => (record.connected = true));
  supervisor.onControl((c) => record.controls.push({ ...c, at: performance.timeOrigin + performance.now() }));
  supervisor.onError((e) => record.errors.push(e));
  supervisor.onChat((text) => record.chats.push(text));
  supervisor.onStats((s) => record.stats.push(s));
  supervisor.onControlRequested(() => record.controlRequests++);
  supervisor.onExit(() => (record.exited = true));
  supervisor.start({ quality });
  return supervisor;
}

export function emptyRecord(): HostRecord {
  return { controls: [], errors: [], chats: [], stats: [], controlRequests: 0, connected: false, exited: false };
}

export class TestSession {
  readonly record: HostRecord = emptyRecord();

  private constructor(
    readonly display: TestDisplay,
    readonly supervisor: HostSupervisor,
    readonly viewer: ViewerPage,
  ) {}

  /**
   * `where`: launchers that run the host's node and the viewer's Chromium elsewhere (network lab namespaces),
   * and the host bundle to run (default: this checkout's, built for the tests; a packaged one's `dist/host.js`).
   */
  static async open(
    display: TestDisplay,
    quality: Quality = TEST_QUALITY,
    extraEnv: NodeJS.ProcessEnv = {},
    where: { nodePath?: string; chromiumPath?: string; hostScript?: string } = {},
    /** More of the start command (redaction rules, …). */
    start: Omit<StartOptions, 'quality'> = {},
  ): Promise<TestSession> {
    const hostScript = where.hostScript ?? (await buildHost());
    const viewer = await openViewerPage({ width: display.x.width, height: display.x.height }, where.chromiumPath);
    // RA_DEBUG=1 shows the host's log while debugging a test.
    const logger = process.env.RA_DEBUG ? { debug: console.log, info: console.log, warn: console.log, error: console.log } : undefined;
    const supervisor = new HostSupervisor({ hostScript, env: { ...display.env, ...extraEnv }, logger, nodePath: where.nodePath });
    const session = new TestSession(display, supervisor, viewer);
    const r = session.record;
    supervisor.onSignal((payload) => void viewer.signal(payload).catch(() => undefined));
    viewer.onSignal((payload) => {
      if (supervisor.state === 'running') supervisor.signal(payload);
    });
    supervisor.onConnected(() => (r.connected = true));
    supervisor.onControl((c) => r.controls.push({ ...c, at: performance.timeOrigin + performance.now() }));
    supervisor.onError((e) => r.errors.push(e));
    supervisor.onChat((text) => r.chats.push(text));
    supervisor.onStats((s) => r.stats.push(s));
    supervisor.onControlRequested(() => r.controlRequests++);
    supervisor.onExit(() => (r.exited = true));
    supervisor.start({ ...start, quality });
    // A fatal host error ends the wait at once, with its message.
    const outcome = await until('host and viewer to connect', async () => r.errors.find((e) => e.fatal) ?? (r.connected && (await session.viewerEvents('connected')).length > 0 && 'connected'), 30_000);
    if (outcome !== 'connected') throw new Error(`host failed: ${outcome.code} ${outcome.message}`);
    return session;
  }

  async viewerEvents(type: string): Promise<{ type: string; at: number; [k: string]: unknown }[]> {
    const all = await this.viewer.page.evaluate(() => window.remoteAssist.events());
    return all.filter((e) => e.type === type);
  }

  /** Mean colour of a screen rectangle as the viewer displays it. */
  color(x: number, y: number, w: number, h: number): Promise<[number, number, number]> {
    const width = this.display.x.width;
    return this.viewer.page.evaluate(([x, y, w, h, width]) => window.remoteAssist.averageColor(x, y, w, h, width), [x, y, w, h, width] as const);
  }

  async close(): Promise<void> {
    await this.viewer.close().catch(() => undefined);
    await this.supervisor.stop().catch(() => undefined);
    this.supervisor.dispose();
  }
}

export function near(actual: readonly number[], expected: readonly number[], tolerance = 40): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance);
}
