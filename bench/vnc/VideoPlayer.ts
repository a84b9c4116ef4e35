/**
 * A video playing on the X display: a real H.264 clip (a Mandelbrot zoom: continuous motion with fine detail,
 * made once by ffmpeg and cached) decoded by ffmpeg and put into an X window at its frame rate, with the
 * frame-number marker (LAYOUT.markerCell) painted over its top-left corner. The window sits at the screen's
 * origin so the marker cells are the ones every viewer page samples. Each shown frame's number maps to the
 * clip frame it showed, which `sourceFrame()` decodes again for picture-quality checks (PSNR).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { existsSync, mkdirSync, renameSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { LAYOUT, nowMs, Rect } from './ScenePlayer';
import { connectX, XClient } from './x11';

const execFileAsync = promisify(execFile);
const CLIP_SECONDS = 8;
/** The most bytes of image one PutImage request carries (X's request limit is 256 KiB without BIG-REQUESTS). */
const MAX_PUT = 250_000;

/** Rows of a `width`-pixel frame per PutImage: a frame reaches the X server as strips of this height. */
export function putRows(width: number): number {
  return Math.max(1, Math.floor(MAX_PUT / (width * 4)));
}

/** The cached clip for a `width`×`height` window at `fps`, made once (ffmpeg, libx264). */
export async function videoClip(width: number, height: number, fps: number): Promise<string> {
  const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'remote-assist', 'bench-video');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `mandelbrot-${width}x${height}-${fps}fps-${CLIP_SECONDS}s.mp4`);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial.mp4`;
  await execFileAsync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `mandelbrot=size=${width}x${height}:rate=${fps}`, '-t', String(CLIP_SECONDS), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', partial], { timeout: 600_000 });
  renameSync(partial, file);
  return file;
}

export class VideoPlayer {
  private decoder: ChildProcess | undefined;
  private readonly queue: Buffer[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private decoded = 0;
  private timer: NodeJS.Timeout | undefined;
  private shown = 0;
  private stalls = 0;
  /** Shown frame number → [when it was handed to the X server (this process's clock), clip frame index]. */
  private readonly frames = new Map<number, [number, number]>();
  private readonly queueIndex: number[] = [];

  private constructor(
    private readonly X: XClient,
    private readonly win: number,
    private readonly gc: number,
    private readonly gcWhite: number,
    private readonly gcBlack: number,
    readonly rect: Rect,
    readonly clip: string,
    readonly fps: number,
  ) {}

  /** A player for `rect` (at the screen's origin) on `display`; the window is created unmapped. */
  static async open(display: string, rect: Rect, fps = 30): Promise<VideoPlayer> {
    if (rect.x !== 0 || rect.y !== 0) throw new Error('the video window must sit at the screen origin (the marker cells are there)');
    const clip = await videoClip(rect.w, rect.h, fps);
    const conn = await connectX(display);
    const X = conn.client;
    X.on('error', () => undefined);
    const win = X.AllocID();
    X.CreateWindow(win, conn.screen[0].root, 0, 0, rect.w, rect.h, 0, 0, 0, 0, { backgroundPixel: 0, overrideRedirect: 1 });
    const gc = (values: Record<string, number>): number => {
      const id = X.AllocID();
      X.CreateGC(id, win, { graphicsExposures: 0, ...values });
      return id;
    };
    const player = new VideoPlayer(X, win, gc({}), gc({ foreground: 0xffffff }), gc({ foreground: 0x000000 }), rect, clip, fps);
    await X.sync();
    return player;
  }

  /** Maps the window on top and plays from the clip's start (looping) until stop(). */
  async start(): Promise<void> {
    if (this.timer) throw new Error('the video is already playing');
    const frameBytes = this.rect.w * this.rect.h * 4;
    this.decoded = 0;
    this.shown = 0;
    this.stalls = 0;
    this.frames.clear();
    this.pending = [];
    this.pendingBytes = 0;
    const decoder = spawn('ffmpeg', ['-v', 'error', '-stream_loop', '-1', '-i', this.clip, '-f', 'rawvideo', '-pix_fmt', 'bgr0', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.decoder = decoder;
    const out = decoder.stdout as NodeJS.ReadableStream;
    out.on('data', (chunk: Buffer) => {
      // a stopped decoder's pipe still delivers what it had buffered: those bytes would shift every later
      // frame of this play by their length (the picture wrapped around, compared with the wrong clip frame)
      if (this.decoder !== decoder) return;
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      while (this.pendingBytes >= frameBytes) {
        const all = Buffer.concat(this.pending);
        this.queue.push(all.subarray(0, frameBytes));
        this.queueIndex.push(this.decoded++ % (CLIP_SECONDS * this.fps));
        this.pending = [all.subarray(frameBytes)];
        this.pendingBytes = all.length - frameBytes;
      }
      if (this.queue.length >= 8) out.pause(); // a few frames ahead, no more
    });
    this.X.MapWindow(this.win);
    this.X.RaiseWindow(this.win);
    await this.X.sync();
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return; // the X server is behind: skip a tick rather than queue requests
      const frame = this.queue.shift();
      const index = this.queueIndex.shift();
      if (this.queue.length < 4) out.resume();
      if (!frame || index === undefined) {
        this.stalls++;
        return;
      }
      busy = true;
      this.put(frame, index);
      this.X.sync().then(
        () => (busy = false),
        () => (busy = false),
      );
    }, 1000 / this.fps);
  }

  private put(frame: Buffer, index: number): void {
    const { X, win, rect } = this;
    const n = ++this.shown;
    const rows = putRows(rect.w);
    for (let y = 0; y < rect.h; y += rows) {
      const h = Math.min(rows, rect.h - y);
      X.PutImage(2, win, this.gc, rect.w, h, 0, y, 0, 24, frame.subarray(y * rect.w * 4, (y + h) * rect.w * 4));
    }
    const ones: number[] = [];
    const zeros: number[] = [];
    for (let bit = 0; bit < LAYOUT.markerBits; bit++) {
      const c = LAYOUT.markerCell(bit);
      ((n >> (LAYOUT.markerBits - 1 - bit)) & 1 ? ones : zeros).push(c.x, c.y, c.w, c.h);
    }
    if (ones.length) X.PolyFillRectangle(win, this.gcWhite, ones);
    if (zeros.length) X.PolyFillRectangle(win, this.gcBlack, zeros);
    void X.flush();
    this.frames.set(n, [nowMs(), index]);
  }

  /** Frames shown since start, and ticks that found no decoded frame ready. */
  counts(): { shown: number; stalls: number } {
    return { shown: this.shown, stalls: this.stalls };
  }

  /** When shown frame `n` was handed to the X server, and which clip frame it was. */
  frame(n: number): { at: number; index: number } | undefined {
    const f = this.frames.get(n);
    return f && { at: f[0], index: f[1] };
  }

  /** Clip frame indices shown between `from` and `to` (this process's clock). */
  indicesShownBetween(from: number, to: number): Set<number> {
    const out = new Set<number>();
    for (const [at, index] of this.frames.values()) if (at >= from && at <= to) out.add(index);
    return out;
  }

  /**
   * Decodes the clip once more (the same decoder and conversion as while playing) and hands each frame whose
   * index is in `wanted` to `visit` as RGB, one frame in memory at a time.
   */
  async visitSourceFrames(wanted: Set<number>, visit: (index: number, rgb: Buffer) => void): Promise<void> {
    if (!wanted.size) return;
    const frameBytes = this.rect.w * this.rect.h * 4;
    const rgb = Buffer.alloc(this.rect.w * this.rect.h * 3);
    const decoder = spawn('ffmpeg', ['-v', 'error', '-i', this.clip, '-f', 'rawvideo', '-pix_fmt', 'bgr0', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let pending: Buffer = Buffer.alloc(0);
    let index = 0;
    const last = Math.max(...wanted);
    await new Promise<void>((resolve, reject) => {
      decoder.once('error', reject);
      decoder.once('close', () => resolve());
      (decoder.stdout as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        while (pending.length >= frameBytes) {
          if (wanted.has(index)) {
            for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
              rgb[o] = pending[i + 2];
              rgb[o + 1] = pending[i + 1];
              rgb[o + 2] = pending[i];
            }
            visit(index, rgb);
          }
          pending = pending.subarray(frameBytes);
          if (++index > last) decoder.kill('SIGKILL');
        }
      });
    });
  }

  /** Stops playing and unmaps the window. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.decoder?.kill('SIGKILL');
    this.decoder = undefined;
    this.queue.length = 0;
    this.queueIndex.length = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.X.UnmapWindow(this.win);
    await this.X.sync();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.X.close(() => resolve()));
  }
}
