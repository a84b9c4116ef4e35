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

/** Reads screen pixels (x, y, w, h in screen coordinates) from the currently displayed video frame. */
function readScreen(x: number, y: number, w: number, h: number, screenWidth: number): Uint8ClampedArray {
  const video = (viewer as RemoteViewer).video;
  const k = video.videoWidth / screenWidth;
  sampler.width = Math.max(1, Math.round(w * k));
  sampler.height = Math.max(1, Math.round(h * k));
  samplerContext.drawImage(video, x * k, y * k, w * k, h * k, 0, 0, sampler.width, sampler.height);
  return samplerContext.getImageData(0, 0, sampler.width, sampler.height).data;
}

const api = {
  start(options: { iceServers?: RTCIceServer[] } = {}): void {
    const container = document.getElementById('screen') as HTMLElement;
    viewer = new RemoteViewer(container, (payload) => window.raSendSignal(payload), options);
    viewer.onConnected((size) => record('connected', size));
    viewer.onDisconnected((reason) => record('disconnected', { reason }));
    viewer.onChat((text) => record('chat', { text }));
    viewer.onControlState((state) => record('control', state));
    viewer.onStats((stats) => record('stats', { ...stats }));
    viewer.onError((error) => record('error', error));
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
  setScale(scale: 'fit' | '1:1'): void {
    viewer?.setScale(scale);
  },
  videoSize(): { width: number; height: number } {
    const video = viewer?.video;
    return { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
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
   * Starts decoding a sequence number drawn as a strip of black/white cells on every painted frame
   * (requestVideoFrameCallback), recording when each new number is painted.
   */
  watchMarker(marker: MarkerSpec, screenWidth: number): void {
    const video = (viewer as RemoteViewer).video;
    let last = -1;
    const onFrame = (now: DOMHighResTimeStamp) => {
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
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  },
  /** Marker numbers painted since the last call, and frames painted in total. */
  takePainted(): { painted: { seq: number; at: number }[]; frames: number } {
    return { painted: painted.splice(0), frames: paintedFrames };
  },
};

window.remoteAssist = api;
