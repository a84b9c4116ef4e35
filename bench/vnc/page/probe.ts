/**
 * In every viewer page, the one sampler: on every animation frame it reads a few screen cells from what the
 * page shows (a canvas, or our <video> while the region canvas is hidden) and records each change with the
 * page's wall clock (timeOrigin + now, comparable with the bench process after calibration). The same code
 * path, at the same rate, for every system. `picture()` hashes every row of the shown canvas for the pixel
 * check against the X framebuffer.
 *
 * Beside it, the paint hook: after any task that wrote the shown canvas (putImageData, drawImage or fillRect on
 * its 2D context — noVNC's flip and our region canvas alike) it reads the same cells once more and records a
 * change as a `paint`. Animation-frame samples are what a 60 Hz display shows (0–16.7 ms after the write, the
 * same for every system); paints are when the viewer's canvas held the pixels, without that wait. A <video>
 * has no hook: while ours shows video only animation-frame samples exist.
 */

export interface Cell {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Observation {
  /** When the page saw the new pixels (epoch ms). */
  readonly t: number;
  /** Average colour of each cell, 0xRRGGBB. */
  readonly values: number[];
}

/** What the page shows now: a canvas at screen size, or a video whose pixels are `scale` × screen pixels. */
export type Surface = { readonly kind: 'canvas'; readonly canvas: HTMLCanvasElement } | { readonly kind: 'video'; readonly video: HTMLVideoElement; readonly scale: number };

export interface PictureHash {
  readonly kind: 'canvas' | 'video' | 'none';
  readonly width: number;
  readonly height: number;
  /** FNV-1a of each row's R, G, B bytes (the same hash the bench computes over the X framebuffer). */
  readonly rows: number[];
}

/** A rectangle of what the page shows, as RGB bytes (base64), for comparing with source frames (PSNR). */
export interface Grab {
  readonly kind: 'canvas' | 'video' | 'none';
  /** When the page read it (epoch ms). */
  readonly t: number;
  readonly width: number;
  readonly height: number;
  readonly rgbBase64: string;
}

export interface ProbeApi {
  /** Starts the sampler on whatever `surface()` returns at each animation frame. */
  watch(surface: () => Surface | undefined): void;
  setCells(cells: Cell[]): void;
  /** Animation-frame observations, paint-hook observations (see above), frames sampled and clicks since the last drain. */
  drain(): { observations: Observation[]; paints: Observation[]; ticks: number; clicks: number[] };
  /** Row hashes of the shown canvas, leaving out `skip` (where a cursor may be painted) and a `border` px edge. */
  picture(skip: Cell, border: number): PictureHash;
  /** The rectangle `r` (screen pixels) of what the page shows now, at screen scale. */
  grab(r: Cell): Grab;
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
let paints: Observation[] = [];
let lastPaint: number[] = [];
let paintQueued = false;
let clicks: number[] = [];
let ticks = 0;
let current: (() => Surface | undefined) | undefined;
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

function sample(): void {
  requestAnimationFrame(sample);
  const s = current?.();
  if (!s || !cells.length) return;
  if (s.kind === 'video' && !s.video.videoWidth) return;
  const values = s.kind === 'canvas' ? read(s.canvas, 1) : read(s.video, s.scale);
  ticks++;
  if (!changed(values, last)) return;
  last = values;
  observations.push({ t: epoch(performance.now()), values });
}

/** A write to `canvas` finished its task: read the cells once after it (a microtask: after the writer's code). */
function written(canvas: HTMLCanvasElement | OffscreenCanvas): void {
  if (paintQueued || !cells.length) return;
  const s = current?.();
  if (s?.kind !== 'canvas' || s.canvas !== canvas) return;
  paintQueued = true;
  queueMicrotask(() => {
    paintQueued = false;
    const values = read(s.canvas, 1);
    if (!changed(values, lastPaint)) return;
    lastPaint = values;
    paints.push({ t: epoch(performance.now()), values });
  });
}

for (const name of ['putImageData', 'drawImage', 'fillRect'] as const) {
  const proto = CanvasRenderingContext2D.prototype as unknown as Record<string, (...args: unknown[]) => void>;
  const original = proto[name];
  proto[name] = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
    original.apply(this, args);
    written(this.canvas);
  };
}

window.addEventListener('pointerdown', (e) => clicks.push(epoch(e.timeStamp)), { capture: true });

window.benchProbe = {
  watch(surface) {
    const first = !current;
    current = surface;
    if (first) requestAnimationFrame(sample);
  },
  setCells(next) {
    cells = next;
    last = [];
    lastPaint = [];
    scratch.width = Math.max(1, next.length * SAMPLE);
    scratch.height = SAMPLE;
  },
  drain() {
    const out = { observations, paints, ticks, clicks };
    observations = [];
    paints = [];
    clicks = [];
    ticks = 0;
    return out;
  },
  picture(skip, border) {
    const s = current?.();
    if (!s) return { kind: 'none', width: 0, height: 0, rows: [] };
    if (s.kind === 'video') return { kind: 'video', width: s.video.videoWidth, height: s.video.videoHeight, rows: [] };
    const { width, height } = s.canvas;
    const data = (s.canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, width, height).data;
    const rows: number[] = [];
    for (let y = 0; y < height; y++) {
      let h = 0x811c9dc5;
      const skipping = y >= skip.y && y < skip.y + skip.h;
      const edge = y < border || y >= height - border;
      for (let o = y * width * 4, end = o + width * 4, x = 0; o < end; o += 4, x++) {
        if (edge || x < border || x >= width - border || (skipping && x >= skip.x && x < skip.x + skip.w)) continue;
        h = Math.imul(h ^ data[o], 0x01000193);
        h = Math.imul(h ^ data[o + 1], 0x01000193);
        h = Math.imul(h ^ data[o + 2], 0x01000193);
      }
      rows.push(h >>> 0);
    }
    return { kind: 'canvas', width, height, rows };
  },
  grab(r) {
    const s = current?.();
    const t = epoch(performance.now());
    if (!s || (s.kind === 'video' && !s.video.videoWidth)) return { kind: 'none', t, width: 0, height: 0, rgbBase64: '' };
    const canvas = document.createElement('canvas');
    canvas.width = r.w;
    canvas.height = r.h;
    const g = canvas.getContext('2d') as CanvasRenderingContext2D;
    const scale = s.kind === 'canvas' ? 1 : s.scale;
    g.drawImage(s.kind === 'canvas' ? s.canvas : s.video, r.x * scale, r.y * scale, r.w * scale, r.h * scale, 0, 0, r.w, r.h);
    const rgba = g.getImageData(0, 0, r.w, r.h).data;
    const rgb = new Uint8Array(r.w * r.h * 3);
    for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
      rgb[o] = rgba[i];
      rgb[o + 1] = rgba[i + 1];
      rgb[o + 2] = rgba[i + 2];
    }
    let binary = '';
    for (let i = 0; i < rgb.length; i += 0x8000) binary += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
    return { kind: s.kind, t, width: r.w, height: r.h, rgbBase64: btoa(binary) };
  },
  now: () => epoch(performance.now()),
};
