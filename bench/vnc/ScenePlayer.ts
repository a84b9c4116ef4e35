/**
 * Plays the benchmark scenes on an X display with its own X client: a latency patch that changes colour on
 * request, a full-screen scroller with a frame-number marker, a click target that changes colour when
 * clicked, and an xterm that xdotool types into. Times are taken on this process's clock (`nowMs`).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { connectX, x11, XClient } from './x11';

const execFileAsync = promisify(execFile);

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with a page's timeOrigin + now(). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Where each scene draws, in screen pixels; the viewer probes read these. */
export const LAYOUT = {
  patch: { x: 160, y: 160, w: 96, h: 96 },
  clickTarget: { x: 480, y: 160, w: 160, h: 160 },
  /** 16 cells of the frame-number marker, left to right = most to least significant bit. */
  markerCell: (bit: number): Rect => ({ x: bit * 32, y: 0, w: 32, h: 32 }),
  markerBits: 16,
  xterm: { x: 900, y: 100, columns: 100, rows: 30 },
  /** The dragged window (a photo-like picture): its size and the circle its corner follows. */
  drag: { w: 480, h: 360, cx: 900, cy: 560, radius: 300 },
} as const;

/** A terminal printing a build log: a real xterm running a printer script, a line every few ms. */
const BUILD_LOG_PRINTER = `
import os, sys, time
go, done, seconds, rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
while not os.path.exists(go): time.sleep(0.005)
steps = ['Building CXX object', 'Linking CXX static library', 'Generating', 'Compiling TypeScript', 'warning: unused variable']
start = time.time(); n = 0
while time.time() - start < seconds:
    n += 1
    pct = (n * 7) % 100
    sys.stdout.write('[%3d%%] %s src/module%03d/CMakeFiles/part%04d.dir/file_%05d.cpp.o  (%d ms)\\n' % (pct, steps[n % len(steps)], n % 97, n % 1234, n, (n * 37) % 900))
    sys.stdout.flush()
    time.sleep(max(0.0, start + n / rate - time.time()))
open(done, 'w').close()
time.sleep(3600)
`;

/**
 * FNV-1a of each row's R, G, B bytes of a BGRX image whose first row is `top` of a `screenHeight` screen,
 * skipping `skip` and a `border` px edge of the screen (the viewer page hashes its canvas the same way).
 */
export function rowHashes(bgrx: Buffer, width: number, height: number, top: number, skip: Rect, border: number, screenHeight: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    let h = 0x811c9dc5;
    const skipping = top + y >= skip.y && top + y < skip.y + skip.h;
    const edge = top + y < border || top + y >= screenHeight - border;
    for (let o = y * width * 4, end = o + width * 4, x = 0; o < end; o += 4, x++) {
      if (edge || x < border || x >= width - border || (skipping && x >= skip.x && x < skip.x + skip.w)) continue;
      h = Math.imul(h ^ bgrx[o + 2], 0x01000193);
      h = Math.imul(h ^ bgrx[o + 1], 0x01000193);
      h = Math.imul(h ^ bgrx[o], 0x01000193);
    }
    rows.push(h >>> 0);
  }
  return rows;
}

const BACKGROUND = 0x2b3a4a;
const LINE = 14;
const WORDS = 'remote assist screen share helper sharer latency frame pixel encode decode paint vnc webrtc'.split(' ');

export interface ClickRecord {
  /** When the ButtonPress reached this X client. */
  readonly atMs: number;
  /** The colour the target turned. */
  readonly colour: number;
}

export class ScenePlayer {
  private readonly clicks: ClickRecord[] = [];
  private clickColour = 0x20c040;
  private motionTimer: NodeJS.Timeout | undefined;
  private motionFrames = 0;
  private xterm: ChildProcess | undefined;
  /** When each motion frame was handed to the X server, by frame number (this process's clock). */
  private readonly frameTimes = new Map<number, number>();
  private dragTimer: NodeJS.Timeout | undefined;
  private dragWin = 0;
  private buildLog: { term: ChildProcess; dir: string } | undefined;

  private constructor(
    private readonly X: XClient,
    private readonly root: number,
    readonly displayName: string,
    private readonly width: number,
    private readonly height: number,
    private readonly patchWin: number,
    private readonly clickWin: number,
    private readonly motionWin: number,
    private readonly gcText: number,
    private readonly gcBlack: number,
    private readonly gcWhite: number,
  ) {
    X.on('event', (ev) => {
      if (ev.name === 'ButtonPress' && ev.wid === this.clickWin) this.onClick();
    });
  }

  static async open(display: string): Promise<ScenePlayer> {
    const conn = await connectX(display);
    const X = conn.client;
    X.on('error', () => undefined); // a failing request is caught by sync() below; errors must not crash the bench
    const { root, pixel_width: width, pixel_height: height } = conn.screen[0];
    X.ChangeWindowAttributes(root, { backgroundPixel: BACKGROUND });
    X.ClearArea(root, 0, 0, 0, 0, 0);
    const window = (r: Rect, colour: number, eventMask = 0): number => {
      const wid = X.AllocID();
      X.CreateWindow(wid, root, r.x, r.y, r.w, r.h, 0, 0, 0, 0, {
        backgroundPixel: colour,
        overrideRedirect: 1,
        eventMask,
      });
      return wid;
    };
    const patchWin = window(LAYOUT.patch, 0x000000);
    const clickWin = window(LAYOUT.clickTarget, 0x20c040, x11.eventMask.ButtonPress);
    const motionWin = window({ x: 0, y: 0, w: width, h: height }, 0x101010);
    const font = X.AllocID();
    X.OpenFont(font, 'fixed');
    const gc = (foreground: number, extra: Record<string, number> = {}): number => {
      const id = X.AllocID();
      X.CreateGC(id, motionWin, { foreground, background: 0x101010, graphicsExposures: 0, ...extra });
      return id;
    };
    const player = new ScenePlayer(
      X,
      root,
      display,
      width,
      height,
      patchWin,
      clickWin,
      motionWin,
      gc(0xd0d0d0, { font }),
      gc(0x000000),
      gc(0xffffff),
    );
    X.MapWindow(patchWin);
    X.MapWindow(clickWin);
    await X.sync();
    return player;
  }

  /** The screen's size in pixels. */
  size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** Puts the latency patch and the click target back on top (after an app's window was mapped over them). */
  async raiseProbes(): Promise<void> {
    this.X.RaiseWindow(this.patchWin);
    this.X.RaiseWindow(this.clickWin);
    await this.X.sync();
  }

  /** Paints the latency patch; returns when the request was handed to the X server. */
  async setPatch(colour: number): Promise<number> {
    this.X.ChangeWindowAttributes(this.patchWin, { backgroundPixel: colour });
    this.X.ClearArea(this.patchWin, 0, 0, 0, 0, 0);
    await this.X.flush();
    const at = nowMs();
    await this.X.sync();
    return at;
  }

  clickLog(): readonly ClickRecord[] {
    return this.clicks;
  }

  private onClick(): void {
    const atMs = nowMs();
    this.clickColour = this.clickColour === 0x20c040 ? 0xc02090 : 0x20c040;
    this.X.ChangeWindowAttributes(this.clickWin, { backgroundPixel: this.clickColour });
    this.X.ClearArea(this.clickWin, 0, 0, 0, 0, 0);
    void this.X.flush();
    this.clicks.push({ atMs, colour: this.clickColour });
  }

  /** Starts full-motion scrolling at up to `fps` frames per second (each frame waits for the X server). */
  startMotion(fps: number): void {
    if (this.motionTimer) throw new Error('motion already running');
    this.X.MapWindow(this.motionWin);
    this.X.RaiseWindow(this.motionWin);
    this.motionFrames = 0;
    this.frameTimes.clear();
    let busy = false;
    this.motionTimer = setInterval(() => {
      if (busy) return; // the X server is behind: skip a tick rather than queue requests
      busy = true;
      this.drawMotionFrame();
      void this.X.flush();
      this.frameTimes.set(this.motionFrames, nowMs());
      this.X.sync().then(
        () => (busy = false),
        () => (busy = false),
      );
    }, 1000 / fps);
  }

  /** True between startMotion() and stopMotion(). */
  moving(): boolean {
    return this.motionTimer !== undefined;
  }

  /** Frames drawn since motion started. */
  framesDrawn(): number {
    return this.motionFrames;
  }

  /** When motion frame `n` was handed to the X server (this process's clock), if it was drawn. */
  frameTime(n: number): number | undefined {
    return this.frameTimes.get(n);
  }

  /** Stops scrolling; returns how many frames were drawn. */
  async stopMotion(): Promise<number> {
    clearInterval(this.motionTimer);
    this.motionTimer = undefined;
    this.X.UnmapWindow(this.motionWin);
    await this.X.sync();
    return this.motionFrames;
  }

  private drawMotionFrame(): void {
    const { X, motionWin: w, width, height } = this;
    const n = ++this.motionFrames;
    X.CopyArea(w, w, this.gcText, 0, LINE, 0, 0, width, height - LINE);
    X.PolyFillRectangle(w, this.gcBlack, [0, height - LINE, width, LINE]);
    let line = `${String(n).padStart(7, '0')} `;
    for (let i = 0; line.length < width / 6; i++) line += WORDS[(n * 5 + i * 3) % WORDS.length] + ' ';
    X.PolyText8(w, this.gcText, 2, height - 3, [line.slice(0, 160), line.slice(160, 320)]);
    const ones: number[] = [];
    const zeros: number[] = [];
    for (let bit = 0; bit < LAYOUT.markerBits; bit++) {
      const c = LAYOUT.markerCell(bit);
      ((n >> (LAYOUT.markerBits - 1 - bit)) & 1 ? ones : zeros).push(c.x, c.y, c.w, c.h);
    }
    if (ones.length) X.PolyFillRectangle(w, this.gcWhite, ones);
    if (zeros.length) X.PolyFillRectangle(w, this.gcBlack, zeros);
  }

  /** Opens an xterm running `cat` (echoes what is typed) and waits until it is mapped. */
  async openXterm(): Promise<void> {
    const { x, y, columns, rows } = LAYOUT.xterm;
    this.xterm = spawn('xterm', ['-geometry', `${columns}x${rows}+${x}+${y}`, '-bg', 'black', '-fg', 'white', '-e', 'cat'], {
      env: { ...process.env, DISPLAY: this.displayName },
      stdio: 'ignore',
    });
    await this.waitForWindow('xterm');
  }

  /**
   * Types `text` into the xterm at `charsPerSecond` through XTEST (pointer over the xterm gives it focus),
   * one xdotool call per character on an absolute schedule (xdotool's own --delay does not keep the rate).
   */
  async typeIntoXterm(text: string, charsPerSecond: number): Promise<void> {
    const env = { ...process.env, DISPLAY: this.displayName };
    const { x, y } = LAYOUT.xterm;
    await execFileAsync('xdotool', ['mousemove', String(x + 200), String(y + 100)], { env });
    const start = performance.now();
    for (const [i, char] of [...text].entries()) {
      const due = start + (i * 1000) / charsPerSecond;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      await execFileAsync('xdotool', ['type', '--', char], { env });
    }
  }

  async closeXterm(): Promise<void> {
    const xterm = this.xterm;
    this.xterm = undefined;
    if (!xterm || xterm.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      xterm.once('exit', () => resolve());
      xterm.kill('SIGTERM');
    });
  }

  /**
   * Drags a window with a photo-like picture along a circle at `fps` moves per second (XMoveWindow, as a
   * window manager does while the user drags), until stopDrag().
   */
  async startDrag(fps: number): Promise<void> {
    const { X } = this;
    const { w, h, cx, cy, radius } = LAYOUT.drag;
    if (!this.dragWin) this.dragWin = this.photoWindow(w, h);
    X.MoveWindow(this.dragWin, cx + radius - w / 2, cy - h / 2);
    X.MapWindow(this.dragWin);
    await X.sync();
    const start = performance.now();
    this.dragTimer = setInterval(() => {
      const a = ((performance.now() - start) / 4000) * 2 * Math.PI; // a turn every 4 s
      X.MoveWindow(this.dragWin, Math.round(cx + radius * Math.cos(a) - w / 2), Math.round(cy + radius * Math.sin(a) - h / 2));
      void X.flush();
    }, 1000 / fps);
  }

  async stopDrag(): Promise<void> {
    clearInterval(this.dragTimer);
    this.dragTimer = undefined;
    if (this.dragWin) this.X.UnmapWindow(this.dragWin);
    await this.X.sync();
  }

  /** A window whose background is a smooth, noisy, photo-like picture (the server repaints it on moves). */
  private photoWindow(w: number, h: number): number {
    const { X } = this;
    const pixmap = X.AllocID();
    X.CreatePixmap(pixmap, this.motionWin, 24, w, h);
    const gc = X.AllocID();
    X.CreateGC(gc, pixmap, {});
    let seed = 12345;
    const noise = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 17) - 8;
    const strip = 32;
    for (let y0 = 0; y0 < h; y0 += strip) {
      const rows = Math.min(strip, h - y0);
      const data = Buffer.alloc(w * rows * 4);
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < w; x++) {
          const o = (y * w + x) * 4;
          const yy = y0 + y;
          const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v + noise())));
          data[o] = clamp(128 + 100 * Math.sin(x / 37 + yy / 53)); // B
          data[o + 1] = clamp(120 + 90 * Math.cos(x / 71 - yy / 29)); // G
          data[o + 2] = clamp(140 + 100 * Math.sin((x + yy) / 45)); // R
        }
      }
      X.PutImage(2, pixmap, gc, w, rows, 0, y0, 0, 24, data);
    }
    const wid = X.AllocID();
    X.CreateWindow(wid, this.root, 0, 0, w, h, 0, 0, 0, 0, { backgroundPixmap: pixmap, overrideRedirect: 1 });
    return wid;
  }

  /** Opens a large xterm that will print a build log at `linesPerSecond` for `seconds` once go() is called. */
  async openBuildLog(seconds: number, linesPerSecond: number): Promise<{ go(): void; done(): boolean }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-buildlog-'));
    const script = path.join(dir, 'printer.py');
    writeFileSync(script, BUILD_LOG_PRINTER);
    const go = path.join(dir, 'go');
    const done = path.join(dir, 'done');
    const term = spawn('xterm', ['-geometry', '200x60+40+40', '-bg', '#1e1e1e', '-fg', '#d4d4d4', '-class', 'RbBuildLog', '-e', 'sh', '-c', `python3 ${script} ${go} ${done} ${seconds} ${linesPerSecond} 2>${path.join(dir, 'errors')}`], {
      env: { ...process.env, DISPLAY: this.displayName },
      stdio: 'ignore',
    });
    this.buildLog = { term, dir };
    await this.waitForWindow('RbBuildLog');
    return { go: () => writeFileSync(go, ''), done: () => existsSync(done) };
  }

  async closeBuildLog(): Promise<void> {
    const log = this.buildLog;
    this.buildLog = undefined;
    if (!log) return;
    if (log.term.exitCode === null) {
      await new Promise<void>((resolve) => {
        log.term.once('exit', () => resolve());
        log.term.kill('SIGTERM');
      });
    }
    rmSync(log.dir, { recursive: true, force: true });
  }

  private async waitForWindow(cls: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { stdout } = await execFileAsync('xdotool', ['search', '--onlyvisible', '--class', cls], {
        env: { ...process.env, DISPLAY: this.displayName },
      }).catch(() => ({ stdout: '' }));
      if (stdout.trim()) return;
      if (Date.now() > deadline) throw new Error(`${cls} did not appear within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Where the parked pointer's cursor may be drawn (a server may paint it into the picture): left out of pixel checks. */
  cursorBox(): Rect {
    return { x: this.width - 40 - 32, y: this.height - 40 - 32, w: 64, h: 64 };
  }

  /** Row hashes of the whole X framebuffer without `skip` and a `border` px edge (core GetImage, in strips). */
  async screenHashes(skip: Rect, border: number): Promise<number[]> {
    const strip = 64;
    const rows: number[] = [];
    for (let y = 0; y < this.height; y += strip) {
      const h = Math.min(strip, this.height - y);
      const image = await new Promise<{ data: Buffer }>((resolve, reject) =>
        this.X.GetImage(2, this.root, 0, y, this.width, h, 0xffffffff, (err, img) => (err ? reject(err) : resolve(img))),
      );
      rows.push(...rowHashes(image.data, this.width, h, y, skip, border, this.height));
    }
    return rows;
  }

  /** Moves the pointer off every scene element so idle means idle. */
  async parkPointer(): Promise<void> {
    await execFileAsync('xdotool', ['mousemove', String(this.width - 40), String(this.height - 40)], {
      env: { ...process.env, DISPLAY: this.displayName },
    });
  }

  async dispose(): Promise<void> {
    clearInterval(this.motionTimer);
    clearInterval(this.dragTimer);
    await this.closeXterm();
    await this.closeBuildLog();
    await new Promise<void>((resolve) => this.X.close(() => resolve()));
  }
}
