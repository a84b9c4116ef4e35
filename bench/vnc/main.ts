/**
 * `npm run bench`: Remote Assist against x11vnc and TigerVNC's scraping server, each viewed in noVNC, in one
 * run (issue 14). The sharer's side (Xvfb, the servers, our host, this process) and the viewers' Chromium sit
 * in two network namespaces joined by a veth pair (MTU 1500), whose counters count every system's bytes alike.
 * Rounds interleave the systems (the order rotates each round); in a round each system is started fresh,
 * connected (= its viewer shows the X framebuffer pixel for pixel) and plays every scene.
 * Writes the raw results to bench/results/vs-vnc/<start time>.json (a file per run), then the tables
 * (bench/results/vs-vnc.md, README) from every raw file; the last stdout line is the issue's JSON.
 *
 * Options (bench/vnc/plan.ts; each also an environment variable): --rounds (BENCH_ROUNDS, 5), --trials (latency
 * and click trials per run, BENCH_TRIALS, 15), --seconds (scene length, BENCH_SECONDS, 5), --idle-seconds
 * (BENCH_IDLE_S, 10), --sizes (BENCH_SIZES, 1920x1080,3840x2160), --scenes (BENCH_SCENES, all: latency, motion,
 * drag, buildlog, typing, idle, rtt, editor, photos, video), --scenes-4k (BENCH_SCENES_4K, as --scenes),
 * --systems (BENCH_SYSTEMS, ids from MATRIX in SystemUnderTest.ts), --systems-4k (BENCH_SYSTEMS_4K, as
 * --systems), --quality (BENCH_QUALITY, a JSON Quality for ours instead of the preset), --debug (BENCH_DEBUG),
 * --plan (print the run's estimated duration and run nothing). Environment only: BENCH_NETNS (prefix of the
 * network namespaces' names, default rb: two checkouts side by side need two), BENCH_HOST_NODE (a node to run
 * our host with, e.g. a script adding --cpu-prof).
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { startXvfb } from '../../test/support/xvfb';
import { insideSharerNamespace, MTU, runInsideNamespaces, vethMtu } from './Netns';
import { buildHost, OursSystem } from './OursSystem';
import { xvfbPid } from './ProcessMeter';
import { RawRun, RESULTS_DIR, writeReports } from './report';
import { ScenePlayer } from './ScenePlayer';
import { pixelCheck, playScene, SceneContext, SceneName, SceneOptions, SceneRun, SCENES } from './scenes';
import { profileStages } from './StageProfile';
import { MATRIX, SystemSpec, SystemUnderTest } from './SystemUnderTest';
import { VncSystem } from './VncSystem';
import { DevDesk } from './DevDesk';
import { VideoPlayer } from './VideoPlayer';
import { applyCliOptions, estimate } from './plan';
import { qualityFor } from '../../src/session/QualityPresets';

const ROOT = path.join(__dirname, '..', '..');
const RAW_DIR = path.join(RESULTS_DIR, 'vs-vnc');

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return value;
};

function list<T extends string>(name: string, all: readonly T[], fallback: readonly T[] = all): T[] {
  const raw = process.env[name];
  if (!raw) return [...fallback];
  const items = raw.split(',').map((s) => s.trim()) as T[];
  for (const item of items) if (!all.includes(item)) throw new Error(`${name}: unknown "${item}" (known: ${all.join(', ')})`);
  return items;
}

const sh = (cmd: string): string => {
  try {
    return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    return `unavailable (${(err as Error).message.split('\n')[0]})`;
  }
};

/** What was measured, read now: the commit, the servers' own version strings and the Debian packages. */
function versions(): Record<string, string> {
  const git = (...args: string[]): string => sh(`git -C ${ROOT} ${args.join(' ')}`);
  const dirty = git('status', '--porcelain', '--', 'src/host', 'src/webview/viewer', 'src/protocol', 'src/session/QualityPresets.ts');
  return {
    commit: `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in the measured source' : ''}`,
    x11vnc: sh('x11vnc -version 2>&1 | head -1'),
    X0tigervnc: sh('X0tigervnc -version 2>&1 | head -1'),
    websockify: sh("dpkg-query -W -f '${Version}' websockify"),
    packages: sh("dpkg-query -W -f '${Package} ${Version}\\n' x11vnc libvncserver1 tigervnc-scraping-server websockify chromium xvfb xterm | tr '\\n' ';'"),
    novnc: (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@novnc', 'novnc', 'package.json'), 'utf8')) as { version: string }).version,
    node: process.version,
    kernel: sh('uname -r'),
  };
}

function checkTools(): void {
  for (const tool of ['x11vnc', 'X0tigervnc', 'websockify', 'Xvfb', 'xterm', 'xdotool', 'python3', 'ffmpeg', '/usr/bin/chromium']) {
    if (sh(`command -v ${tool}`).startsWith('unavailable')) {
      throw new Error(`${tool} is not installed (Debian: apt-get install -y x11vnc tigervnc-scraping-server websockify xvfb xterm xdotool python3 ffmpeg chromium)`);
    }
  }
}

const loadavg = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

function startSystem(spec: SystemSpec, display: string, width: number, height: number): Promise<SystemUnderTest> {
  return spec.kind === 'ours' ? OursSystem.start(spec, display, width, height) : VncSystem.start(spec, display, width, height);
}

async function main(): Promise<void> {
  const rounds = int('BENCH_ROUNDS', 5);
  const options: SceneOptions = { trials: int('BENCH_TRIALS', 15), seconds: int('BENCH_SECONDS', 5), idleSeconds: int('BENCH_IDLE_S', 10) };
  const sizes = (process.env.BENCH_SIZES ?? '1920x1080,3840x2160').split(',').map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (!m) throw new Error(`BENCH_SIZES: "${s}" is not WIDTHxHEIGHT`);
    return { width: Number(m[1]), height: Number(m[2]) };
  });
  const scenes = list<SceneName>('BENCH_SCENES', SCENES);
  const scenes4k = list<SceneName>('BENCH_SCENES_4K', SCENES, scenes);
  const ids = list('BENCH_SYSTEMS', MATRIX.map((s) => s.id));
  const systems = MATRIX.filter((s) => ids.includes(s.id));
  const ids4k = list('BENCH_SYSTEMS_4K', MATRIX.map((s) => s.id), ids);
  const systems4k = MATRIX.filter((s) => ids4k.includes(s.id));
  const plan = estimate({ rounds, sizes, scenes, scenes4k, systems: systems.length, systems4k: systems4k.length, options });
  log(`plan: ${plan.text}`);
  if (process.env.BENCH_PLAN_ONLY) {
    process.stdout.write(`${JSON.stringify({ bench: 'vs-vnc-plan', estimated_minutes: plan.minutes })}\n`);
    return;
  }
  checkTools();
  if (vethMtu() !== MTU) throw new Error(`the veth's MTU is ${vethMtu()}, not ${MTU}`);

  const raw: RawRun = {
    bench: 'vs-vnc',
    startedAt: new Date().toISOString(),
    finishedAt: '',
    load: { start: readFileSync('/proc/loadavg', 'utf8').trim(), end: '', samples: [] },
    cpus: readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0,
    settings: {
      rounds,
      ...options,
      // what each of our presets resolves to in this build (read now, not restated)
      ...Object.fromEntries(systems.filter((s) => s.kind === 'ours').map((s) => [`${s.id} quality`, JSON.stringify(qualityFor(s.preset ?? 'Auto'))])),
      mtu: MTU, scenes: scenes.join(','), scenes4k: scenes4k.join(','), systems4k: systems4k.map((s) => s.id).join(','), network: 'veth pair between two network namespaces; bytes = the veth counters (Ethernet frames), both directions' },
    versions: versions(),
    systems,
    connects: [],
    runs: [],
    errors: [],
  };
  log(`bench vs-vnc: ${rounds} rounds × ${systems.map((s) => s.id).join(', ')}; sizes ${sizes.map((s) => `${s.width}x${s.height}`).join(', ')}; load ${raw.load.start}`);
  if (systems.some((s) => s.kind === 'ours')) await buildHost();

  for (const { width, height } of sizes) {
    const size = `${width}x${height}`;
    const large = width * height > 1920 * 1080;
    const sizeScenes = large ? scenes4k : scenes;
    const sizeSystems = large ? systems4k : systems;
    const display = await startXvfb(width, height);
    let player: ScenePlayer | undefined;
    // the developer scenes' apps: started on first use, shared by every system and round at this size
    let desk: Promise<DevDesk> | undefined;
    let videoPlayer: Promise<VideoPlayer> | undefined;
    const apps = {
      desk: () => (desk ??= DevDesk.open(display.display, width, height, log)),
      video: () => (videoPlayer ??= VideoPlayer.open(display.display, { x: 0, y: 0, w: width / 2, h: height / 2 })),
    };
    try {
      player = await ScenePlayer.open(display.display);
      const xvfb = xvfbPid(display.display);
      for (let round = 0; round < rounds; round++) {
        // rotate the order each round, so no system always runs first, last or after the same neighbour
        const order = sizeSystems.map((_, i) => sizeSystems[(i + round) % sizeSystems.length]);
        for (const spec of order) {
          raw.load.samples.push({ at: new Date().toISOString(), load1: loadavg() });
          log(`${size} round ${round + 1}/${rounds} · ${spec.id} (load ${loadavg()})`);
          let system: SystemUnderTest | undefined;
          try {
            const t0 = performance.now();
            system = await startSystem(spec, display.display, width, height);
            const ctx: SceneContext = { system, player, xvfbPid: xvfb, log, apps };
            await system.viewer.setCells([]);
            const pixel = await pixelCheck(ctx, 30_000);
            const ms = performance.now() - t0;
            const stages = { ...system.connectStages, exact: Math.round(ms) };
            raw.connects.push({ system: spec.id, round, size, ms, pixel, stages });
            log(`  connect stages, ms: ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
            if (!pixel.exact) throw new Error(`the viewer never showed the screen exactly (${pixel.kind}, ${pixel.rowsDifferent} rows differ, ${pixel.firstRow}–${pixel.lastRow})`);
            for (const scene of sizeScenes) {
              const run: SceneRun = { scene, system: spec.id, round, size };
              try {
                Object.assign(run, await playScene(ctx, scene, options));
              } catch (err) {
                run.error = (err as Error).message.split('\n')[0];
              }
              log(`  ${scene}: ${run.error ?? summaryOf(run)}`);
              raw.runs.push(run);
            }
          } catch (err) {
            const message = `${size} round ${round + 1} ${spec.id}: ${(err as Error).message.split('\n')[0]}`;
            log(`  failed: ${message}`);
            raw.errors.push(message);
          } finally {
            await system?.dispose().catch((err: Error) => log(`  cleanup: ${err.message}`));
          }
        }
      }
      if (sizeSystems.some((s) => s.kind === 'ours')) {
        log(`stage profile at ${size} (host capture, conversion, region path)`);
        const stages = await profileStages(display.display, player, 60).catch((err: Error) => {
          raw.errors.push(`stage profile at ${size}: ${err.message}`);
          return undefined;
        });
        if (stages) (raw.stagesBySize ??= {})[size] = stages;
        if (size === '1920x1080') raw.stages = stages;
      }
    } finally {
      await (await desk?.catch(() => undefined))?.dispose();
      await (await videoPlayer?.catch(() => undefined))?.dispose();
      await player?.dispose();
      await display.stop();
    }
  }
  raw.finishedAt = new Date().toISOString();
  raw.load.end = readFileSync('/proc/loadavg', 'utf8').trim();
  mkdirSync(RAW_DIR, { recursive: true });
  const file = path.join(RAW_DIR, `${raw.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(raw)}\n`);
  log(`raw results: ${path.relative(ROOT, file)}`);
  process.stdout.write(`${writeReports(file)}\n`);
}

function summaryOf(run: SceneRun): string {
  const parts: string[] = [];
  if (run.latencyMs?.length) parts.push(`latency p50 ${[...run.latencyMs].sort((a, b) => a - b)[Math.floor(run.latencyMs.length / 2)].toFixed(1)} ms (${run.latencyMs.length}, ${run.missed ?? 0} missed)`);
  if (run.fps !== undefined) parts.push(`${run.fps.toFixed(1)} fps of ${run.sceneFps?.toFixed(1)}`);
  if (run.psnrDb?.length) parts.push(`PSNR ${run.psnrDb.map((p) => p.toFixed(1)).join('/')} dB`);
  if (run.costs) parts.push(`sharer ${run.costs.sharerCpuPct.toFixed(1)} %, ${(run.costs.downKbps + run.costs.upKbps).toFixed(0)} kbit/s`);
  if (run.pixel) parts.push(run.pixel.exact ? `pixel-exact after ${run.pixel.settleMs.toFixed(0)} ms` : `NOT exact (${run.pixel.kind}, ${run.pixel.rowsDifferent} rows)`);
  if (run.wallMs !== undefined) parts.push(`${(run.wallMs / 1000).toFixed(1)} s`);
  return parts.join('; ');
}

try {
  applyCliOptions(process.argv.slice(2));
} catch (err) {
  log((err as Error).message);
  process.exit(2);
}
if (insideSharerNamespace() || process.env.BENCH_PLAN_ONLY) {
  main().then(
    // libwebrtc (loaded for the stage profile) can crash while the event loop drains: leave explicitly
    () => process.exit(0),
    (err: Error) => {
      log(`bench failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
} else {
  runInsideNamespaces().then(
    (code) => process.exit(code),
    (err: Error) => {
      log(`bench failed: ${err.message}`);
      process.exit(1);
    },
  );
}
