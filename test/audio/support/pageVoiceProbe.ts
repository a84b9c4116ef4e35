/**
 * Runs in the panel page before its own script (bundled into an init script by ProductPanel): notes when
 * speech starts in the helper's microphone PCM arriving from the extension (`panelIn`) and in the sharer's
 * PCM the panel posts back (`panelOut`), as VoiceTrace does in Node, into `window.__raVoiceOnsets`.
 */
import { OnsetDetector } from '../../../src/common/audio/OnsetDetector';
import { QUIET_PEAK } from '../../../src/common/audio/StandingQueue';

interface ProbeWindow {
  __raVoiceOnsets: { point: string; at: number; value?: number }[];
  __raVoiceProbe: (point: string, message: unknown) => void;
}

const w = window as unknown as ProbeWindow;
w.__raVoiceOnsets = [];
const detectors = new Map<string, OnsetDetector>();

function samplesOf(pcm: unknown): Int16Array | undefined {
  if (pcm instanceof Uint8Array) {
    const copy = new Uint8Array(pcm.byteLength & ~1);
    copy.set(pcm.subarray(0, copy.byteLength));
    return new Int16Array(copy.buffer);
  }
  if (typeof pcm !== 'string') return undefined;
  const binary = atob(pcm);
  const bytes = new Uint8Array(binary.length & ~1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Int16Array(bytes.buffer);
}

w.__raVoiceProbe = (point, message) => {
  const m = message as { type?: string; pcm?: unknown } | null;
  if (!m || m.type !== 'viewerVoicePcm') return;
  const samples = samplesOf(m.pcm);
  if (!samples) return;
  let detector = detectors.get(point);
  if (!detector) detectors.set(point, (detector = new OnsetDetector()));
  // One message may hold several 10 ms frames.
  for (let offset = 0; offset + 480 <= samples.length; offset += 480) {
    if (detector.push(samples.subarray(offset, offset + 480))) w.__raVoiceOnsets.push({ point, at: performance.timeOrigin + performance.now() });
  }
};

/**
 * How unevenly the extension's PCM arrives: each message's lateness against a steady 48 kHz clock, and per
 * second the spread (latest − earliest). A buffer shorter than the spread must run dry (`panelInJitter`).
 */
const arrival = { samples: 0, start: 0, min: Infinity, max: -Infinity, windowStart: 0 };
/** Every PCM arrival as [ms, samples, loud (1) or quiet (0)], for bench/voice/replayWorklet.ts. */
(window as unknown as { __raArrivals: [number, number, number][] }).__raArrivals = [];
function noteArrival(message: unknown): void {
  const m = message as { type?: string; pcm?: unknown } | null;
  if (!m || m.type !== 'viewerVoicePcm' || !(m.pcm instanceof Uint8Array)) return;
  const now = performance.now();
  const samples = samplesOf(m.pcm) ?? new Int16Array(0);
  const loud = samples.some((v) => v > QUIET_PEAK * 32768 || v < -QUIET_PEAK * 32768) ? 1 : 0;
  (window as unknown as { __raArrivals: [number, number, number][] }).__raArrivals.push([Math.round(now * 100) / 100, samples.length, loud]);
  if (arrival.samples === 0 || now - arrival.windowStart > 5000) Object.assign(arrival, { samples: 0, start: now, windowStart: now, min: Infinity, max: -Infinity });
  const lateness = now - arrival.start - (arrival.samples / 48_000) * 1000;
  arrival.samples += m.pcm.byteLength / 2;
  arrival.min = Math.min(arrival.min, lateness);
  arrival.max = Math.max(arrival.max, lateness);
  if (now - arrival.windowStart >= 1000) {
    w.__raVoiceOnsets.push({ point: 'panelInJitter', at: performance.timeOrigin + now, value: arrival.max - arrival.min });
    Object.assign(arrival, { windowStart: now, min: Infinity, max: -Infinity });
  }
}

window.addEventListener(
  'message',
  (e) => {
    w.__raVoiceProbe('panelIn', e.data);
    noteArrival(e.data);
  },
  true,
);

// The microphone source's buffer depth as its worklet reports it (PcmSource), one value per 100 ms.
const NativeWorkletNode = window.AudioWorkletNode;
window.AudioWorkletNode = class extends NativeWorkletNode {
  constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    super(context, name, options);
    if (name !== 'remote-assist-pcm-source') return;
    const at = () => performance.timeOrigin + performance.now();
    w.__raVoiceOnsets.push({ point: 'contextLatency', at: at(), value: ((context as AudioContext).baseLatency ?? 0) * 1000 });
    this.port.addEventListener('message', (e: MessageEvent<{ queuedMs?: number; targetMs?: number; underruns?: number }>) => {
      if (typeof e.data?.queuedMs === 'number') w.__raVoiceOnsets.push({ point: 'workletQueue', at: at(), value: e.data.queuedMs });
      if (typeof e.data?.targetMs === 'number') w.__raVoiceOnsets.push({ point: 'workletTarget', at: at(), value: e.data.targetMs });
      if (typeof e.data?.underruns === 'number') w.__raVoiceOnsets.push({ point: 'workletUnderruns', at: at(), value: e.data.underruns });
    });
    this.port.start();
  }
};
