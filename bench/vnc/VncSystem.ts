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

  /**
   * Over a network lab's link: x11vnc and websockify run in `lab.spawn`'s namespace, websockify listening on
   * `lab.address`, and noVNC (in Chromium from `lab.chromiumPath`) connects to it; bytes come from
   * `lab.bytes` (the viewer's interface counters). x11vnc's own WebSocket support on the RFB port fails
   * its handshake once the round trip is long ("webSocketsHandshake: unknown connection error" at
   * 300 ms): libvncserver reads the handshake with a short timeout. websockify is what noVNC deploys with.
   */
  static async startInLab(
    display: string,
    width: number,
    height: number,
    lab: { spawn(command: string, args: string[]): ChildProcess; address: string; chromiumPath: string; listening(port: number): Promise<boolean>; bytes(): Promise<WireBytes> },
  ): Promise<SystemUnderTest> {
    const port = await freePort();
    const wsPort = await freePort();
    const x11vnc = lab.spawn('x11vnc', ['-display', display, '-rfbport', String(port), '-listen', lab.address, '-nopw', '-forever', '-shared', ...(process.env.BENCH_DEBUG ? [] : ['-quiet'])]);
    const websockify = lab.spawn('websockify', [`${lab.address}:${wsPort}`, `${lab.address}:${port}`]);
    let viewer: ViewerPage | undefined;
    const stop = async () => {
      x11vnc.kill('SIGTERM');
      websockify.kill('SIGTERM');
      await Promise.all([exited(x11vnc), exited(websockify)]);
    };
    try {
      const deadline = Date.now() + 20_000;
      while (!(await lab.listening(port)) || !(await lab.listening(wsPort))) {
        if (x11vnc.exitCode !== null || websockify.exitCode !== null || Date.now() > deadline) throw new Error('x11vnc or websockify did not listen');
        await new Promise((r) => setTimeout(r, 100));
      }
      viewer = await ViewerPage.open('novncViewer.ts', width, height, lab.chromiumPath);
      if (process.env.BENCH_DEBUG) viewer.page.on('console', (m) => process.stderr.write(`noVNC page: ${m.text()}\n`));
      await viewer.page.evaluate((url) => window.benchVnc.connect(url), `ws://${lab.address}:${wsPort}`);
    } catch (err) {
      await viewer?.close();
      await stop();
      throw err;
    }
    const page = viewer;
    return {
      name: 'vnc',
      viewer: page,
      sharerPids: () => [x11vnc.pid as number, websockify.pid as number],
      wireBytes: () => lab.bytes(),
      details: async () => ({}),
      enableInput: async () => undefined,
      dispose: async () => {
        await page.page.evaluate(() => window.benchVnc.disconnect()).catch(() => undefined);
        await page.close();
        await stop();
      },
    };
  }

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
