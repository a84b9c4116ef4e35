/**
 * Plays the benchmark scenes on an X display with its own X client: a latency patch that changes colour on
 * request, a full-screen scroller with a frame-number marker, a click target that changes colour when
 * clicked, and an xterm that xdotool types into. Times are taken on this process's clock (`nowMs`).
 */
import { ChildProcess, execFile, spawn } from 'child_process';
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
} as const;

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

  private constructor(
    private readonly X: XClient,
    private readonly display: string,
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
    let busy = false;
    this.motionTimer = setInterval(() => {
      if (busy) return; // the X server is behind: skip a tick rather than queue requests
      busy = true;
      this.drawMotionFrame();
      this.X.sync().then(
        () => (busy = false),
        () => (busy = false),
      );
    }, 1000 / fps);
  }

  /** Frames drawn since motion started. */
  framesDrawn(): number {
    return this.motionFrames;
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
      env: { ...process.env, DISPLAY: this.display },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { stdout } = await execFileAsync('xdotool', ['search', '--onlyvisible', '--class', 'xterm'], {
        env: { ...process.env, DISPLAY: this.display },
      }).catch(() => ({ stdout: '' }));
      if (stdout.trim()) break;
      if (Date.now() > deadline) throw new Error('xterm did not appear within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Types `text` into the xterm at `charsPerSecond` through XTEST (pointer over the xterm gives it focus),
   * one xdotool call per character on an absolute schedule (xdotool's own --delay does not keep the rate).
   */
  async typeIntoXterm(text: string, charsPerSecond: number): Promise<void> {
    const env = { ...process.env, DISPLAY: this.display };
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

  /** Moves the pointer off every scene element so idle means idle. */
  async parkPointer(): Promise<void> {
    await execFileAsync('xdotool', ['mousemove', String(this.width - 40), String(this.height - 40)], {
      env: { ...process.env, DISPLAY: this.display },
    });
  }

  async dispose(): Promise<void> {
    clearInterval(this.motionTimer);
    await this.closeXterm();
    await new Promise<void>((resolve) => this.X.close(() => resolve()));
  }
}
