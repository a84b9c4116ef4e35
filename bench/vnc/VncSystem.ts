/**
 * The classic peer: x11vnc (Debian, default polling settings) on the display, the counting
 * websocket bridge, and noVNC (npm) at 1:1 in its own headless Chromium.
 */
import { ChildProcess, fork, spawn } from 'child_process';
import * as path from 'path';
import { freePort, SystemUnderTest, waitForPort, WireBytes } from './SystemUnderTest';
import { ViewerPage } from './ViewerPage';

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

export class VncSystem implements SystemUnderTest {
  readonly name = 'vnc' as const;

  private constructor(
    readonly viewer: ViewerPage,
    private readonly x11vnc: ChildProcess,
    private readonly bridge: ChildProcess,
  ) {}

  static async start(display: string, width: number, height: number): Promise<VncSystem> {
    const vncPort = await freePort();
    const wsPort = await freePort();
    const x11vnc = spawn('x11vnc', ['-display', display, '-rfbport', String(vncPort), '-localhost', '-nopw', '-forever', '-shared', ...(process.env.BENCH_DEBUG ? [] : ['-quiet'])], {
      stdio: ['ignore', 'ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore'],
    });
    const bridge = fork(path.join(__dirname, 'WsTcpBridge.ts'), [String(wsPort), String(vncPort)], {
      execArgv: ['--require', 'tsx/cjs'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let viewer: ViewerPage | undefined;
    try {
      await waitForPort(vncPort, 20_000, () => x11vnc.exitCode === null);
      await new Promise<void>((resolve, reject) => {
        bridge.once('message', () => resolve());
        bridge.once('exit', (code) => reject(new Error(`bridge exited with ${code}`)));
      });
      viewer = await ViewerPage.open('novncViewer.ts', width, height);
      const page = viewer.page;
      await page.evaluate((url) => window.benchVnc.connect(url), `ws://127.0.0.1:${wsPort}`);
      return new VncSystem(viewer, x11vnc, bridge);
    } catch (err) {
      await viewer?.close();
      x11vnc.kill('SIGTERM');
      bridge.kill('SIGTERM');
      await Promise.all([exited(x11vnc), exited(bridge)]);
      throw err;
    }
  }

  /** x11vnc alone: the bridge stands in for websockify, which is not part of the VNC server. */
  sharerPids(): number[] {
    return [this.x11vnc.pid as number];
  }

  wireBytes(): Promise<WireBytes> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bridge did not report bytes within 5 s')), 5000);
      this.bridge.once('message', (m: WireBytes) => {
        clearTimeout(timer);
        resolve({ down: m.down, up: m.up, downIp: m.downIp, upIp: m.upIp });
      });
      this.bridge.send({ type: 'bytes' });
    });
  }

  async details(): Promise<Record<string, number>> {
    return {};
  }

  async enableInput(): Promise<void> {
    // noVNC sends pointer events unless viewOnly; x11vnc applies them (no -viewonly)
  }

  async dispose(): Promise<void> {
    await this.viewer.page.evaluate(() => window.benchVnc.disconnect()).catch(() => undefined);
    await this.viewer.close();
    this.x11vnc.kill('SIGTERM');
    this.bridge.kill('SIGTERM');
    await Promise.all([exited(this.x11vnc), exited(this.bridge)]);
  }
}
