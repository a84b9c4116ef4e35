/**
 * `npm run bench:regions`: what the lossless region path costs per frame on the host, at 1920×1080 with
 * the bench scene (a scrolling text area and the tick marker) and in an xterm being typed into: capture,
 * diff, scroll detection and deflate per frame, bytes per frame and per keystroke, for a few deflate levels.
 * Frames are recorded once and encoded at each level, so levels compare on the same pixels; every frame
 * is decoded by the reference decoder and checked against the capture pixel for pixel.
 * Last line: JSON.
 */
import { spawn } from 'child_process';
import { loadavg } from 'os';
import { ScreenArea } from '../../src/host/capture/ScreenArea';
import { X11Capture } from '../../src/host/capture/X11Capture';
import { EncodedFrame, RegionEncoder } from '../../src/host/regions/RegionEncoder';
import { X11Display } from '../../src/host/x11/X11Display';
import { ScreenDecoder } from '../../test/host/support/ScreenDecoder';
import { startXvfb } from '../../test/support/xvfb';
import { startScene } from './scene';
import { saveRun } from '../resultsStore';

const WIDTH = 1920;
const HEIGHT = 1080;
const FRAMES = Number(process.env.BENCH_FRAMES ?? 30);
/** zlib levels to compare (a warm-up pass runs first); 0 = the product's choice per frame size. */
const LEVELS = (process.env.BENCH_LEVELS ?? '0,1,6').split(',').map(Number);
const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const p95 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.95)] ?? NaN;
const r1 = (n: number) => Math.round(n * 10) / 10;

interface Run {
  frames: EncodedFrame[];
  grabMs: number[];
  mismatches: number;
}

/** Grabs `count` changed frames as the host would (each once damage says so), keeping copies. */
async function record(capture: X11Capture, count: number, between: () => Promise<void>): Promise<{ frames: Buffer[]; grabMs: number[] }> {
  const frames: Buffer[] = [];
  const grabMs: number[] = [];
  for (let tries = 0; frames.length < count; tries++) {
    if (tries > count * 3) throw new Error(`only ${frames.length} of ${count} frames changed the screen`);
    await between();
    const t = performance.now();
    const bgrx = await capture.grab();
    grabMs.push(performance.now() - t);
    if (frames.length === 0 || !bgrx.equals(frames[frames.length - 1])) frames.push(Buffer.from(bgrx));
  }
  return { frames, grabMs };
}

/** Encodes the recorded frames in order against the shadow at one deflate level; decodes and checks each. */
async function run(recorded: { frames: Buffer[]; grabMs: number[] }, level: number): Promise<Run> {
  const encoder = new RegionEncoder(WIDTH, HEIGHT, level || undefined);
  const decoder = new ScreenDecoder();
  const frames: EncodedFrame[] = [];
  let mismatches = 0;
  for (const m of (await encoder.reset(recorded.frames[0])).messages) await decoder.push(m);
  for (const bgrx of recorded.frames.slice(1)) {
    const frame = await encoder.encode(bgrx);
    if (!frame) continue;
    frames.push(frame);
    for (const m of frame.messages) await decoder.push(m);
    if (decoder.differences(bgrx) > 0) mismatches++;
  }
  encoder.dispose();
  return { frames, grabMs: recorded.grabMs, mismatches };
}

function describe(name: string, level: number, r: Run): Record<string, number> {
  const f = r.frames;
  const figures = {
    level,
    grab_ms: r1(mean(r.grabMs)),
    diff_ms: r1(mean(f.map((x) => x.diffMs))),
    diff_p95_ms: r1(p95(f.map((x) => x.diffMs))),
    scroll_ms: r1(mean(f.map((x) => x.scrollMs))),
    encode_ms: r1(mean(f.map((x) => x.encodeMs))),
    kb_per_frame: r1(mean(f.map((x) => x.bytes)) / 1024),
    bytes_per_frame: Math.round(mean(f.map((x) => x.bytes))),
    copies_per_frame: r1(mean(f.map((x) => x.copies))),
    raw_kb_per_frame: r1(mean(f.map((x) => x.pixelBytes)) / 1024),
    mismatched_frames: r.mismatches,
  };
  log(`${name} level ${level}: ${JSON.stringify(figures)}`);
  return figures;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  log(`bench:regions ${WIDTH}x${HEIGHT}, ${FRAMES} frames per run, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const xvfb = await startXvfb(WIDTH, HEIGHT);
  const display = await X11Display.connect(xvfb.display);
  const capture = await X11Capture.open(display, new ScreenArea({ x: 0, y: 0, width: WIDTH, height: HEIGHT }, true));
  const results: Record<string, Record<string, number>> = {};
  try {
    // Scene: one text line scrolls per tick; frames are taken as the host takes them, after damage.
    const scene = await startScene(xvfb.display, { fps: 30 });
    const waitDamage = async () => {
      const deadline = Date.now() + 5000;
      while (!capture.isDirty && Date.now() < deadline) await sleep(2);
      await sleep(33);
    };
    const sceneFrames = await record(capture, FRAMES, waitDamage);
    // Warm-up: the first pass pays for JIT compilation.
    await run(sceneFrames, 1);
    for (const level of LEVELS) results[`scene_l${level}`] = describe('scene', level, await run(sceneFrames, level));
    scene.close();

    // Typing: an xterm, one character per frame.
    const env = { ...process.env, DISPLAY: xvfb.display };
    const xterm = spawn('xterm', ['-name', 'benchterm', '-geometry', '120x40+100+100'], { env, stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => spawn('xdotool', ['search', '--sync', '--onlyvisible', '--classname', 'benchterm'], { env }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error('no xterm')))));
    // No window manager: keyboard focus follows the pointer, so put it over the xterm.
    await new Promise<void>((resolve) => spawn('xdotool', ['mousemove', '400', '400'], { env }).on('exit', () => resolve()));
    const text = 'the quick brown fox jumps over the lazy dog ';
    let i = 0;
    const typeOne = async () => {
      await new Promise<void>((resolve) => spawn('xdotool', ['type', '--delay', '0', text[i++ % text.length]], { env }).on('exit', () => resolve()));
      await waitDamage();
    };
    const typed = await record(capture, 40, typeOne);
    for (const level of LEVELS) results[`typing_l${level}`] = describe('typing', level, await run(typed, level));
    xterm.kill('SIGKILL');
    log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const best = results[`scene_l${LEVELS[0]}`];
    const summary = {
      bench: 'regions',
      width: WIDTH,
      height: HEIGHT,
      level: LEVELS[0],
      scene_diff_ms: best.diff_ms,
      scene_scroll_ms: best.scroll_ms,
      scene_encode_ms: best.encode_ms,
      scene_kb_per_frame: best.kb_per_frame,
      typing_bytes_per_key: results[`typing_l${LEVELS[0]}`].bytes_per_frame,
      mismatched_frames: Object.values(results).reduce((n, r) => n + r.mismatched_frames, 0),
    };
    saveRun('regions', startedAt, summary, { results });
    log(JSON.stringify(summary));
  } finally {
    capture.dispose();
    display.dispose();
    await xvfb.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench:regions failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
