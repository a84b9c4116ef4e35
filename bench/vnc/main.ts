/**
 * `npm run bench`: Remote Assist against x11vnc + noVNC, side by side in one run (issue 8). One 1920×1080
 * Xvfb display and one scene player; for each scene each system is started fresh, measured and stopped,
 * alternating which goes first so a change in the machine's load does not favour one side.
 * Writes bench/results/vs-vnc.{md,json,png}; the tables go to stdout and the last line is the JSON summary.
 *
 * Environment: BENCH_TRIALS (latency and click trials, default 50), BENCH_IDLE_S (30), BENCH_MOTION_S (10),
 * BENCH_SCENES (comma list of latency,motion,typing,idle,rtt), BENCH_SYSTEMS (ours,vnc),
 * BENCH_PRESET (the product's quality preset for our host: Auto, Low, Balanced, Best; default Best, the LAN
 * setting, as both run on one machine), BENCH_QUALITY (a JSON Quality instead of a preset), BENCH_DEBUG.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Quality } from '../../src/protocol/host';
import { QUALITY_PRESETS, qualityFor } from '../../src/session/QualityPresets';
import { startXvfb } from '../../test/support/xvfb';
import { buildHost, OursSystem } from './OursSystem';
import { BenchResults, chartSvg, markdownTables, renderPng, summaryJson, SystemResults } from './report';
import { ScenePlayer } from './ScenePlayer';
import { idleScene, inputRttScene, latencyScene, motionScene, SceneContext, typingScene } from './scenes';
import { profileStages } from './StageProfile';
import { mean } from './stats';
import { SystemName, SystemUnderTest } from './SystemUnderTest';
import { VncSystem } from './VncSystem';

const WIDTH = 1920;
const HEIGHT = 1080;
const RESULTS = path.join(__dirname, '..', 'results');
const TYPED = 'The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. 0123456789 ';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return value;
};

type SceneName = 'latency' | 'motion' | 'typing' | 'idle' | 'rtt';
const ALL_SCENES: SceneName[] = ['latency', 'motion', 'typing', 'idle', 'rtt'];

function list<T extends string>(name: string, all: readonly T[]): T[] {
  const raw = process.env[name];
  if (!raw) return [...all];
  const items = raw.split(',').map((s) => s.trim()) as T[];
  for (const item of items) if (!all.includes(item)) throw new Error(`${name}: unknown "${item}" (known: ${all.join(', ')})`);
  return items;
}

/** Which code was measured: the commit, and whether the host or viewer had uncommitted changes. */
function sourceState(): string {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'src/host', 'src/webview/viewer', 'src/protocol');
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/host, src/webview/viewer or src/protocol' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function checkTools(): void {
  for (const tool of ['x11vnc', 'Xvfb', 'xterm', 'xdotool', '/usr/bin/chromium']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is not installed (Debian: apt-get install -y x11vnc xvfb xterm xdotool chromium)`);
    }
  }
}

async function main(): Promise<void> {
  checkTools();
  const trials = int('BENCH_TRIALS', 50);
  const idleSeconds = int('BENCH_IDLE_S', 30);
  const motionSeconds = int('BENCH_MOTION_S', 10);
  const scenes = list('BENCH_SCENES', ALL_SCENES);
  const systems = list<SystemName>('BENCH_SYSTEMS', ['vnc', 'ours']);
  const preset = process.env.BENCH_PRESET ?? 'Best';
  if (!(QUALITY_PRESETS as readonly string[]).includes(preset)) throw new Error(`BENCH_PRESET must be one of ${QUALITY_PRESETS.join(', ')}`);
  const quality = Quality.parse(process.env.BENCH_QUALITY ? JSON.parse(process.env.BENCH_QUALITY) : qualityFor(preset));

  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    load: { start: readFileSync('/proc/loadavg', 'utf8').trim(), end: '', otherCpuPctMean: NaN },
    settings: {
      display: `${WIDTH}x${HEIGHT}x24 Xvfb`,
      latencyTrials: trials,
      clickTrials: trials,
      motionSeconds,
      idleSeconds,
      typing: '10 characters per second, xdotool into xterm',
      oursQuality: `${process.env.BENCH_QUALITY ? 'BENCH_QUALITY' : `preset ${preset}`} ${JSON.stringify(quality)}`,
      vnc: 'x11vnc 0.9.16 defaults (-localhost -nopw -forever -shared), noVNC @novnc/novnc defaults (tight, quality 6, compression 2), 1:1',
      measuredSource: sourceState(),
      cpus: String(readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?'),
    },
    systems: { ours: { errors: [], clockUncertaintyMs: 0 }, vnc: { errors: [], clockUncertaintyMs: 0 } },
  };
  log(`bench vs-vnc: scenes ${scenes.join(',')}; systems ${systems.join(',')}; load ${results.load.start}`);

  mkdirSync(RESULTS, { recursive: true });
  if (systems.includes('ours')) {
    try {
      await buildHost();
    } catch (err) {
      // the VNC side is still worth measuring; the report names why ours is missing
      results.systems.ours.errors.push(`host build: ${(err as Error).message.split('\n')[0]}`);
      systems.splice(systems.indexOf('ours'), 1);
    }
  }
  const display = await startXvfb(WIDTH, HEIGHT);
  const others: number[] = [];
  let player: ScenePlayer | undefined;
  try {
    player = await ScenePlayer.open(display.display);
    for (const [i, scene] of scenes.entries()) {
      const order = i % 2 === 0 ? systems : [...systems].reverse();
      for (const name of order) {
        const r: SystemResults = results.systems[name];
        log(`${scene} · ${name}`);
        let system: SystemUnderTest | undefined;
        try {
          system = name === 'vnc' ? await VncSystem.start(display.display, WIDTH, HEIGHT) : await OursSystem.start(display.display, WIDTH, HEIGHT, quality);
          r.clockUncertaintyMs = Math.max(r.clockUncertaintyMs, system.viewer.uncertaintyMs);
          const ctx: SceneContext = { system, player, log };
          switch (scene) {
            case 'latency':
              r.latency = await latencyScene(ctx, trials);
              others.push(r.latency.costs.otherCpuPct);
              break;
            case 'motion':
              r.motion = await motionScene(ctx, motionSeconds);
              others.push(r.motion.costs.otherCpuPct);
              break;
            case 'typing':
              r.typing = await typingScene(ctx, TYPED, path.join(RESULTS, `vs-vnc-typing-${name}.jpg`));
              others.push(r.typing.otherCpuPct);
              break;
            case 'idle':
              r.idle = await idleScene(ctx, idleSeconds);
              others.push(r.idle.otherCpuPct);
              break;
            case 'rtt':
              r.rtt = await inputRttScene(ctx, trials);
              break;
          }
        } catch (err) {
          const message = `${scene}: ${(err as Error).message.split('\n')[0]}`;
          log(`  failed: ${message}`);
          r.errors.push(message);
        } finally {
          await system?.dispose().catch((err: Error) => log(`  cleanup: ${err.message}`));
        }
      }
    }
    if (systems.includes('ours')) {
      log('stage profile (host capture and conversion)');
      results.stages = await profileStages(display.display, player, 60).catch((err: Error) => {
        results.systems.ours.errors.push(`stage profile: ${err.message}`);
        return undefined;
      });
    }
  } finally {
    await player?.dispose();
    await display.stop();
  }
  results.finishedAt = new Date().toISOString();
  results.load.end = readFileSync('/proc/loadavg', 'utf8').trim();
  results.load.otherCpuPctMean = mean(others);

  const tables = markdownTables(results);
  const header = [
    `# Remote Assist vs x11vnc + noVNC — ${results.startedAt}`,
    '',
    `Generated by \`npm run bench\` (bench/vnc/main.ts). Load average at start ${results.load.start}, at end ${results.load.end}; ` +
      `the rest of the machine kept ${results.load.otherCpuPctMean.toFixed(0)} % of a core busy on average during the scenes (${results.settings.cpus} cores). ` +
      `Page clocks calibrated to within ${Math.max(results.systems.ours.clockUncertaintyMs, results.systems.vnc.clockUncertaintyMs).toFixed(1)} ms.`,
    '',
    ...Object.entries(results.settings).map(([k, v]) => `- ${k}: ${v}`),
    '',
  ].join('\n');
  writeFileSync(path.join(RESULTS, 'vs-vnc.md'), `${header}\n${tables}\n\n![chart](vs-vnc.png)\n`);
  writeFileSync(path.join(RESULTS, 'vs-vnc.json'), JSON.stringify(results, null, 1));
  await renderPng(chartSvg(results), path.join(RESULTS, 'vs-vnc.png'));
  process.stdout.write(`${tables}\n\n${summaryJson(results)}\n`);
}

main().then(
  // libwebrtc (loaded for the stage profile) can crash while the event loop drains: leave explicitly
  () => process.exit(0),
  (err: Error) => {
    log(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
