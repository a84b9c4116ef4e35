/**
 * The classic peers: x11vnc (libvncserver speaks WebSockets on its RFB port, so noVNC connects straight to
 * it) or TigerVNC's scraping server X0tigervnc (no WebSocket: websockify in front, its CPU counted on the
 * sharer's side), each listening on the sharer's end of the veth, and noVNC at 1:1 in Chromium on the
 * viewer's side.
 */
import { ChildProcess, spawn } from 'child_process';
import { SHARER_ADDR } from './Netns';
import { freePort, SystemSpec, SystemUnderTest, waitForPort } from './SystemUnderTest';
import { ViewerPage } from './ViewerPage';

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function stopAll(processes: readonly ChildProcess[]): Promise<void> {
  for (const p of processes) p.kill('SIGTERM');
  await Promise.all(processes.map(exited));
}

const debugStdio = (): ['ignore', 'ignore', 'inherit' | 'ignore'] => ['ignore', 'ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore'];

/** The server processes for `spec`, and the WebSocket port noVNC connects to. */
async function startServer(spec: SystemSpec, display: string): Promise<{ processes: ChildProcess[]; wsPort: number }> {
  const rfbPort = await freePort();
  if (spec.kind === 'x11vnc') {
    const x11vnc = spawn('x11vnc', ['-display', display, '-rfbport', String(rfbPort), '-listen', SHARER_ADDR, '-nopw', '-forever', '-shared', ...(process.env.BENCH_DEBUG ? [] : ['-quiet']), ...(spec.args ?? [])], {
      stdio: debugStdio(),
    });
    await waitForPort(SHARER_ADDR, rfbPort, 20_000, () => x11vnc.exitCode === null);
    return { processes: [x11vnc], wsPort: rfbPort };
  }
  const server = spawn('X0tigervnc', ['-display', display, '-rfbport', String(rfbPort), '-interface', '127.0.0.1', '-SecurityTypes', 'None', '-AlwaysShared', ...(spec.args ?? [])], {
    stdio: debugStdio(),
  });
  const wsPort = await freePort();
  const websockify = spawn('websockify', [`${SHARER_ADDR}:${wsPort}`, `127.0.0.1:${rfbPort}`], { stdio: debugStdio() });
  try {
    await waitForPort('127.0.0.1', rfbPort, 20_000, () => server.exitCode === null);
    await waitForPort(SHARER_ADDR, wsPort, 20_000, () => websockify.exitCode === null);
  } catch (err) {
    for (const p of [server, websockify]) p.kill('SIGTERM');
    throw err;
  }
  return { processes: [server, websockify], wsPort };
}

export class VncSystem implements SystemUnderTest {
  private constructor(
    readonly spec: SystemSpec,
    readonly viewer: ViewerPage,
    private readonly processes: ChildProcess[],
    readonly connectStages: Record<string, number> = {},
  ) {}

  /**
   * Over a network lab's link: x11vnc and websockify run in `lab.spawn`'s namespace, websockify listening on
   * `lab.address`, and noVNC (in Chromium from `lab.chromiumPath`) connects to it; the bench counts bytes on
   * the lab's interfaces. x11vnc's own WebSocket support on the RFB port fails its handshake once the round
   * trip is long ("webSocketsHandshake: unknown connection error" at 300 ms): libvncserver reads the
   * handshake with a short timeout. websockify is what noVNC deploys with.
   */
  static async startInLab(
    spec: SystemSpec,
    display: string,
    width: number,
    height: number,
    lab: {
      spawn(command: string, args: string[]): ChildProcess;
      address: string;
      chromiumPath: string;
      listening(port: number): Promise<boolean>;
      /** Makes the sharer's port reachable from the viewer (e.g. a port forward on its NAT router); the address to use. */
      expose?(port: number): Promise<string>;
    },
  ): Promise<VncSystem> {
    if (spec.kind !== 'x11vnc') throw new Error(`startInLab runs x11vnc, not ${spec.kind}`);
    const port = await freePort();
    const wsPort = await freePort();
    const x11vnc = lab.spawn('x11vnc', ['-display', display, '-rfbport', String(port), '-listen', lab.address, '-nopw', '-forever', '-shared', ...(process.env.BENCH_DEBUG ? [] : ['-quiet']), ...(spec.args ?? [])]);
    const websockify = lab.spawn('websockify', [`${lab.address}:${wsPort}`, `${lab.address}:${port}`]);
    const processes = [x11vnc, websockify];
    let viewer: ViewerPage | undefined;
    try {
      const deadline = Date.now() + 20_000;
      while (!(await lab.listening(port)) || !(await lab.listening(wsPort))) {
        if (x11vnc.exitCode !== null || websockify.exitCode !== null || Date.now() > deadline) throw new Error('x11vnc or websockify did not listen');
        await new Promise((r) => setTimeout(r, 100));
      }
      viewer = await ViewerPage.open('novncViewer.ts', width, height, lab.chromiumPath);
      if (process.env.BENCH_DEBUG) viewer.page.on('console', (m) => process.stderr.write(`noVNC page: ${m.text()}\n`));
      const reachAt = lab.expose ? await lab.expose(wsPort) : lab.address;
      await viewer.page.evaluate((url) => window.benchVnc.connect(url), `ws://${reachAt}:${wsPort}`);
      return new VncSystem(spec, viewer, processes);
    } catch (err) {
      await viewer?.close();
      await stopAll(processes);
      throw err;
    }
  }

  static async start(spec: SystemSpec, display: string, width: number, height: number): Promise<VncSystem> {
    const t0 = performance.now();
    const stages: Record<string, number> = {};
    const reached = (stage: string) => (stages[stage] = Math.round(performance.now() - t0));
    const { processes, wsPort } = await startServer(spec, display);
    reached('serverListening');
    let viewer: ViewerPage | undefined;
    try {
      viewer = await ViewerPage.open('novncViewer.ts', width, height);
      reached('viewerOpen');
      if (process.env.BENCH_DEBUG) viewer.page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
      await viewer.page.evaluate((url) => window.benchVnc.connect(url), `ws://${SHARER_ADDR}:${wsPort}`);
      reached('connected');
      return new VncSystem(spec, viewer, processes, stages);
    } catch (err) {
      await viewer?.close();
      await stopAll(processes);
      throw err;
    }
  }

  sharerPids(): number[] {
    return this.processes.map((p) => p.pid as number);
  }

  async details(): Promise<Record<string, number>> {
    return {};
  }

  async enableInput(): Promise<void> {
    // noVNC sends pointer events unless viewOnly; both servers apply them
  }

  async dispose(): Promise<void> {
    await this.viewer.page.evaluate(() => window.benchVnc.disconnect()).catch(() => undefined);
    await this.viewer.close();
    await stopAll(this.processes);
  }
}
