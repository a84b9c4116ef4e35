/**
 * The scenes, each played on the shared display while one system shows it. Every scene starts with the same
 * warm-up and ends with the same pixel check (the viewer's canvas against the X framebuffer). Every wait is a
 * poll with a deadline; gaps between trials are spacing, not assertions.
 */
import { execFile } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import sharp from 'sharp';
import { FRAME_THICKNESS } from '../../src/host/x11/X11SharingFrame';
import { cpuPercent, machineBusy, memoryMiB, sampleCpu } from './ProcessMeter';
import { VethCounters, vethCounters } from './Netns';
import { LAYOUT, nowMs, ScenePlayer } from './ScenePlayer';
import type { Cell, Observation } from './page/probe';
import type { Page } from 'playwright-core';
import { SystemUnderTest } from './SystemUnderTest';
import type { DevDesk } from './DevDesk';
import type { VideoPlayer } from './VideoPlayer';
import { psnrRgb } from './psnr';

export const SCENES = ['latency', 'motion', 'drag', 'buildlog', 'typing', 'idle', 'rtt', 'editor', 'photos', 'video'] as const;
export type SceneName = (typeof SCENES)[number];

export interface Costs {
  /** CPU of the sharing side's processes (server + websockify, or our host), % of one core. */
  sharerCpuPct: number;
  /** CPU of the X server meanwhile (the scene's drawing plus what the sharer's screen reads cost it). */
  xvfbCpuPct: number;
  /** CPU of the viewer (the whole headless Chromium), % of one core. */
  viewerCpuPct: number;
  sharerMemMiB: number;
  viewerMemMiB: number;
  /** On the veth, as Ethernet frames: sharer → viewer and back, kbit/s. */
  downKbps: number;
  upKbps: number;
  downPackets: number;
  upPackets: number;
  /** Everything else busy on the machine meanwhile (other work, the bench itself), % of one core. */
  otherCpuPct: number;
  seconds: number;
}

export interface PixelCheck {
  /** What the viewer showed: its canvas, or (ours) the lossy video. */
  kind: 'canvas' | 'video' | 'none';
  exact: boolean;
  /** Rows of the viewer's picture that differ from the X framebuffer's at the deadline (0 when exact). */
  rowsDifferent: number;
  /** The first and last differing row (where to look), when not exact. */
  firstRow?: number;
  lastRow?: number;
  /** From the start of the check until the picture matched (or the deadline). */
  settleMs: number;
}

export interface SceneRun {
  scene: SceneName;
  system: string;
  round: number;
  size: string;
  costs?: Costs;
  /** Glass-to-glass samples, ms: X request handed to the server → the viewer page shows it. Negative kept. */
  latencyMs?: number[];
  /**
   * The same changes from the X request to the task that wrote them into the viewer's canvas (the paint hook,
   * probe.ts): latencyMs without the display's 0–16.7 ms wait for its next frame. Canvas viewers only.
   */
  paintLatencyMs?: number[];
  /** Changes never shown within the deadline. */
  missed?: number;
  /** Distinct frames painted per second (motion) and drawn by the scene. */
  fps?: number;
  sceneFps?: number;
  /** Click round trip split (rtt). */
  inputLegMs?: number[];
  displayLegMs?: number[];
  pixel?: PixelCheck;
  /** Video scene: PSNR (dB) of viewer frames against the clip frames they showed; identical = 100. */
  psnrDb?: number[];
  details?: Record<string, number>;
  /** Wall time of the whole scene (warm-up, body, pixel check), for planning a run's duration. */
  wallMs?: number;
  error?: string;
}

/** The apps the developer scenes show, started on first use and shared by every system at one size. */
export interface SceneApps {
  desk(): Promise<DevDesk>;
  video(): Promise<VideoPlayer>;
}

export interface SceneContext {
  readonly system: SystemUnderTest;
  readonly player: ScenePlayer;
  readonly xvfbPid: number;
  readonly log: (line: string) => void;
  /** Where the bytes are counted, if not on the bench's veth (vethCounters): e.g. a network lab host's interface. */
  readonly wire?: () => Promise<VethCounters>;
  /** The developer scenes' apps (editor, photos, video); absent where those scenes are not played. */
  readonly apps?: SceneApps;
}

export interface SceneOptions {
  trials: number;
  seconds: number;
  idleSeconds: number;
}

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when every channel of `a` is within `tolerance` of `b`'s. */
function near(a: number, b: number, tolerance = 60): boolean {
  return [16, 8, 0].every((s) => Math.abs(((a >> s) & 255) - ((b >> s) & 255)) <= tolerance);
}

/** Measures CPU, memory and bytes on the veth (or `ctx.wire`) around `body`. */
async function measured<T>(ctx: SceneContext, body: () => Promise<T>): Promise<{ value: T; costs: Costs }> {
  const sharer = ctx.system.sharerPids();
  const viewer = [ctx.system.viewer.pid];
  const wire0 = ctx.wire ? await ctx.wire() : vethCounters();
  const machine0 = machineBusy();
  const s0 = sampleCpu(sharer);
  const v0 = sampleCpu(viewer);
  const x0 = sampleCpu([ctx.xvfbPid]);
  const t0 = performance.now();
  const value = await body();
  const s1 = sampleCpu(sharer);
  const v1 = sampleCpu(viewer);
  const x1 = sampleCpu([ctx.xvfbPid]);
  const machine1 = machineBusy();
  const wire1 = ctx.wire ? await ctx.wire() : vethCounters();
  const seconds = (performance.now() - t0) / 1000;
  const sharerCpuPct = cpuPercent(s0, s1);
  const viewerCpuPct = cpuPercent(v0, v1);
  const xvfbCpuPct = cpuPercent(x0, x1);
  const machinePct = (100 * (machine1.busy - machine0.busy)) / seconds;
  return {
    value,
    costs: {
      sharerCpuPct,
      xvfbCpuPct,
      viewerCpuPct,
      sharerMemMiB: memoryMiB(sharer),
      viewerMemMiB: memoryMiB(viewer),
      downKbps: ((wire1.downBytes - wire0.downBytes) * 8) / 1000 / seconds,
      upKbps: ((wire1.upBytes - wire0.upBytes) * 8) / 1000 / seconds,
      downPackets: wire1.downPackets - wire0.downPackets,
      upPackets: wire1.upPackets - wire0.upPackets,
      otherCpuPct: Math.max(0, machinePct - sharerCpuPct - viewerCpuPct - xvfbCpuPct),
      seconds,
    },
  };
}

/** Polls the page until an observation satisfies `match`, or the deadline passes; the first matching paint too. */
async function waitForObservation(
  ctx: SceneContext,
  match: (o: Observation) => boolean,
  timeoutMs: number,
): Promise<{ observation?: Observation; paint?: Observation; clicks: number[] }> {
  const deadline = Date.now() + timeoutMs;
  const clicks: number[] = [];
  let paint: Observation | undefined;
  while (Date.now() < deadline) {
    const drained = await ctx.system.viewer.drain();
    clicks.push(...drained.clicks);
    // a paint comes before the animation frame that shows it, in the same drain or an earlier one
    paint ??= drained.paints.find(match);
    const observation = drained.observations.find(match);
    if (observation) return { observation, paint, clicks };
    await sleep(20); // page timestamps give the precision; polling slower only saves CPU
  }
  return { clicks };
}

/**
 * What the scene added to each cumulative counter of details(). A key ending in `Last` is a gauge (its latest
 * value, e.g. hostApproximateTilesLast): it is kept as read, never subtracted (subtracting made it negative).
 */
export function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, k.endsWith('Last') ? v : v - (before[k] ?? 0)]));
}

const PALETTE = [0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff, 0xff00ff, 0xffffff, 0x000000];

/** One patch change: ms until the viewer showed it (and until its canvas held it), or undefined after 3 s. */
async function patchTrial(ctx: SceneContext, colour: number): Promise<{ ms?: number; paintMs?: number }> {
  await ctx.system.viewer.drain();
  const changedAt = await ctx.player.setPatch(colour);
  const { observation, paint } = await waitForObservation(ctx, (o) => near(o.values[0], colour), 3000);
  return { ms: observation && observation.t - changedAt, paintMs: paint && paint.t - changedAt };
}

/** Patch trials spaced 150–350 ms apart (randomised so they do not lock to a capture or poll period). */
async function patchTrials(ctx: SceneContext, count: number, until?: () => boolean): Promise<{ samples: number[]; paints: number[]; missed: number }> {
  await ctx.system.viewer.setCells([LAYOUT.patch]);
  const samples: number[] = [];
  const paints: number[] = [];
  let missed = 0;
  for (let i = 0; i < count && !until?.(); i++) {
    const { ms, paintMs } = await patchTrial(ctx, PALETTE[i % PALETTE.length]);
    if (ms === undefined) missed++;
    else samples.push(ms);
    if (paintMs !== undefined) paints.push(paintMs);
    await sleep(150 + Math.random() * 200);
  }
  return { samples, paints, missed };
}

/** The same warm-up before every scene for every system: three patch changes, not counted. */
export async function warmUp(ctx: SceneContext): Promise<void> {
  await ctx.system.viewer.setCells([LAYOUT.patch]);
  for (const colour of [0x404040, 0x808080, 0x202020]) {
    await patchTrial(ctx, colour);
    await sleep(200);
  }
}

/**
 * Parks the pointer, then waits until the viewer's canvas equals the X framebuffer, row for row, or
 * `timeoutMs` passes. Left out for every system alike: the parked cursor's box (X0tigervnc paints the cursor
 * into the picture) and the screen's outer FRAME_THICKNESS px, where our host draws the sharer's sharing
 * frame on the X display and sends black instead (by design: the helper never sees the frame).
 */
export async function pixelCheck(ctx: SceneContext, timeoutMs: number): Promise<PixelCheck> {
  await ctx.player.parkPointer();
  const skip = ctx.player.cursorBox();
  const start = performance.now();
  // The X framebuffer is read again before each look at the viewer, and the viewer matches if it equals
  // either of the last two reads: a screen that keeps changing on its own (a blinking caret) is then
  // matched whenever the viewer shows a picture X really had, however the reads fall against the blink.
  let previous: number[] | undefined;
  let previousPicture: number[] | undefined;
  let changedAt = start;
  let rowsDifferent = Infinity;
  let kind: PixelCheck['kind'] = 'none';
  let different: number[] = [];
  for (;;) {
    const screen = await ctx.player.screenHashes(skip, FRAME_THICKNESS);
    const picture = await ctx.system.viewer.picture(skip, FRAME_THICKNESS);
    kind = picture.kind;
    const same = (a: number[] | undefined, b: number[]): boolean => a !== undefined && a.length === b.length && a.every((h, y) => h === b[y]);
    if (!same(previous, screen) || !same(previousPicture, picture.rows)) changedAt = performance.now();
    previousPicture = picture.rows;
    if (picture.kind === 'canvas' && picture.rows.length === screen.length) {
      const diff = (x: number[]): number[] => x.flatMap((h, y) => (picture.rows[y] === h ? [] : [y]));
      different = [screen, previous].filter((x): x is number[] => x !== undefined).map(diff).reduce((a, b) => (b.length < a.length ? b : a));
      rowsDifferent = different.length;
      if (rowsDifferent === 0) return { kind, exact: true, rowsDifferent, settleMs: performance.now() - start };
    } else {
      rowsDifferent = screen.length;
    }
    previous = screen;
    // a wrong picture that neither the screen nor the viewer has changed for STUCK_MS is never repaired:
    // waiting out the deadline would only lengthen the run (x11vnc's JPEG residue, for one)
    // (only a canvas can be seen not changing: ours showing video is still on its way back to exact regions)
    const stuck = kind === 'canvas' && performance.now() - changedAt > STUCK_MS;
    if (performance.now() - start > timeoutMs || stuck) {
      if (process.env.BENCH_DEBUG) await saveMismatch(ctx);
      return { kind, exact: false, rowsDifferent, firstRow: different[0], lastRow: different.at(-1), settleMs: performance.now() - start };
    }
    await sleep(100);
  }
}

/** A wrong picture with no change on either side for this long is final. */
const STUCK_MS = 3000;

/** BENCH_DEBUG: what the viewer showed and what X had, side by side in the temp dir, to look at. */
async function saveMismatch(ctx: SceneContext): Promise<void> {
  const stem = path.join(os.tmpdir(), `rb-bench-mismatch-${ctx.system.spec.id}-${Date.now()}`);
  await ctx.system.viewer.page.screenshot({ path: `${stem}-viewer.png` });
  await execFileAsync('import', ['-window', 'root', `${stem}-x.png`], { env: { ...process.env, DISPLAY: ctx.player.displayName } }).catch(() => undefined);
  ctx.log(`  pixel check failed: ${stem}-viewer.png vs ${stem}-x.png`);
}

/** BENCH_DEBUG: a video grab in the temp dir, and which clip frame matched it best. */
async function saveGrab(ctx: SceneContext, g: { rgb: Buffer; width: number; height: number }, db: number, index: number): Promise<void> {
  const file = path.join(os.tmpdir(), `rb-bench-grab-${ctx.system.spec.id}-${Date.now()}.png`);
  await sharp(g.rgb, { raw: { width: g.width, height: g.height, channels: 3 } }).png().toFile(file);
  ctx.log(`  video grab ${file}: best clip frame ${index} (PSNR ${db.toFixed(1)} dB)`);
}

function decodeMarker(values: number[]): number {
  let n = 0;
  for (const v of values) {
    const luma = ((v >> 16) & 255) * 0.3 + ((v >> 8) & 255) * 0.59 + (v & 255) * 0.11;
    n = (n << 1) | (luma > 128 ? 1 : 0);
  }
  return n;
}

type Body = Omit<SceneRun, 'scene' | 'system' | 'round' | 'size' | 'pixel'>;

async function latency(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const details0 = await ctx.system.details();
  const { value, costs } = await measured(ctx, () => patchTrials(ctx, o.trials));
  return { latencyMs: value.samples, paintLatencyMs: value.paints, missed: value.missed, costs, details: delta(details0, await ctx.system.details()) };
}

/** Full-screen scrolling text at up to 60 frames/s; frames painted, and latency per frame from its marker. */
async function motion(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const { system, player } = ctx;
  await system.viewer.setCells(markerCells());
  player.startMotion(60);
  try {
    await sleep(2000); // the same ramp for everyone: WebRTC's bandwidth estimate, VNC's update pipeline
    await system.viewer.drain();
    const details0 = await system.details();
    const framesStart = player.framesDrawn();
    const { value, costs } = await measured(ctx, async () => {
      const seen = new Map<number, number>();
      const end = Date.now() + o.seconds * 1000;
      while (Date.now() < end) {
        await sleep(250);
        for (const ob of (await system.viewer.drain()).observations) {
          const n = decodeMarker(ob.values);
          if (!seen.has(n)) seen.set(n, ob.t);
        }
      }
      return seen;
    });
    const latencyMs: number[] = [];
    let undecodable = 0;
    for (const [n, t] of value) {
      const drawn = player.frameTime(n);
      if (drawn === undefined) undecodable++;
      else latencyMs.push(t - drawn);
    }
    const details = { ...delta(details0, await system.details()), undecodableMarkers: undecodable };
    return { fps: value.size / costs.seconds, sceneFps: (player.framesDrawn() - framesStart) / costs.seconds, latencyMs, costs, details };
  } finally {
    await player.stopMotion();
  }
}

/** A photo-like window dragged in circles at 60 moves/s, with patch latency trials meanwhile. */
async function drag(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  await ctx.player.startDrag(60);
  try {
    await sleep(1000);
    const end = Date.now() + o.seconds * 1000;
    const details0 = await ctx.system.details();
    const { value, costs } = await measured(ctx, () => patchTrials(ctx, 1000, () => Date.now() > end));
    return { latencyMs: value.samples, paintLatencyMs: value.paints, missed: value.missed, costs, details: delta(details0, await ctx.system.details()) };
  } finally {
    await ctx.player.stopDrag();
  }
}

/** A terminal printing a build log at 200 lines/s; the pixel check after it says how soon the viewer caught up. */
async function buildlog(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const log = await ctx.player.openBuildLog(o.seconds, 200);
  await ctx.system.viewer.setCells([]);
  await sleep(500);
  const details0 = await ctx.system.details();
  const { costs } = await measured(ctx, async () => {
    log.go();
    const deadline = Date.now() + o.seconds * 1000 + 10_000;
    while (!log.done() && Date.now() < deadline) await sleep(50);
  });
  return { costs, details: delta(details0, await ctx.system.details()) };
}

const TYPED = 'The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. 0123456789 ';

async function typing(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  await ctx.system.viewer.setCells([]);
  await ctx.player.openXterm();
  await sleep(1000); // the xterm's first paint is not typing
  const { costs } = await measured(ctx, () => ctx.player.typeIntoXterm(TYPED.slice(0, o.seconds * 10), 10));
  return { costs };
}

async function idle(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  await ctx.system.viewer.setCells([]);
  await ctx.player.parkPointer();
  await sleep(2000); // let the last updates drain
  const { costs } = await measured(ctx, () => sleep(o.idleSeconds * 1000));
  return { costs };
}

async function rtt(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const { system, player } = ctx;
  const target = LAYOUT.clickTarget;
  await system.viewer.setCells([target]);
  await system.enableInput();
  const latencyMs: number[] = [];
  const inputLegMs: number[] = [];
  const displayLegMs: number[] = [];
  let missed = 0;
  // trial 0 warms the input path (control just granted, the server's first pointer event) and is not counted
  for (let i = 0; i <= o.trials; i++) {
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
    const found = press && (await waitForObservation(ctx, (ob) => near(ob.values[0], press.colour), 3000));
    if (i === 0) {
      await sleep(200);
      continue;
    }
    if (!press || !found?.observation) {
      missed++;
      continue;
    }
    const clickedAt = found.clicks[0] ?? sentAt;
    latencyMs.push(found.observation.t - clickedAt);
    inputLegMs.push(press.atMs - clickedAt);
    displayLegMs.push(found.observation.t - press.atMs);
    await sleep(150 + Math.random() * 200);
  }
  return { latencyMs, inputLegMs, displayLegMs, missed };
}

function appsOf(ctx: SceneContext): SceneApps {
  if (!ctx.apps) throw new Error('this scene needs the developer apps (SceneContext.apps)');
  return ctx.apps;
}

/**
 * Wheel turns over `page` at `perSecond`, `delta` px each, reversing every `turnMs` so a long page never runs
 * out; runs until the returned stop() is awaited.
 */
function wheelLoop(page: Page, delta: number, perSecond: number, turnMs: number): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    const start = Date.now();
    for (let i = 0; running; i++) {
      const direction = Math.floor((Date.now() - start) / turnMs) % 2 === 0 ? 1 : -1;
      await page.mouse.wheel(0, direction * delta).catch(() => undefined);
      await sleep(Math.max(0, start + ((i + 1) * 1000) / perSecond - Date.now()));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/**
 * A real VS Code editor (code-server in Chromium): scrolling a long file with patch latency trials meanwhile,
 * then typing a comment at 10 characters/s, then the caret blinking with nothing else happening (a developer's
 * idle). The scroll's latency and costs are the run's; typing's and the caret's costs are in its details.
 */
async function editor(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const desk = await appsOf(ctx).desk();
  const page = await desk.show('editor');
  await ctx.player.raiseProbes();
  const { width, height } = ctx.player.size();
  await page.mouse.move(width * 0.55, height * 0.5);
  const stopWheel = wheelLoop(page, 120, 20, 2000);
  let scroll: { value: { samples: number[]; paints: number[]; missed: number }; costs: Costs };
  const details0 = await ctx.system.details();
  try {
    await sleep(1000);
    const end = Date.now() + o.seconds * 1000;
    scroll = await measured(ctx, () => patchTrials(ctx, 1000, () => Date.now() > end));
  } finally {
    await stopWheel();
  }
  await ctx.system.viewer.setCells([]);
  await page.mouse.click(width * 0.55, height * 0.5);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await sleep(500);
  const typed = await measured(ctx, async () => {
    const text = `// ${TYPED}`.slice(0, o.seconds * 10);
    const start = performance.now();
    for (const [i, char] of [...text].entries()) {
      await sleep(Math.max(0, start + i * 100 - performance.now()));
      await page.keyboard.type(char);
    }
  });
  await sleep(1000); // the last key's repaint is typing, not idle
  const caret = await measured(ctx, () => sleep(o.idleSeconds * 1000));
  // leave the file as it was for the next system: remove the typed line
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  const kbps = (c: Costs): number => c.downKbps + c.upKbps;
  return {
    latencyMs: scroll.value.samples,
    paintLatencyMs: scroll.value.paints,
    missed: scroll.value.missed,
    costs: scroll.costs,
    details: {
      ...delta(details0, await ctx.system.details()),
      typingKbps: kbps(typed.costs),
      typingSharerCpuPct: typed.costs.sharerCpuPct,
      caretKbps: kbps(caret.costs),
      caretSharerCpuPct: caret.costs.sharerCpuPct,
    },
  };
}

/** A browser page of photos scrolled with the wheel (smooth scrolling), with patch latency trials meanwhile. */
async function photos(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const desk = await appsOf(ctx).desk();
  const page = await desk.show('photos');
  await ctx.player.raiseProbes();
  const { width, height } = ctx.player.size();
  await page.mouse.move(width * 0.4, height * 0.5);
  const stopWheel = wheelLoop(page, 100, 10, 3000);
  try {
    await sleep(1000);
    const end = Date.now() + o.seconds * 1000;
    const details0 = await ctx.system.details();
    const { value, costs } = await measured(ctx, () => patchTrials(ctx, 1000, () => Date.now() > end));
    return { latencyMs: value.samples, paintLatencyMs: value.paints, missed: value.missed, costs, details: delta(details0, await ctx.system.details()) };
  } finally {
    await stopWheel();
  }
}

/** Cells of the frame-number marker: where the motion and video scenes write their frame numbers. */
const markerCells = (): Cell[] => Array.from({ length: LAYOUT.markerBits }, (_, bit) => LAYOUT.markerCell(bit));

/** The frame number in a grabbed RGB picture whose top-left is the screen's (the marker cells' centres). */
export function markerInGrab(rgb: Uint8Array, width: number): number {
  const values = markerCells().map((c) => {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let y = c.y + c.h / 2 - 4; y < c.y + c.h / 2 + 4; y++) {
      for (let x = c.x + c.w / 2 - 4; x < c.x + c.w / 2 + 4; x++) {
        const o = (y * width + x) * 3;
        r += rgb[o];
        g += rgb[o + 1];
        b += rgb[o + 2];
      }
    }
    return (Math.round(r / 64) << 16) | (Math.round(g / 64) << 8) | Math.round(b / 64);
  });
  return decodeMarker(values);
}

/** PSNR above this is reported as this (identical pictures have an infinite PSNR, which JSON cannot hold). */
export const PSNR_IDENTICAL_DB = 100;
/** A grab may show any clip frame shown this long before it (a slow or torn viewer picture). */
const GRAB_LOOKBACK_MS = 2500;

/**
 * A video playing (VideoPlayer: a real H.264 clip at 30 frames/s in a window of a quarter of the screen):
 * frames painted and latency from its frame marker, as the motion scene, and the picture quality of viewer
 * frames grabbed meanwhile against the clip frames they showed (PSNR; our host may send this as video).
 */
async function video(ctx: SceneContext, o: SceneOptions): Promise<Body> {
  const { system } = ctx;
  const player = await appsOf(ctx).video();
  await system.viewer.setCells(markerCells());
  await player.start();
  const grabs: { t: number; rgb: Buffer; width: number; height: number; kind: string }[] = [];
  try {
    await sleep(2000); // the same ramp as the motion scene
    await system.viewer.drain();
    const details0 = await system.details();
    const counts0 = player.counts();
    const { value, costs } = await measured(ctx, async () => {
      const seen = new Map<number, number>();
      const end = Date.now() + o.seconds * 1000;
      let nextGrab = Date.now() + 500;
      while (Date.now() < end) {
        await sleep(250);
        if (Date.now() >= nextGrab && grabs.length < 4) {
          grabs.push(await system.viewer.grab(player.rect));
          if (process.env.BENCH_DEBUG) {
            // what X had meanwhile, to tell a viewer's torn picture from the screen's own
            const file = path.join(os.tmpdir(), `rb-bench-grab-x-${system.spec.id}-${Date.now()}.png`);
            await execFileAsync('import', ['-window', 'root', '-crop', `${player.rect.w}x${player.rect.h}+0+0`, file], { env: { ...process.env, DISPLAY: ctx.player.displayName } }).catch(() => undefined);
          }
          nextGrab = Date.now() + 700;
        }
        for (const ob of (await system.viewer.drain()).observations) {
          const n = decodeMarker(ob.values);
          if (!seen.has(n)) seen.set(n, ob.t);
        }
      }
      return seen;
    });
    const counts = player.counts();
    const latencyMs: number[] = [];
    let undecodable = 0;
    for (const [n, t] of value) {
      const shown = player.frame(n);
      if (shown === undefined) undecodable++;
      else latencyMs.push(t - shown.at);
    }
    // Quality, after the measured part (decoding the clip again costs this process, not the systems). A viewer
    // may paint the marker and the picture in separate updates (VNC's rectangles), so a grab is compared with
    // every clip frame shown in the GRAB_LOOKBACK_MS before it and the one around its marker; the best counts.
    const crop = { top: LAYOUT.markerCell(0).h, bottom: 0, left: FRAME_THICKNESS, right: 0 };
    const candidates = grabs.map((g) => {
      const set = player.indicesShownBetween(g.t - GRAB_LOOKBACK_MS, g.t);
      const marked = player.frame(markerInGrab(g.rgb, g.width));
      if (marked) set.add(marked.index);
      return set;
    });
    const best = grabs.map(() => ({ db: -Infinity, index: -1 }));
    await player.visitSourceFrames(new Set(candidates.flatMap((c) => [...c])), (index, rgb) => {
      grabs.forEach((g, k) => {
        if (!candidates[k].has(index) || rgb.length !== g.rgb.length) return;
        const db = Math.min(PSNR_IDENTICAL_DB, psnrRgb(rgb, g.rgb, g.width, g.height, crop));
        if (db > best[k].db) best[k] = { db, index };
      });
    });
    const psnrDb = best.filter((b) => Number.isFinite(b.db)).map((b) => b.db);
    if (process.env.BENCH_DEBUG) {
      for (const [k, g] of grabs.entries()) await saveGrab(ctx, g, best[k].db, best[k].index);
    }
    const details = {
      ...delta(details0, await system.details()),
      undecodableMarkers: undecodable,
      grabs: grabs.length,
      grabsOnVideo: grabs.filter((g) => g.kind === 'video').length,
      grabsUnmatched: grabs.length - psnrDb.length,
      playerStalls: counts.stalls - counts0.stalls,
    };
    return { fps: value.size / costs.seconds, sceneFps: (counts.shown - counts0.shown) / costs.seconds, latencyMs, psnrDb, costs, details };
  } finally {
    await player.stop();
  }
}

const BODIES: Record<SceneName, (ctx: SceneContext, o: SceneOptions) => Promise<Body>> = { latency, motion, drag, buildlog, typing, idle, rtt, editor, photos, video };

/** Warm-up, the scene, then the pixel check, with whatever the scene left on screen cleaned up. */
export async function playScene(ctx: SceneContext, scene: SceneName, o: SceneOptions): Promise<Body & { pixel: PixelCheck; wallMs: number }> {
  const start = performance.now();
  await warmUp(ctx);
  try {
    const body = await BODIES[scene](ctx, o);
    return { ...body, pixel: await pixelCheck(ctx, 8000), wallMs: performance.now() - start };
  } finally {
    if (scene === 'typing') await ctx.player.closeXterm();
    if (scene === 'buildlog') await ctx.player.closeBuildLog();
    if (scene === 'editor' || scene === 'photos') await (await ctx.apps?.desk())?.hide();
  }
}
