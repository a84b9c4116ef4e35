/**
 * Turns a raw results file of `npm run bench` into figures: per size, system and scene the median with a 95 %
 * bootstrap interval over the runs, the headline comparisons (default vs default, best-tuned vs best-tuned),
 * issue 14's targets, the markdown tables (bench/results/vs-vnc.md) and the one-line JSON summary.
 * A win is claimed only where the intervals separate.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { PixelCheck, SceneRun } from './scenes';
import type { StageCosts } from './StageProfile';
import { bootstrap, Interval, percentile, round, separated } from './stats';
import type { SystemSpec } from './SystemUnderTest';

export const RESULTS_DIR = path.join(__dirname, '..', 'results');

export interface RawRun {
  bench: 'vs-vnc';
  startedAt: string;
  finishedAt: string;
  load: { start: string; end: string; samples: { at: string; load1: number }[] };
  cpus: number;
  settings: Record<string, string | number>;
  versions: Record<string, string>;
  systems: SystemSpec[];
  /** `stages`: when each stage of connecting was reached, ms from the system's start (runs since connect stages were recorded). */
  connects: { system: string; round: number; size: string; ms: number; pixel: PixelCheck; stages?: Record<string, number> }[];
  runs: SceneRun[];
  /** The 1080p stage profile (see stagesBySize). */
  stages?: StageCosts;
  /** The stage profile at each size ours ran at (runs since 4K stages were measured). */
  stagesBySize?: Record<string, StageCosts>;
  errors: string[];
}

/** One figure of one system: how to read it from the scene runs, and which way is better. */
interface Metric {
  readonly key: string;
  readonly label: string;
  readonly scene: SceneRun['scene'] | 'connect';
  readonly better: 'lower' | 'higher';
  /** Samples of one run (latencies) or a single per-run value. */
  readonly samples: (run: SceneRun) => number[];
  readonly stat?: (pooled: number[]) => number;
  readonly digits?: number;
}

const median = (xs: number[]): number => percentile(xs, 50);
const p95 = (xs: number[]): number => percentile(xs, 95);
const one = (v: number | undefined): number[] => (v === undefined || !Number.isFinite(v) ? [] : [v]);

export const METRICS: readonly Metric[] = [
  { key: 'connect_ms', label: 'connected (first exact picture), ms', scene: 'connect', better: 'lower', samples: () => [], digits: 0 },
  { key: 'latency_p50', label: 'latency p50, ms (still screen)', scene: 'latency', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'latency_p95', label: 'latency p95, ms (still screen)', scene: 'latency', better: 'lower', samples: (r) => r.latencyMs ?? [], stat: p95 },
  // the same changes until the viewer's canvas held them, without the display's wait for its next frame
  { key: 'paint_latency_p50', label: 'latency to the canvas p50, ms (still screen; no display refresh)', scene: 'latency', better: 'lower', samples: (r) => r.paintLatencyMs ?? [] },
  { key: 'motion_fps', label: 'frames painted /s (full-screen scroll)', scene: 'motion', better: 'higher', samples: (r) => one(r.fps) },
  { key: 'motion_latency_p50', label: 'latency under scroll p50, ms', scene: 'motion', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'motion_latency_p95', label: 'latency under scroll p95, ms', scene: 'motion', better: 'lower', samples: (r) => r.latencyMs ?? [], stat: p95 },
  { key: 'motion_cpu_ms_per_frame', label: 'sharer CPU per painted frame, ms', scene: 'motion', better: 'lower', samples: (r) => one(r.costs && r.fps ? (r.costs.sharerCpuPct * 10) / r.fps : undefined), digits: 2 },
  { key: 'motion_sharer_cpu', label: 'sharer CPU under scroll, % of a core', scene: 'motion', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct) },
  { key: 'motion_kbps', label: 'scroll, kbit/s on the wire (both ways)', scene: 'motion', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 0 },
  { key: 'drag_latency_p50', label: 'latency while dragging a window p50, ms', scene: 'drag', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'drag_sharer_cpu', label: 'sharer CPU while dragging, % of a core', scene: 'drag', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct) },
  { key: 'drag_kbps', label: 'dragging, kbit/s on the wire', scene: 'drag', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 0 },
  { key: 'buildlog_catchup_ms', label: 'build log: viewer exact after the log stops, ms', scene: 'buildlog', better: 'lower', samples: (r) => one(r.pixel?.exact ? r.pixel.settleMs : undefined), digits: 0 },
  { key: 'buildlog_sharer_cpu', label: 'build log: sharer CPU, % of a core', scene: 'buildlog', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct) },
  { key: 'buildlog_kbps', label: 'build log: kbit/s on the wire', scene: 'buildlog', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 0 },
  { key: 'typing_kbps_both', label: 'typing: kbit/s on the wire, both ways', scene: 'typing', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps) },
  { key: 'typing_sharer_cpu', label: 'typing: sharer CPU, % of a core', scene: 'typing', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct), digits: 2 },
  { key: 'idle_cpu', label: 'idle: sharer CPU, % of a core', scene: 'idle', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct), digits: 2 },
  { key: 'idle_kbps', label: 'idle: kbit/s on the wire', scene: 'idle', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 2 },
  { key: 'rtt_p50', label: 'click round trip p50, ms', scene: 'rtt', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'viewer_cpu_motion', label: 'viewer (Chromium) CPU under scroll, % of a core', scene: 'motion', better: 'lower', samples: (r) => one(r.costs?.viewerCpuPct) },
  { key: 'editor_latency_p50', label: 'editor (VS Code): latency while scrolling a long file p50, ms', scene: 'editor', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'editor_latency_p95', label: 'editor: latency while scrolling p95, ms', scene: 'editor', better: 'lower', samples: (r) => r.latencyMs ?? [], stat: p95 },
  { key: 'editor_sharer_cpu', label: 'editor: sharer CPU while scrolling, % of a core', scene: 'editor', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct) },
  { key: 'editor_kbps', label: 'editor: scrolling, kbit/s on the wire', scene: 'editor', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 0 },
  { key: 'editor_typing_kbps', label: 'editor: typing, kbit/s on the wire, both ways', scene: 'editor', better: 'lower', samples: (r) => one(r.details?.typingKbps) },
  { key: 'editor_typing_cpu', label: 'editor: typing, sharer CPU, % of a core', scene: 'editor', better: 'lower', samples: (r) => one(r.details?.typingSharerCpuPct), digits: 2 },
  { key: 'editor_caret_cpu', label: 'editor: caret blinking (idle), sharer CPU, % of a core', scene: 'editor', better: 'lower', samples: (r) => one(r.details?.caretSharerCpuPct), digits: 2 },
  { key: 'editor_caret_kbps', label: 'editor: caret blinking (idle), kbit/s on the wire', scene: 'editor', better: 'lower', samples: (r) => one(r.details?.caretKbps), digits: 2 },
  { key: 'photos_latency_p50', label: 'photos page: latency while scrolling p50, ms', scene: 'photos', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'photos_sharer_cpu', label: 'photos page: sharer CPU while scrolling, % of a core', scene: 'photos', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct) },
  { key: 'photos_kbps', label: 'photos page: scrolling, kbit/s on the wire', scene: 'photos', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 0 },
  { key: 'video_fps', label: 'video (30 frames/s clip): frames painted /s', scene: 'video', better: 'higher', samples: (r) => one(r.fps) },
  { key: 'video_latency_p50', label: 'video: latency per frame p50, ms', scene: 'video', better: 'lower', samples: (r) => r.latencyMs ?? [] },
  { key: 'video_psnr_db', label: 'video: PSNR of viewer frames vs the clip, dB (100 = identical)', scene: 'video', better: 'higher', samples: (r) => r.psnrDb ?? [] },
  { key: 'video_sharer_cpu', label: 'video: sharer CPU, % of a core', scene: 'video', better: 'lower', samples: (r) => one(r.costs?.sharerCpuPct) },
  { key: 'video_kbps', label: 'video: kbit/s on the wire', scene: 'video', better: 'lower', samples: (r) => one(r.costs && r.costs.downKbps + r.costs.upKbps), digits: 0 },
];

export type Figures = Map<string, Interval>;

/** Every metric of one system at one size. */
export function figures(raw: RawRun, system: string, size: string): Figures {
  const out: Figures = new Map();
  for (const m of METRICS) {
    const groups =
      m.scene === 'connect'
        ? raw.connects.filter((c) => c.system === system && c.size === size && c.pixel.exact).map((c) => [c.ms])
        : raw.runs.filter((r) => r.system === system && r.size === size && r.scene === m.scene && !r.error).map(m.samples);
    if (groups.some((g) => g.length)) out.set(m.key, bootstrap(groups, m.stat ?? median));
  }
  return out;
}

/** How many scene ends were pixel-exact, of how many checked, and what the others showed. */
export function pixelTally(raw: RawRun, system: string): { exact: number; checked: number; video: number } {
  const checks = raw.runs.filter((r) => r.system === system && r.pixel).map((r) => r.pixel as PixelCheck);
  return { exact: checks.filter((c) => c.exact).length, checked: checks.length, video: checks.filter((c) => c.kind === 'video').length };
}

const fmt = (i: Interval | undefined, digits = 1): string =>
  !i || !Number.isFinite(i.value) ? '—' : `${i.value.toFixed(digits)} [${i.lo.toFixed(digits)}–${i.hi.toFixed(digits)}]`;

const sizesOf = (raw: RawRun): string[] => [...new Set(raw.runs.map((r) => r.size))];
const isOurs = (raw: RawRun, id: string): boolean => raw.systems.find((s) => s.id === id)?.kind === 'ours';

/** The system with the best value of `key` among `ids` (by the median). */
function best(all: Map<string, Figures>, ids: string[], key: string): { id: string; interval: Interval } | undefined {
  const metric = METRICS.find((m) => m.key === key) as Metric;
  let out: { id: string; interval: Interval } | undefined;
  for (const id of ids) {
    const i = all.get(id)?.get(key);
    if (!i || !Number.isFinite(i.value)) continue;
    if (!out || (metric.better === 'lower' ? i.value < out.interval.value : i.value > out.interval.value)) out = { id, interval: i };
  }
  return out;
}

function verdict(metric: Metric, ours: Interval | undefined, theirs: Interval | undefined): string {
  if (!ours || !theirs) return 'not measured';
  const s = separated(ours, theirs);
  if (s === 0) return 'no claim (intervals overlap)';
  const oursBetter = metric.better === 'lower' ? s < 0 : s > 0;
  return oursBetter ? '**ours better**' : '**VNC better**';
}

/** A headline table: per figure the best set-up of each side, and what that set-up costs when the screen is still. */
function comparison(title: string, all: Map<string, Figures>, oursIds: string[], vncIds: string[]): string[] {
  const lines = [`#### ${title}`, '', '| figure | ours | VNC | verdict | idle CPU of those set-ups, % of a core (ours / VNC) |', '| --- | --- | --- | --- | --- |'];
  const idle = (id: string | undefined): string => fmt(id === undefined ? undefined : all.get(id)?.get('idle_cpu'), 2);
  for (const m of METRICS) {
    const o = best(all, oursIds, m.key);
    const v = best(all, vncIds, m.key);
    if (!o && !v) continue;
    lines.push(`| ${m.label} | ${o ? `${fmt(o.interval, m.digits)} ${o.id}` : '—'} | ${v ? `${fmt(v.interval, m.digits)} ${v.id}` : '—'} | ${verdict(m, o?.interval, v?.interval)} | ${idle(o?.id)} / ${idle(v?.id)} |`);
  }
  return [...lines, ''];
}

/** Met only if the whole interval clears the target (against the other side's least favourable bound). */
function judge(ours: Interval | undefined, limit: { lo: number; hi: number } | undefined, better: 'lower' | 'higher'): string {
  if (!ours || !limit || !Number.isFinite(ours.value) || !Number.isFinite(limit.lo)) return 'not measured';
  if (better === 'lower') return ours.hi <= limit.lo ? 'met' : ours.lo > limit.hi ? '**missed**' : 'undecided (intervals straddle the target)';
  return ours.lo >= limit.hi ? 'met' : ours.hi < limit.lo ? '**missed**' : 'undecided (intervals straddle the target)';
}

const scaled = (i: Interval | undefined, k: number): { lo: number; hi: number } | undefined => i && { lo: i.lo * k, hi: i.hi * k };
const fixed = (v: number): { lo: number; hi: number } => ({ lo: v, hi: v });

/** Issue 14's targets: ours at Auto against the best VNC set-up per figure. */
export function targets(raw: RawRun): string[] {
  const vncIds = raw.systems.filter((s) => s.kind !== 'ours').map((s) => s.id);
  const lines = ['## Issue 14 targets: ours at Auto vs the best VNC set-up per figure', '', '| target | ours (Auto) | best VNC | verdict |', '| --- | --- | --- | --- |'];
  for (const size of sizesOf(raw)) {
    const all = new Map(raw.systems.map((s) => [s.id, figures(raw, s.id, size)]));
    const o = (key: string): Interval | undefined => all.get('ours-auto')?.get(key);
    const v = (key: string) => best(all, vncIds, key);
    const row = (label: string, key: string, limit: { lo: number; hi: number } | undefined, better: 'lower' | 'higher', digits = 1): void => {
      const b = v(key);
      lines.push(`| ${size}: ${label} | ${fmt(o(key), digits)} | ${b ? `${fmt(b.interval, digits)} ${b.id}` : '—'} | ${judge(o(key), limit, better)} |`);
    };
    const uhd = size !== '1920x1080';
    row('latency p50 ≤ ½ best VNC', 'latency_p50', scaled(v('latency_p50')?.interval, 0.5), 'lower');
    row(`latency p50 ≤ ${uhd ? 50 : 30} ms`, 'latency_p50', fixed(uhd ? 50 : 30), 'lower');
    // the same ratio without the 60 Hz display's 0–16.7 ms (the same for every system), which ½ cannot halve
    row('latency to the canvas p50 ≤ ½ best VNC (no display refresh)', 'paint_latency_p50', scaled(v('paint_latency_p50')?.interval, 0.5), 'lower');
    row('latency p95 ≤ 60 ms', 'latency_p95', fixed(60), 'lower');
    row('frames painted ≥ 2× best VNC', 'motion_fps', scaled(v('motion_fps')?.interval, 2), 'higher');
    if (uhd) row('frames painted ≥ 30 /s', 'motion_fps', fixed(30), 'higher');
    row('sharer CPU per painted frame ≤ best VNC', 'motion_cpu_ms_per_frame', v('motion_cpu_ms_per_frame')?.interval, 'lower', 2);
    if (!uhd) {
      row('typing bytes (both ways) ≤ best VNC', 'typing_kbps_both', v('typing_kbps_both')?.interval, 'lower');
      row('idle CPU ≤ 1 % of a core', 'idle_cpu', fixed(1), 'lower', 2);
    }
  }
  const t = pixelTally(raw, 'ours-auto');
  lines.push(`| every scene ends pixel-exact | ${t.exact} of ${t.checked} | — | ${t.checked && t.exact === t.checked ? 'met' : '**missed**'} |`, '');
  return lines;
}

interface Summary {
  [key: string]: string | number | boolean | null;
}

/** Issue 14's last line, exactly its keys in its order: ours at Auto against the best VNC (per figure, over every VNC set-up measured). */
export function summary(raw: RawRun): Summary {
  const { hd, uhd, ours, vnc } = lookups(raw);
  const pixels = pixelTally(raw, 'ours-auto');
  return {
    bench: 'vs-vnc',
    preset: 'auto',
    latency_p50_ms: ours(hd, 'latency_p50'),
    best_vnc_latency_p50_ms: vnc(hd, 'latency_p50'),
    fps: ours(hd, 'motion_fps'),
    best_vnc_fps: vnc(hd, 'motion_fps'),
    fps_4k: ours(uhd, 'motion_fps'),
    latency_4k_p50_ms: ours(uhd, 'latency_p50'),
    typing_kbps_both: ours(hd, 'typing_kbps_both'),
    best_vnc_typing_kbps_both: vnc(hd, 'typing_kbps_both'),
    idle_cpu_pct: ours(hd, 'idle_cpu', 2),
    cpu_ms_per_frame: ours(hd, 'motion_cpu_ms_per_frame', 2),
    best_vnc_cpu_ms_per_frame: vnc(hd, 'motion_cpu_ms_per_frame', 2),
    pixel_exact: pixels.checked > 0 && pixels.exact === pixels.checked,
    runs: Number(raw.settings.rounds),
  };
}

/** The figures beside the issue's line (printed on the line before it): p95, motion and developer scenes, 4K VNC, load. */
export function summaryExtra(raw: RawRun): Summary {
  const { hd, uhd, ours, vnc } = lookups(raw);
  const pair = (key: string, name = key): Summary => ({ [`${name}_1080p`]: ours(hd, key), [`best_vnc_${name}_1080p`]: vnc(hd, key), [`${name}_4k`]: ours(uhd, key), [`best_vnc_${name}_4k`]: vnc(uhd, key) });
  const pixels = pixelTally(raw, 'ours-auto');
  return {
    bench: 'vs-vnc-extra',
    latency_p95_ms: ours(hd, 'latency_p95'),
    best_vnc_latency_4k_p50_ms: vnc(uhd, 'latency_p50'),
    ...pair('paint_latency_p50'),
    best_vnc_fps_4k: vnc(uhd, 'motion_fps'),
    best_vnc_idle_cpu_pct: vnc(hd, 'idle_cpu', 2),
    ...pair('motion_latency_p50'),
    ...pair('drag_latency_p50'),
    ...pair('editor_latency_p50'),
    ...pair('photos_latency_p50'),
    ...pair('video_latency_p50'),
    ...pair('video_fps'),
    ...pair('video_psnr_db'),
    pixel_checks: `${pixels.exact}/${pixels.checked}`,
    load_avg_start: Number(raw.load.start.split(' ')[0]),
    load_avg_max: raw.load.samples.length ? Math.max(...raw.load.samples.map((s) => s.load1)) : null,
  };
}

function lookups(raw: RawRun) {
  const vncIds = raw.systems.filter((s) => s.kind !== 'ours').map((s) => s.id);
  const at = (size: string): Map<string, Figures> => new Map(raw.systems.map((s) => [s.id, figures(raw, s.id, size)]));
  return {
    hd: at('1920x1080'),
    uhd: at('3840x2160'),
    ours: (f: Map<string, Figures>, key: string, digits = 1): number | null => round(f.get('ours-auto')?.get(key)?.value, digits),
    vnc: (f: Map<string, Figures>, key: string, digits = 1): number | null => round(best(f, vncIds, key)?.interval.value, digits),
  };
}

/** Per size and round, the first scene whose pixel check failed (later failures of that round may be its leftovers). */
function firstFailures(raw: RawRun, system: string): SceneRun[] {
  const seen = new Set<string>();
  return raw.runs.filter((r) => {
    if (r.system !== system || !r.pixel || r.pixel.exact) return false;
    const key = `${r.size} ${r.round}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function markdown(raw: RawRun, file: string): string {
  const loads = raw.load.samples.map((s) => s.load1);
  const out = [
    `# Remote Assist vs x11vnc and TigerVNC (noVNC viewers) — run of ${raw.startedAt}`,
    '',
    `Generated from the raw file \`${file}\` by bench/vnc/report.ts. Figures are medians with 95 % bootstrap intervals over the runs ` +
      `(${raw.settings.rounds} interleaved rounds); a verdict is given only where the intervals separate.`,
    '',
    `Machine: ${raw.cpus} cores, shared with other work: load average at start ${raw.load.start}, at end ${raw.load.end}; ` +
      `1-minute load while each system started: median ${percentile(loads, 50).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}.`,
    '',
    ...Object.entries(raw.versions).map(([k, v]) => `- ${k}: ${v}`),
    ...Object.entries(raw.settings).map(([k, v]) => `- ${k}: ${v}`),
    ...raw.systems.map((s) => `- system \`${s.id}\`: ${s.kind} ${s.tuning}${s.preset ? `, preset ${s.preset}` : ''}${s.args?.length ? `, ${s.args.join(' ')}` : ''}`),
    '',
  ];
  out.push(...targets(raw));
  for (const size of sizesOf(raw)) {
    const all = new Map(raw.systems.map((s) => [s.id, figures(raw, s.id, size)]));
    const ids = raw.systems.map((s) => s.id).filter((id) => raw.runs.some((r) => r.system === id && r.size === size));
    out.push(`## ${size}`, '', `| figure | ${ids.join(' | ')} |`, `| --- | ${ids.map(() => '---').join(' | ')} |`);
    for (const m of METRICS) {
      if (!ids.some((id) => all.get(id)?.has(m.key))) continue;
      out.push(`| ${m.label} | ${ids.map((id) => fmt(all.get(id)?.get(m.key), m.digits)).join(' | ')} |`);
    }
    out.push('');
    const oursIds = ids.filter((id) => isOurs(raw, id));
    const vncIds = ids.filter((id) => !isOurs(raw, id));
    const defaults = raw.systems.filter((s) => s.tuning === 'default').map((s) => s.id);
    out.push(...comparison(`${size}: defaults (ours at Auto vs each VNC server as installed; the better of them per figure)`, all, oursIds.filter((id) => defaults.includes(id)), vncIds.filter((id) => defaults.includes(id))));
    out.push(...comparison(`${size}: best vs best (every set-up of each side; the best per figure)`, all, oursIds, vncIds));
  }
  out.push(
    '## Pixel checks (viewer canvas = X framebuffer at the end of each scene)',
    '',
    'A system that leaves a wrong picture and never repairs it fails every later scene of that round too: "first failed in" counts only the scene where a round went wrong.',
    '',
    '| system | exact | checked | showing video | first failed in (rounds) |',
    '| --- | ---: | ---: | ---: | --- |',
  );
  for (const s of raw.systems) {
    const t = pixelTally(raw, s.id);
    const first = new Map<string, number>();
    for (const f of firstFailures(raw, s.id)) first.set(f.scene, (first.get(f.scene) ?? 0) + 1);
    out.push(`| ${s.id} | ${t.exact} | ${t.checked} | ${t.video} | ${[...first].map(([scene, n]) => `${scene} (${n})`).join(', ') || '—'} |`);
  }
  const failed = raw.runs.filter((r) => r.pixel && !r.pixel.exact);
  if (failed.length) out.push('', 'Not exact: ' + failed.map((r) => `${r.system} ${r.size} ${r.scene} round ${r.round + 1} (${r.pixel?.kind}, ${r.pixel?.rowsDifferent} rows)`).join('; '));
  for (const [size, stages] of Object.entries(raw.stagesBySize ?? (raw.stages ? { '1920x1080': raw.stages } : {}))) out.push('', stageLine(size, stages));
  if (raw.errors.length || raw.runs.some((r) => r.error)) {
    out.push('', '## Errors', '', ...raw.errors.map((e) => `- ${e}`), ...raw.runs.filter((r) => r.error).map((r) => `- ${r.size} ${r.system} ${r.scene} round ${r.round + 1}: ${r.error}`));
  }
  return `${out.join('\n')}\n`;
}

function stageLine(size: string, s: StageCosts): string {
  const video = `Our host's stages at ${size}, full-screen scroll, p50 per frame: video path capture ${s.captureMsP50.toFixed(1)} ms, conversion to I420 ${s.convertMsP50.toFixed(1)} ms (${s.frames} frames)`;
  const r = s.regions;
  if (!r) return `${video}.`;
  return `${video}; region path grab ${r.grabMsP50.toFixed(1)} ms, diff ${r.diffMsP50.toFixed(1)} ms, scroll detection ${r.scrollMsP50.toFixed(1)} ms, encode ${r.encodeMsP50.toFixed(1)} ms, CPU ${r.cpuMsP50.toFixed(1)} ms (${r.frames} frames).`;
}

/** Writes bench/results/vs-vnc.md for the raw file and returns the extra figures' line and the summary line. */
export function writeReports(file: string): string {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawRun;
  const rel = path.relative(path.join(RESULTS_DIR, '..', '..'), file);
  writeFileSync(path.join(RESULTS_DIR, 'vs-vnc.md'), markdown(raw, rel));
  return `${JSON.stringify(summaryExtra(raw))}\n${JSON.stringify(summary(raw))}`;
}
