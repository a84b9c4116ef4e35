/**
 * Browser entry of the viewer page used by the host tests and benchmarks (and reusable by bench/vnc): a
 * RemoteViewer filling the window, driven from Node through `window.remoteAssist`. Signals leave through
 * `window.raSendSignal`, a function the Node side exposes.
 */
import { RemoteViewer } from '../../src/webview/viewer/RemoteViewer';
import { MarkerSpec } from './marker';

interface PageEvent {
  readonly type: string;
  readonly at: number;
  readonly [key: string]: unknown;
}


declare global {
  interface Window {
    raSendSignal(payload: unknown): void;
    remoteAssist: typeof api;
  }
}

let viewer: RemoteViewer | undefined;
const events: PageEvent[] = [];
const painted: { seq: number; at: number }[] = [];
let paintedFrames = 0;
const sampler = document.createElement('canvas');
const samplerContext = sampler.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;

function record(type: string, detail: Record<string, unknown> = {}): void {
  events.push({ type, at: performance.timeOrigin + performance.now(), ...detail });
}

/**
 * Reads screen pixels (x, y, w, h in screen coordinates) from what the viewer displays: the screen-regions
 * canvas while it shows, else the current video frame.
 */
function readScreen(x: number, y: number, w: number, h: number, screenWidth: number): Uint8ClampedArray {
  const v = viewer as RemoteViewer;
  const source = v.showsCanvas ? v.canvas : v.video;
  const k = v.showsCanvas ? v.canvas.width / screenWidth : v.video.videoWidth / screenWidth;
  sampler.width = Math.max(1, Math.round(w * k));
  sampler.height = Math.max(1, Math.round(h * k));
  samplerContext.drawImage(source, x * k, y * k, w * k, h * k, 0, 0, sampler.width, sampler.height);
  return samplerContext.getImageData(0, 0, sampler.width, sampler.height).data;
}

function toBase64(bytes: Uint8ClampedArray): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

const api = {
  start(options: { iceServers?: RTCIceServer[] } = {}): void {
    const container = document.getElementById('screen') as HTMLElement;
    viewer = new RemoteViewer(container, (payload) => window.raSendSignal(payload), options);
    viewer.onConnected((size) => record('connected', size));
    viewer.onDisconnected((reason) => record('disconnected', { reason }));
    viewer.onChat((text) => record('chat', { text }));
    viewer.onControlState((state) => record('control', state));
    viewer.onInputRefused(() => record('inputRefused', {}));
    viewer.onScreenHidden((state) => record('screenHidden', state));
    viewer.onAnnotationRefused(({ code, message }) => record('annotationRefused', { code, message }));
    viewer.onStats((stats) => record('stats', { ...stats }));
    viewer.onError((error) => record('error', error));
    viewer.onRegionsMode((mode) => record('regionsMode', { mode }));
  },
  signal(payload: unknown): void {
    viewer?.signal(payload);
  },
  events(): PageEvent[] {
    return events;
  },
  sendChat(text: string): void {
    viewer?.sendChat(text);
  },
  requestControl(): void {
    viewer?.requestControl();
  },
  setKeyboardCapture(on: boolean): void {
    viewer?.setKeyboardCapture(on);
  },
  /** Pen or arrow: drags draw on the sharer's screen; off: pointer input again (Alt+click points). */
  setAnnotationMode(mode: 'off' | 'pen' | 'arrow'): void {
    viewer?.setAnnotationMode(mode);
  },
  clearAnnotations(): void {
    viewer?.clearAnnotations();
  },
  setScale(scale: 'fit' | '1:1'): void {
    viewer?.setScale(scale);
  },
  /** Whether the viewer shows the screen-regions canvas (rather than the video). */
  showsCanvas(): boolean {
    return viewer?.showsCanvas ?? false;
  },
  /** The canvas's own RGBA pixels (screen coordinates, exact), base64. */
  canvasPixels(x: number, y: number, w: number, h: number): string {
    // Through the sampler (willReadFrequently), so reading back leaves the product canvas as it is.
    sampler.width = w;
    sampler.height = h;
    samplerContext.drawImage((viewer as RemoteViewer).canvas, x, y, w, h, 0, 0, w, h);
    return toBase64(samplerContext.getImageData(0, 0, w, h).data);
  },
  /** Boxes of the stage's layers and their stacking order, to check the canvas lies exactly over the video. */
  layers(): { order: string[]; boxes: Record<string, { x: number; y: number; width: number; height: number }> } {
    const stage = document.querySelector('.ra-stage') as HTMLElement;
    const boxes: Record<string, { x: number; y: number; width: number; height: number }> = {};
    const order = [...stage.children].map((e) => e.className || e.tagName.toLowerCase());
    for (const e of stage.children) {
      const r = e.getBoundingClientRect();
      boxes[e.className || e.tagName.toLowerCase()] = { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    return { order, boxes };
  },
  /** From now on, records a `frame` event (presentedAt: when the frame was presented) for every presented video frame. */
  recordFrames(): void {
    const video = (viewer as RemoteViewer).video;
    const onFrame = (_now: DOMHighResTimeStamp, frame: VideoFrameCallbackMetadata) => {
      record('frame', { presentedAt: performance.timeOrigin + frame.presentationTime });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  },
  /** Video frames presented so far (to tell when frames have stopped arriving). */
  presentedFrames(): number {
    return viewer?.video.getVideoPlaybackQuality().totalVideoFrames ?? 0;
  },
  videoSize(): { width: number; height: number } {
    const video = viewer?.video;
    return { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
  },
  /** Size of the picture the viewer shows: the region canvas while it shows, else the decoded video. */
  pictureSize(): { width: number; height: number } {
    const v = viewer as RemoteViewer | undefined;
    if (v?.showsCanvas) return { width: v.canvas.width, height: v.canvas.height };
    return { width: v?.video.videoWidth ?? 0, height: v?.video.videoHeight ?? 0 };
  },
  /** Average RGB of a screen rectangle as the viewer shows it. */
  averageColor(x: number, y: number, w: number, h: number, screenWidth: number): [number, number, number] {
    const data = readScreen(x, y, w, h, screenWidth);
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c];
    const n = data.length / 4;
    return [Math.round(sum[0] / n), Math.round(sum[1] / n), Math.round(sum[2] / n)];
  },
  /** Where the screen's point (x, y) is in page (CSS) coordinates, for mouse input. */
  pagePoint(x: number, y: number, screenWidth: number, screenHeight: number): { x: number; y: number } {
    const stage = document.querySelector('.ra-stage') as HTMLElement;
    const r = stage.getBoundingClientRect();
    return { x: r.left + ((x + 0.5) / screenWidth) * r.width, y: r.top + ((y + 0.5) / screenHeight) * r.height };
  },
  /**
   * Starts decoding a sequence number drawn as a strip of black/white cells on every painted frame,
   * recording when each new number is painted: each presented video frame (requestVideoFrameCallback)
   * while the video shows, and the animation frame after each screen-region update while the canvas shows
   * (the frame that puts it on screen, as the VNC bench samples noVNC's canvas). One clock for both.
   */
  watchMarker(marker: MarkerSpec, screenWidth: number): void {
    const v = viewer as RemoteViewer;
    let last = -1;
    const sample = (now: DOMHighResTimeStamp) => {
      paintedFrames++;
      const data = readScreen(marker.x, marker.y, marker.cell * marker.bits, marker.cell, screenWidth);
      const width = sampler.width;
      let seq = 0;
      for (let bit = 0; bit < marker.bits; bit++) {
        const px = Math.floor(((bit + 0.5) * width) / marker.bits);
        const py = Math.floor(sampler.height / 2);
        const i = (py * width + px) * 4;
        if (data[i] + data[i + 1] + data[i + 2] > 384) seq |= 1 << bit;
      }
      if (seq !== last) {
        last = seq;
        painted.push({ seq, at: performance.timeOrigin + now });
      }
    };
    const onFrame = (now: DOMHighResTimeStamp) => {
      if (!v.showsCanvas) sample(now);
      v.video.requestVideoFrameCallback(onFrame);
    };
    v.video.requestVideoFrameCallback(onFrame);
    let queued = false;
    v.onRegionsPainted(() => {
      if (queued || !v.showsCanvas) return;
      queued = true;
      requestAnimationFrame((now) => {
        queued = false;
        if (v.showsCanvas) sample(now);
      });
    });
  },
  /** Marker numbers painted since the last call, and frames painted in total. */
  takePainted(): { painted: { seq: number; at: number }[]; frames: number } {
    return { painted: painted.splice(0), frames: paintedFrames };
  },
};

window.remoteAssist = api;
