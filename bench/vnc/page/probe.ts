/**
 * In the viewer page: watches what the page actually renders (a <video>'s presented frames, our screen
 * regions canvas at the animation frame after each update painted on it, or noVNC's canvas on every
 * animation frame), reads the average colour of a few screen cells, and records each change with the
 * page's wall clock (timeOrigin + now, comparable with the bench process after calibration).
 */

export interface Cell {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** What requestVideoFrameCallback knew about the frame that showed the change (epoch ms). */
export interface FrameTiming {
  readonly receiveMs?: number;
  readonly captureMs?: number;
  readonly expectedDisplayMs: number;
  readonly processingMs?: number;
}

export interface Observation {
  /** When the page saw the new pixels (epoch ms). */
  readonly t: number;
  /** Average colour of each cell, 0xRRGGBB. */
  readonly values: number[];
  readonly frame?: FrameTiming;
}

export interface ProbeApi {
  /** Samples each presented frame, except while `hidden()` says another layer covers the video. */
  watchVideo(video: HTMLVideoElement, screenWidth: number, hidden?: () => boolean): void;
  watchCanvas(canvas: HTMLCanvasElement): void;
  /**
   * A canvas of screen size that changes only when `onPaint` says so: samples at the animation frame
   * after each paint (the frame that shows it), while `shown()`.
   */
  watchPaints(canvas: HTMLCanvasElement, shown: () => boolean, onPaint: (listener: () => void) => void): void;
  setCells(cells: Cell[]): void;
  drain(): { observations: Observation[]; ticks: number; clicks: number[] };
  now(): number;
}

declare global {
  interface Window {
    benchProbe: ProbeApi;
  }
}

/** Side of the square sampled at each cell's centre. */
const SAMPLE = 8;
/** A channel must move this much to count as a change (codec noise stays below it). */
const THRESHOLD = 40;

const epoch = (t: number): number => performance.timeOrigin + t;

let cells: Cell[] = [];
let last: number[] = [];
let observations: Observation[] = [];
let clicks: number[] = [];
let ticks = 0;
const scratch = document.createElement('canvas');
const ctx = scratch.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;

function changed(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) {
    for (const shift of [16, 8, 0]) {
      if (Math.abs(((a[i] >> shift) & 255) - ((b[i] >> shift) & 255)) > THRESHOLD) return true;
    }
  }
  return false;
}

/** Reads every cell from `source` (whose pixels are `scale` × screen pixels). */
function read(source: CanvasImageSource, scale: number): number[] {
  if (!cells.length) return [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    const cx = (c.x + c.w / 2 - SAMPLE / 2) * scale;
    const cy = (c.y + c.h / 2 - SAMPLE / 2) * scale;
    ctx.drawImage(source, cx, cy, SAMPLE * scale, SAMPLE * scale, i * SAMPLE, 0, SAMPLE, SAMPLE);
  }
  const data = ctx.getImageData(0, 0, cells.length * SAMPLE, SAMPLE).data;
  const values: number[] = [];
  const stride = cells.length * SAMPLE * 4;
  for (let i = 0; i < cells.length; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let y = 0; y < SAMPLE; y++) {
      for (let x = 0; x < SAMPLE; x++) {
        const o = y * stride + (i * SAMPLE + x) * 4;
        r += data[o];
        g += data[o + 1];
        b += data[o + 2];
      }
    }
    const n = SAMPLE * SAMPLE;
    values.push((Math.round(r / n) << 16) | (Math.round(g / n) << 8) | Math.round(b / n));
  }
  return values;
}

function record(t: number, values: number[], frame?: FrameTiming): void {
  ticks++;
  if (!changed(values, last)) return;
  last = values;
  observations.push({ t, values, frame });
}

window.addEventListener('pointerdown', (e) => clicks.push(epoch(e.timeStamp)), { capture: true });

window.benchProbe = {
  watchVideo(video, screenWidth, hidden = () => false) {
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
      video.requestVideoFrameCallback(onFrame);
      if (hidden()) return;
      const t = epoch(performance.now());
      const values = read(video, video.videoWidth / screenWidth);
      record(t, values, {
        receiveMs: meta.receiveTime === undefined ? undefined : epoch(meta.receiveTime),
        captureMs: meta.captureTime === undefined ? undefined : epoch(meta.captureTime),
        expectedDisplayMs: epoch(meta.expectedDisplayTime),
        processingMs: meta.processingDuration === undefined ? undefined : meta.processingDuration * 1000,
      });
    };
    video.requestVideoFrameCallback(onFrame);
  },
  watchCanvas(canvas) {
    const onFrame = (): void => {
      record(epoch(performance.now()), read(canvas, 1));
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
  },
  watchPaints(canvas, shown, onPaint) {
    let queued = false;
    onPaint(() => {
      if (queued || !shown()) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        if (shown()) record(epoch(performance.now()), read(canvas, 1));
      });
    });
  },
  setCells(next) {
    cells = next;
    last = [];
    scratch.width = Math.max(1, next.length * SAMPLE);
    scratch.height = SAMPLE;
  },
  drain() {
    const out = { observations, ticks, clicks };
    observations = [];
    clicks = [];
    ticks = 0;
    return out;
  },
  now: () => epoch(performance.now()),
};
