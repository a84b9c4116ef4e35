/**
 * `npm run bench:host`: the host on a 1920×1080 Xvfb display with a continuously scrolling scene, watched
 * by the viewer page in headless Chromium over real WebRTC. Measures painted frame rate and glass-to-glass
 * latency (scene tick drawn → frame with that tick painted, requestVideoFrameCallback), the host's CPU while
 * moving and idle, idle bitrate, and local-ESC revoke latency. Last line: the JSON the issue specifies.
 */
import { readFileSync } from 'fs';
import { loadavg } from 'os';
import { HostStats } from '../../src/protocol/host';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { X11Display } from '../../src/host/x11/X11Display';
import { buildHost } from '../../test/host/support/buildHost';
import { startXvfb } from '../../test/support/xvfb';
import { qualityFor } from '../../src/session/QualityPresets';
import { pageClockOffset } from '../pageClock';
import { saveRun } from '../resultsStore';
import { MARKER } from './marker';
import { startScene } from './scene';
import { openViewerPage } from './viewerBrowser';

const WIDTH = 1920;
const HEIGHT = 1080;
const MOVING_S = Number(process.env.BENCH_MOVING_S ?? 15);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 15);
/** The product's quality preset: its default, Auto, unless BENCH_PRESET picks another. */
const PRESET = process.env.BENCH_PRESET ?? 'Auto';
const QUALITY = qualityFor(PRESET);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stdout.write(`${line}\n`);

/** CPU seconds (user + system) used so far by process `pid`. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  log(`bench:host on ${WIDTH}x${HEIGHT}, preset ${PRESET} ${JSON.stringify(QUALITY)}, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const xvfb = await startXvfb(WIDTH, HEIGHT);
  const cleanup: (() => Promise<void> | void)[] = [() => xvfb.stop()];
  try {
    const scene = await startScene(xvfb.display);
    cleanup.unshift(() => scene.close());
    const viewer = await openViewerPage({ width: WIDTH, height: HEIGHT });
    cleanup.unshift(() => viewer.close());
    const supervisor = new HostSupervisor({ hostScript: await buildHost(), env: { ...process.env, DISPLAY: xvfb.display } });
    cleanup.unshift(() => supervisor.stop().then(() => supervisor.dispose()));
    const stats: (HostStats & { at: number })[] = [];
    const controls: { granted: boolean; reason: string; at: number }[] = [];
    let connected = false;
    supervisor.onSignal((p) => void viewer.signal(p).catch(() => undefined));
    viewer.onSignal((p) => supervisor.signal(p));
    supervisor.onConnected(() => (connected = true));
    supervisor.onStats((s) => stats.push({ ...s, at: performance.now() }));
    supervisor.onControl((c) => controls.push({ ...c, at: performance.now() }));
    supervisor.onError((e) => log(`host error: ${e.code} ${e.message}`));
    supervisor.start({ quality: QUALITY });
    await until('the viewer to connect', async () => connected && (await viewer.page.evaluate(() => window.remoteAssist.events())).some((e) => e.type === 'connected'));
    const hostPid = supervisor.pid as number;
    await viewer.page.evaluate(([m, w]) => window.remoteAssist.watchMarker(m, w), [MARKER, WIDTH] as const);

    // Moving: warm up (encoder ramps its bitrate), then measure.
    await sleep(4000);
    await viewer.page.evaluate(() => window.remoteAssist.takePainted());
    const cpu0 = cpuSeconds(hostPid);
    const t0 = performance.now();
    await sleep(MOVING_S * 1000);
    const moving = await viewer.page.evaluate(() => window.remoteAssist.takePainted());
    const movingSeconds = (performance.now() - t0) / 1000;
    const cpuMoving = ((cpuSeconds(hostPid) - cpu0) / movingSeconds) * 100;
    const clock = await pageClockOffset(() => viewer.page.evaluate(() => performance.timeOrigin + performance.now()));
    // Every painted frame whose marker names a drawn tick is a sample, negative ones included (they would
    // mean a clock or marker fault, and must show); a marker naming no drawn tick is counted as unmatched.
    const latencies: number[] = [];
    let unmatched = 0;
    for (const p of moving.painted) {
      const drawn = scene.drawnAt.get(p.seq);
      if (drawn === undefined) unmatched++;
      else latencies.push(p.at - clock.offsetMs - drawn);
    }
    const negative = latencies.filter((l) => l < 0).length;
    log(`latency samples: ${latencies.length} (${negative} negative, ${unmatched} painted markers naming no drawn tick); page clock calibrated to ±${clock.uncertaintyMs.toFixed(2)} ms`);
    // rVFC fires once per new frame presented, so distinct painted frames per second is what users see.
    const framesPainted = moving.painted.length;
    const fps = framesPainted / movingSeconds;
    const pictureSize = await viewer.page.evaluate(() => window.remoteAssist.pictureSize());
    const viewerStats = (await viewer.page.evaluate(() => window.remoteAssist.events())).filter((e) => e.type === 'stats' && e.at >= performance.timeOrigin + t0);
    const codec = viewerStats.at(-1)?.codec;
    const movingStats = stats.filter((s) => s.at >= t0);
    const med = (values: unknown[]) => median(values.filter((v): v is number => typeof v === 'number')).toFixed(1);
    const modes = movingStats.map((s) => s.mode ?? 'video');
    const videoSeconds = modes.filter((m) => m === 'video').length;
    if (videoSeconds > 0) log(`moving, video (${videoSeconds} s), medians per second: host encode ${med(movingStats.map((s) => s.encodeMs))} ms/frame, pacer ${med(movingStats.map((s) => s.sendDelayMs))} ms/packet, ${movingStats.reduce((n, s) => n + (s.keyFrames ?? 0), 0)} key frames for ${movingStats.reduce((n, s) => n + (s.pliReceived ?? 0), 0)} loss reports; viewer jitter buffer ${med(viewerStats.map((s) => s.jitterBufferMs))} ms, decode ${med(viewerStats.map((s) => s.decodeMs))} ms/frame, rtt ${med(viewerStats.map((s) => s.rttMs))} ms`);
    log(`moving: ${framesPainted} frames painted in ${movingSeconds.toFixed(1)} s at ${pictureSize.width}x${pictureSize.height}, scene drew ${scene.ticks} ticks so far; host sent ${med(movingStats.map((s) => s.kbpsSent))} kbit/s in all${videoSeconds > 0 ? `, video (${codec}) ${med(movingStats.map((s) => s.fps))} frames/s captured, ${med(movingStats.map((s) => s.encodedFps))} encoded` : ''} (medians)`);

    log(`moving, regions: ${modes.filter((m) => m === 'regions').length} of ${modes.length} seconds in regions mode; host sent ${med(movingStats.map((s) => s.regionFps))} region frames/s, ${med(movingStats.map((s) => s.regionKbps))} kbit/s, ${med(movingStats.map((s) => s.regionMs))} ms of host work per region frame (medians)`);

    // Idle: the scene stops; the screen is still.
    scene.stop();
    await sleep(3000);
    const idleFrom = performance.now();
    const cpu1 = cpuSeconds(hostPid);
    await sleep(IDLE_S * 1000);
    const idleSeconds = (performance.now() - idleFrom) / 1000;
    const cpuIdle = ((cpuSeconds(hostPid) - cpu1) / idleSeconds) * 100;
    const idleStats = stats.filter((s) => s.at >= idleFrom + 1000);
    const idleStatsSeconds = idleStats.reduce((sum, s) => sum + s.seconds, 0);
    const kbpsIdle = idleStats.reduce((sum, s) => sum + s.kbpsSent * s.seconds, 0) / Math.max(1, idleStatsSeconds);
    log(`idle: host ${cpuIdle.toFixed(2)} % of a core, ${kbpsIdle.toFixed(1)} kbit/s over ${idleStats.length} reports (${idleStatsSeconds.toFixed(1)} s)`);

    // Local ESC: a key press from another X client (as the sharer's keyboard), timed to the extension event.
    const escapes = await measureEscape(xvfb.display, supervisor, controls);
    log(`local ESC → control revoked event at the extension: p50 ${percentile(escapes, 50).toFixed(1)} ms, max ${Math.max(...escapes).toFixed(1)} ms over ${escapes.length} presses`);
    log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores shared with other work)`);

    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    const summary = {
      bench: 'host',
      preset: PRESET.toLowerCase(),
      width: WIDTH,
      height: HEIGHT,
      fps: round(fps),
      latency_p50_ms: round(percentile(latencies, 50)),
      latency_p95_ms: round(percentile(latencies, 95)),
      latency_samples: latencies.length,
      latency_negative: negative,
      latency_unmatched: unmatched,
      cpu_pct_moving: round(cpuMoving),
      cpu_pct_idle: round(cpuIdle, 2),
      kbps_idle: round(kbpsIdle),
    };
    saveRun('host', startedAt, summary, { quality: QUALITY, clockUncertaintyMs: clock.uncertaintyMs, latencies, escapesMs: escapes });
    log(JSON.stringify(summary));
  } finally {
    for (const step of cleanup) await step();
  }
}

function median(values: number[]): number {
  return percentile(values, 50);
}

async function measureEscape(displayName: string, supervisor: HostSupervisor, controls: { granted: boolean; at: number }[]): Promise<number[]> {
  const x = await X11Display.connect(displayName);
  const xtest = await x.extension<{ FakeInput(type: number, detail: number, time: number, wid: number, px: number, py: number): void; KeyPress: number; KeyRelease: number }>('xtest');
  const escapeKeycode = 9;
  const results: number[] = [];
  try {
    for (let i = 0; i < 10; i++) {
      supervisor.grantControl();
      await until('control granted', () => controls.at(-1)?.granted === true);
      await sleep(100);
      const before = controls.length;
      const pressedAt = performance.now();
      xtest.FakeInput(xtest.KeyPress, escapeKeycode, 0, x.root, 0, 0);
      xtest.FakeInput(xtest.KeyRelease, escapeKeycode, 0, x.root, 0, 0);
      await until('control revoked by ESC', () => controls.length > before && controls.at(-1)?.granted === false, 5000);
      results.push((controls.at(-1) as { at: number }).at - pressedAt);
    }
  } finally {
    x.dispose();
  }
  return results;
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench:host failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
