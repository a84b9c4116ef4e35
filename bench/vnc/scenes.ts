/**
 * The five scenes, each played on the shared display while one system shows it: latency, full motion,
 * typing, idle, input round trip. Every wait is a poll with a deadline; gaps between trials are spacing,
 * not assertions.
 */
import { cpuPercent, machineBusy, memoryMiB, sampleCpu } from './ProcessMeter';
import { LAYOUT, nowMs, ScenePlayer } from './ScenePlayer';
import type { Observation } from './page/probe';
import { SystemUnderTest } from './SystemUnderTest';

export interface Costs {
  /** CPU of the sharing side's processes, % of one core. */
  sharerCpuPct: number;
  /** CPU of the viewer (the whole headless Chromium), % of one core. */
  viewerCpuPct: number;
  sharerMemMiB: number;
  viewerMemMiB: number;
  /** Sharer → viewer bytes per second of the protocol's payload (RFB; ours: DTLS records). */
  downBytesPerSec: number;
  upBytesPerSec: number;
  /** The same as IP packets on the wire: headers of every packet (TCP ACKs, UDP datagrams) included. */
  downIpBytesPerSec: number;
  upIpBytesPerSec: number;
  /** Everything else busy on the machine meanwhile (other engineers), % of one core. */
  otherCpuPct: number;
  seconds: number;
}

export interface LatencyTrial {
  ms: number;
  /** WebRTC only: X change → last packet of the frame received, and receive → on screen. */
  toReceiveMs?: number;
  receiveToShownMs?: number;
  decodeMs?: number;
}

export interface LatencyResult {
  /** Untimed-for-the-figures changes right after connecting (WebRTC starts at a low bandwidth estimate). */
  warmupMs: number[];
  trials: LatencyTrial[];
  missed: number;
  costs: Costs;
  /** Change of the system's counters over the scene (ours: frames the host encoded vs received). */
  details: Record<string, number>;
}

export interface MotionResult {
  /** Distinct scene frames the viewer painted per second. */
  fps: number;
  /** Frames per second the scene player drew. */
  sceneFps: number;
  costs: Costs;
  details: Record<string, number>;
}

export interface RttTrial {
  ms: number;
  /** viewer click → ButtonPress at the X client */
  inputLegMs: number;
  /** ButtonPress → the viewer shows the new colour */
  displayLegMs: number;
  /** WebRTC only: ButtonPress → last packet of the frame with the new colour received */
  pressToReceiveMs?: number;
}

export interface RttResult {
  trials: RttTrial[];
  missed: number;
}

export interface SceneContext {
  readonly system: SystemUnderTest;
  readonly player: ScenePlayer;
  readonly log: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when every channel of `a` is within `tolerance` of `b`'s. */
function near(a: number, b: number, tolerance = 60): boolean {
  return [16, 8, 0].every((s) => Math.abs(((a >> s) & 255) - ((b >> s) & 255)) <= tolerance);
}

/** Measures CPU, memory and bytes of both sides around `body`. */
async function measured<T>(ctx: SceneContext, body: () => Promise<T>): Promise<{ value: T; costs: Costs }> {
  const sharer = ctx.system.sharerPids();
  const viewer = [ctx.system.viewer.pid];
  const bytes0 = await ctx.system.wireBytes();
  const machine0 = machineBusy();
  const s0 = sampleCpu(sharer);
  const v0 = sampleCpu(viewer);
  const t0 = performance.now();
  const value = await body();
  const s1 = sampleCpu(sharer);
  const v1 = sampleCpu(viewer);
  const machine1 = machineBusy();
  const seconds = (performance.now() - t0) / 1000;
  const bytes1 = await ctx.system.wireBytes();
  const sharerCpuPct = cpuPercent(s0, s1);
  const viewerCpuPct = cpuPercent(v0, v1);
  const machinePct = (100 * (machine1.busy - machine0.busy)) / seconds;
  return {
    value,
    costs: {
      sharerCpuPct,
      viewerCpuPct,
      sharerMemMiB: memoryMiB(sharer),
      viewerMemMiB: memoryMiB(viewer),
      downBytesPerSec: (bytes1.down - bytes0.down) / seconds,
      upBytesPerSec: (bytes1.up - bytes0.up) / seconds,
      downIpBytesPerSec: (bytes1.downIp - bytes0.downIp) / seconds,
      upIpBytesPerSec: (bytes1.upIp - bytes0.upIp) / seconds,
      // the bench process, Xvfb and the scene's own clients are counted as "other" too
      otherCpuPct: Math.max(0, machinePct - sharerCpuPct - viewerCpuPct),
      seconds,
    },
  };
}

/** Polls the page until an observation satisfies `match`, or the deadline passes. */
async function waitForObservation(
  ctx: SceneContext,
  match: (o: Observation) => boolean,
  timeoutMs: number,
): Promise<{ observation?: Observation; clicks: number[]; last?: Observation; ticks: number }> {
  const deadline = Date.now() + timeoutMs;
  const clicks: number[] = [];
  let last: Observation | undefined;
  let ticks = 0;
  while (Date.now() < deadline) {
    const drained = await ctx.system.viewer.drain();
    ticks += drained.ticks;
    clicks.push(...drained.clicks);
    const observation = drained.observations.find(match);
    if (observation) return { observation, clicks, ticks };
    last = drained.observations.at(-1) ?? last;
    await sleep(20); // page timestamps give the precision; polling slower only saves CPU
  }
  return { clicks, last, ticks };
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

const PALETTE = [0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff, 0xff00ff, 0xffffff, 0x000000];

/** One patch change: when it was made and the observation that showed it (undefined after 3 s). */
async function patchTrial(ctx: SceneContext, colour: number): Promise<{ changedAt: number; observation?: Observation }> {
  await ctx.system.viewer.drain();
  const changedAt = await ctx.player.setPatch(colour);
  const { observation, last, ticks } = await waitForObservation(ctx, (o) => near(o.values[0], colour), 3000);
  if (!observation) {
    const seen = last ? `#${last.values[0].toString(16).padStart(6, '0')}` : 'no change at all';
    ctx.log(`  patch #${colour.toString(16).padStart(6, '0')} not shown within 3 s (last seen: ${seen}; ${ticks} frames painted meanwhile)`);
  }
  return { changedAt, observation };
}

const WARMUP_TRIALS = 5;

export async function latencyScene(ctx: SceneContext, trials: number): Promise<LatencyResult> {
  const { system } = ctx;
  await system.viewer.setCells([LAYOUT.patch]);
  const warmupMs: number[] = [];
  for (let i = 0; i < WARMUP_TRIALS; i++) {
    const { changedAt, observation } = await patchTrial(ctx, i % 2 ? 0x808080 : 0x404040);
    warmupMs.push(observation ? observation.t - changedAt : NaN);
    await sleep(300);
  }
  const details0 = await system.details();
  const { value, costs } = await measured(ctx, async () => {
    const out: LatencyTrial[] = [];
    let missed = 0;
    for (let i = 0; i < trials; i++) {
      const { changedAt, observation } = await patchTrial(ctx, PALETTE[i % PALETTE.length]);
      if (!observation) {
        missed++;
        continue;
      }
      const f = observation.frame;
      out.push({
        ms: observation.t - changedAt,
        toReceiveMs: f?.receiveMs === undefined ? undefined : f.receiveMs - changedAt,
        receiveToShownMs: f?.receiveMs === undefined ? undefined : observation.t - f.receiveMs,
        decodeMs: f?.processingMs,
      });
      // spacing so trials do not overlap; randomised so they do not lock to a capture or poll period
      await sleep(150 + Math.random() * 200);
    }
    return { out, missed };
  });
  ctx.log(`  latency: ${value.out.length} trials, ${value.missed} missed; warm-up ${warmupMs.map((m) => m.toFixed(0)).join(' ')} ms`);
  return { warmupMs, trials: value.out, missed: value.missed, costs, details: delta(details0, await system.details()) };
}

function decodeMarker(values: number[]): number {
  let n = 0;
  for (const v of values) {
    const luma = ((v >> 16) & 255) * 0.3 + ((v >> 8) & 255) * 0.59 + (v & 255) * 0.11;
    n = (n << 1) | (luma > 128 ? 1 : 0);
  }
  return n;
}

export async function motionScene(ctx: SceneContext, seconds: number): Promise<MotionResult> {
  const { system, player } = ctx;
  const cells = Array.from({ length: LAYOUT.markerBits }, (_, bit) => LAYOUT.markerCell(bit));
  await system.viewer.setCells(cells);
  player.startMotion(60);
  try {
    // let both systems reach a steady state before counting (WebRTC's bandwidth estimate ramps up)
    await sleep(3000);
    await system.viewer.drain();
    const details0 = await system.details();
    const framesStart = player.framesDrawn();
    const { value, costs } = await measured(ctx, async () => {
      const seen = new Set<number>();
      const end = Date.now() + seconds * 1000;
      while (Date.now() < end) {
        await sleep(250);
        for (const o of (await system.viewer.drain()).observations) seen.add(decodeMarker(o.values));
      }
      return seen.size;
    });
    const details = delta(details0, await system.details());
    return { fps: value / costs.seconds, sceneFps: (player.framesDrawn() - framesStart) / costs.seconds, costs, details };
  } finally {
    await player.stopMotion();
  }
}

/** Types `text` into an xterm; `screenshot` (a path) keeps what the viewer showed at the end. */
export async function typingScene(ctx: SceneContext, text: string, screenshot?: string): Promise<Costs> {
  const { system, player } = ctx;
  await system.viewer.setCells([]);
  await player.openXterm();
  try {
    await sleep(1500); // the xterm's first paint is not typing
    const { costs } = await measured(ctx, () => player.typeIntoXterm(text, 10));
    if (screenshot) {
      await sleep(1000); // the last keystroke's paint
      await system.viewer.page.screenshot({ path: screenshot, type: 'jpeg', quality: 70 });
    }
    return costs;
  } finally {
    await player.closeXterm();
  }
}

export async function idleScene(ctx: SceneContext, seconds: number): Promise<Costs> {
  await ctx.system.viewer.setCells([]);
  await ctx.player.parkPointer();
  await sleep(2000); // let the last updates drain
  const { costs } = await measured(ctx, () => sleep(seconds * 1000));
  return costs;
}

export async function inputRttScene(ctx: SceneContext, trials: number): Promise<RttResult> {
  const { system, player } = ctx;
  const target = LAYOUT.clickTarget;
  await system.viewer.setCells([target]);
  await system.enableInput();
  const out: RttTrial[] = [];
  let missed = 0;
  for (let i = 0; i < trials; i++) {
    const clicksBefore = player.clickLog().length;
    await system.viewer.drain();
    const x = target.x + 20 + Math.floor(Math.random() * (target.w - 40));
    const y = target.y + 20 + Math.floor(Math.random() * (target.h - 40));
    const page = system.viewer.page;
    await page.mouse.move(x, y);
    const sentAt = nowMs();
    await page.mouse.down();
    await page.mouse.up();
    // the page's own pointerdown time is the start; the X client's ButtonPress tells which colour follows
    const deadline = Date.now() + 3000;
    while (player.clickLog().length === clicksBefore && Date.now() < deadline) await sleep(2);
    const press = player.clickLog()[clicksBefore];
    if (!press) {
      missed++;
      continue;
    }
    const { observation, clicks } = await waitForObservation(ctx, (o) => near(o.values[0], press.colour), 3000);
    const clickedAt = clicks[0] ?? sentAt;
    if (!observation) {
      missed++;
      continue;
    }
    const receiveMs = observation.frame?.receiveMs;
    out.push({
      ms: observation.t - clickedAt,
      inputLegMs: press.atMs - clickedAt,
      displayLegMs: observation.t - press.atMs,
      pressToReceiveMs: receiveMs === undefined ? undefined : receiveMs - press.atMs,
    });
    await sleep(150 + Math.random() * 200);
  }
  ctx.log(`  input round trip: ${out.length} trials, ${missed} missed`);
  return { trials: out, missed };
}
