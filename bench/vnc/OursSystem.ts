/**
 * Our side: the product's host process (src/host/main.ts, bundled as the extension ships it, started by
 * HostSupervisor) sharing the display over WebRTC to the product's RemoteViewer in headless Chromium.
 * Signals are relayed by this process the way the extension relays them.
 */
import * as path from 'path';
import * as esbuild from 'esbuild';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { HostStats, Quality } from '../../src/protocol/host';
import { qualityFor } from '../../src/session/QualityPresets';
import { SystemSpec, SystemUnderTest } from './SystemUnderTest';
import { ViewerPage } from './ViewerPage';
import NODE_EXTERNALS from '../../scripts/node-externals.json';

const ROOT = path.join(__dirname, '..', '..');
const LINK_TIERS = HostStats.shape.link.unwrap().shape.tier.options;
const HOST_BUNDLE = path.join(ROOT, 'dist', 'bench-vnc', 'host.js');

/** Bundles the host exactly like esbuild.js does for dist/host.js, into a private path. */
export async function buildHost(): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'host', 'main.ts')],
    outfile: HOST_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: NODE_EXTERNALS,
    logLevel: 'silent',
  });
}

export class OursSystem implements SystemUnderTest {
  /** The host's own reports (frames handed to / sent by the encoder, encode and pacer times), a second each while the screen moves. */
  readonly hostStats: (HostStats & { atMs: number })[] = [];
  /** Chat lines the host received from the viewer, with when (performance.now()). */
  readonly chats: { text: string; atMs: number }[] = [];

  private constructor(
    readonly spec: SystemSpec,
    readonly viewer: ViewerPage,
    private readonly host: HostSupervisor,
    readonly connectStages: Record<string, number>,
  ) {
    host.onStats((s) => {
      this.hostStats.push({ ...s, atMs: performance.now() });
      if (process.env.BENCH_DEBUG) process.stderr.write(`${spec.id} ${s.mode} link ${JSON.stringify(s.link)} regionFps ${s.regionFps} regionMs ${s.regionMs} regionKbps ${s.regionKbps}\n`);
    });
    host.onChat((text) => this.chats.push({ text, atMs: performance.now() }));
    // the sharer says yes to every request: consent is not what is measured here
    host.onControlRequested(() => host.grantControl());
  }

  /** `where`: launchers running the host's node and the viewer's Chromium elsewhere (network lab namespaces). */
  static async start(spec: SystemSpec, display: string, width: number, height: number, where: { nodePath?: string; chromiumPath?: string } = {}): Promise<OursSystem> {
    const t0 = performance.now();
    const stages: Record<string, number> = {};
    const reached = (stage: string) => (stages[stage] ??= Math.round(performance.now() - t0));
    const quality = Quality.parse(process.env.BENCH_QUALITY ? JSON.parse(process.env.BENCH_QUALITY) : qualityFor(spec.preset ?? 'Auto'));
    const viewer = await ViewerPage.open('oursViewer.ts', width, height, where.chromiumPath);
    reached('viewerOpen');
    const errors: string[] = [];
    const debug = process.env.BENCH_DEBUG ? (m: string) => process.stderr.write(`${m}\n`) : () => undefined;
    const logger = { debug, info: debug, warn: debug, error: debug };
    if (process.env.BENCH_DEBUG) viewer.page.on('console', (m) => debug(`page: ${m.text()}`));
    // BENCH_HOST_NODE: another node (a script that adds --cpu-prof, say) runs the host, to profile it.
    const host = new HostSupervisor({ hostScript: HOST_BUNDLE, env: { ...process.env, DISPLAY: display }, logger, nodePath: where.nodePath ?? process.env.BENCH_HOST_NODE });
    try {
      host.onError((e) => errors.push(`${e.code}: ${e.message}`));
      await viewer.page.exposeFunction('benchSendSignal', (payload: Record<string, unknown>) => {
        debug(`viewer → host: ${JSON.stringify(payload).slice(0, 120)}`);
        if (payload.type === 'answer') reached('answer');
        host.signal(payload);
      });
      host.onConnected((size) => {
        reached('iceConnected');
        debug(`host connected ${size.width}x${size.height}`);
      });
      host.onSignal((payload) => {
        if ((payload as { type?: unknown }).type === 'offer') reached('offer');
        debug(`host → viewer: ${JSON.stringify(payload).slice(0, 120)}`);
      });
      host.onSignal((payload) => void viewer.page.evaluate((p) => window.benchOurs.signal(p), payload).catch((e: Error) => debug(`relay: ${e.message}`)));
      const connected = viewer.page.evaluate((w) => window.benchOurs.start(w), width);
      host.start({ quality });
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`viewer did not connect within 30 s ${errors.join('; ')}`)), 30_000).unref(),
      );
      await Promise.race([connected, timeout]);
      reached('firstPicture');
      return new OursSystem(spec, viewer, host, stages);
    } catch (err) {
      await host.stop().catch(() => undefined);
      host.dispose();
      await viewer.close();
      throw err;
    }
  }

  sharerPids(): number[] {
    return this.host.pid === undefined ? [] : [this.host.pid];
  }

  /**
   * Receiver stats (cumulative) plus the host's reports summed so far (each covers `seconds`: one while the
   * screen moves, longer when still): frames handed to the encoder, frames it sent, and encode and pacer
   * milliseconds weighted by frames sent.
   */
  async details(): Promise<Record<string, number>> {
    const receiver = await this.viewer.page.evaluate(() => window.benchOurs.stats());
    const sum = (f: (s: HostStats) => number): number => this.hostStats.reduce((total, s) => total + f(s) * s.seconds, 0);
    return {
      ...receiver,
      hostFrames: sum((s) => s.fps),
      /** Seconds the host spent sending video rather than lossless regions. */
      hostVideoSeconds: sum((s) => (s.mode === 'video' ? 1 : 0)),
      hostRegionFrames: sum((s) => s.regionFps ?? 0),
      /** Host ms spent on region frames (diff, scroll detection, encode), weighted by frames sent. */
      hostRegionWorkMs: sum((s) => (s.regionMs ?? 0) * (s.regionFps ?? 0)),
      hostEncodedFrames: sum((s) => s.encodedFps ?? 0),
      hostEncodeMs: sum((s) => (s.encodeMs ?? 0) * (s.encodedFps ?? 0)),
      hostSendDelayMs: sum((s) => (s.sendDelayMs ?? 0) * (s.encodedFps ?? 0)),
      // Auto's view of the link: seconds in each tier, and the approximate tiles it left
      ...Object.fromEntries(LINK_TIERS.map((tier) => [`hostLink_${tier}_seconds`, sum((s) => (s.link?.tier === tier ? 1 : 0))])),
      hostApproximateTilesLast: this.hostStats.at(-1)?.link?.approximateTiles ?? 0,
    };
  }

  async enableInput(): Promise<void> {
    await this.viewer.page.evaluate(() => window.benchOurs.requestControl());
  }

  async dispose(): Promise<void> {
    await this.host.stop().catch(() => undefined);
    this.host.dispose();
    await this.viewer.close();
  }
}
