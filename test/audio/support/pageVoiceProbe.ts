/**
 * Runs in the panel page before its own script (bundled into an init script by ProductPanel): notes when
 * speech starts in the helper's microphone PCM arriving from the extension (`panelIn`) and in the sharer's
 * PCM the panel posts back (`panelOut`), as VoiceTrace does in Node, into `window.__raVoiceOnsets`.
 */
import { OnsetDetector } from '../../../src/common/audio/OnsetDetector';

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

window.addEventListener('message', (e) => w.__raVoiceProbe('panelIn', e.data), true);

// The microphone source's buffer depth as its worklet reports it (PcmSource), one value per 100 ms.
const NativeWorkletNode = window.AudioWorkletNode;
window.AudioWorkletNode = class extends NativeWorkletNode {
  constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    super(context, name, options);
    if (name !== 'remote-assist-pcm-source') return;
    const at = () => performance.timeOrigin + performance.now();
    w.__raVoiceOnsets.push({ point: 'contextLatency', at: at(), value: ((context as AudioContext).baseLatency ?? 0) * 1000 });
    this.port.addEventListener('message', (e: MessageEvent<{ queuedMs?: number }>) => {
      if (typeof e.data?.queuedMs === 'number') w.__raVoiceOnsets.push({ point: 'workletQueue', at: at(), value: e.data.queuedMs });
    });
    this.port.start();
  }
};
