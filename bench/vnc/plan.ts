/**
 * `npm run bench` options and how long a run will take. Command-line options are another spelling of the
 * BENCH_* environment variables (`--scenes-4k=a,b` sets BENCH_SCENES_4K), so one code path reads them;
 * `--plan` prints the estimate and runs nothing. The estimate adds, per size, system and round, a start and
 * connect and each scene's wall time: fixed parts (warm-up, ramps, pixel check, app set-up) measured in
 * smoke runs on this 2-core machine (SceneRun.wallMs), plus the scene's own seconds, idle seconds and trials.
 */
import type { SceneName, SceneOptions } from './scenes';

const FLAGS: Record<string, string> = {
  rounds: 'BENCH_ROUNDS',
  trials: 'BENCH_TRIALS',
  seconds: 'BENCH_SECONDS',
  'idle-seconds': 'BENCH_IDLE_S',
  sizes: 'BENCH_SIZES',
  scenes: 'BENCH_SCENES',
  'scenes-4k': 'BENCH_SCENES_4K',
  systems: 'BENCH_SYSTEMS',
  'systems-4k': 'BENCH_SYSTEMS_4K',
  quality: 'BENCH_QUALITY',
};

/** Sets the BENCH_* variable of each `--name=value` (or `--name value`); `--plan` sets BENCH_PLAN_ONLY. */
export function applyCliOptions(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`npm run bench: unexpected argument "${argv[i]}" (options: --${Object.keys(FLAGS).join(', --')}, --plan, --debug)`);
    const [, name, inline] = m;
    if (name === 'plan') process.env.BENCH_PLAN_ONLY = '1';
    else if (name === 'debug') process.env.BENCH_DEBUG = '1';
    else if (FLAGS[name]) process.env[FLAGS[name]] = inline ?? argv[++i];
    else throw new Error(`npm run bench: unknown option --${name} (options: --${Object.keys(FLAGS).join(', --')}, --plan, --debug)`);
  }
}

/**
 * Seconds of one scene beyond its own length at 1080p — warm-up, ramps, the pixel check, app work — from the
 * smoke runs' SceneRun.wallMs (load 9–17 on 2 cores, so on the safe side for a quiet machine).
 */
const FIXED_S: Record<SceneName, number> = {
  latency: 1.5,
  motion: 4,
  drag: 5,
  buildlog: 5,
  typing: 3,
  idle: 3,
  rtt: 1,
  editor: 11,
  photos: 6,
  video: 12,
};
/**
 * A pixel check that never matches waits until nothing has changed for 3 s: x11vnc leaves JPEG residue after
 * photo-like content and fails most later scenes of a round, X0tigervnc the editor's and photos' (their Tight
 * JPEG); averaged over the matrix, about this much per scene.
 */
const PIXEL_FAIL_ALLOWANCE_S = 1.5;

/** Seconds of the scene's own measured part for these options. */
function ownSeconds(scene: SceneName, o: SceneOptions): number {
  switch (scene) {
    case 'latency':
      return o.trials * 0.35;
    case 'rtt':
      return (o.trials + 1) * 0.45;
    case 'idle':
      return o.idleSeconds;
    case 'editor':
      return 2 * o.seconds + o.idleSeconds;
    default:
      return o.seconds;
  }
}

export interface RunShape {
  rounds: number;
  sizes: { width: number; height: number }[];
  scenes: SceneName[];
  scenes4k: SceneName[];
  systems: number;
  systems4k: number;
  options: SceneOptions;
}

/** Start, connect (ours takes longer to its first exact picture) and stop of one system, averaged over the matrix. */
const START_S = 6;
/** 4K: starts, pixel checks and the apps' drawing take about this much longer (smoke runs). */
const LARGE_FACTOR = 1.8;
/** code-server and the two Chromium windows, started once per size, and the video clip made once (cached after). */
const APPS_SETUP_S = 40;

export function estimate(shape: RunShape): { minutes: number; text: string } {
  let seconds = 0;
  const parts: string[] = [];
  for (const size of shape.sizes) {
    const large = size.width * size.height > 1920 * 1080;
    const scenes = large ? shape.scenes4k : shape.scenes;
    const systems = large ? shape.systems4k : shape.systems;
    const perSystemRound = START_S * (large ? LARGE_FACTOR : 1) + scenes.reduce((sum, s) => sum + (FIXED_S[s] + PIXEL_FAIL_ALLOWANCE_S) * (large ? LARGE_FACTOR : 1) + ownSeconds(s, shape.options), 0);
    const apps = scenes.some((s) => s === 'editor' || s === 'photos' || s === 'video') ? APPS_SETUP_S * (large ? LARGE_FACTOR : 1) : 0;
    const sizeSeconds = perSystemRound * systems * shape.rounds + apps;
    seconds += sizeSeconds;
    parts.push(`${size.width}x${size.height}: ${systems} systems × ${scenes.length} scenes × ${shape.rounds} rounds ≈ ${(sizeSeconds / 60).toFixed(0)} min`);
  }
  const minutes = Math.round(seconds / 60);
  return { minutes, text: `${parts.join('; ')}; total ≈ ${minutes} min on a quiet 2-core machine` };
}
