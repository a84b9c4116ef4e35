/**
 * AudioWorklet processors of the panel's voice bridge (bundled to dist/webview/voice-worklet.js):
 *  - remote-assist-pcm-source: plays 10 ms s16 frames posted from the main thread (the helper's microphone,
 *    captured in Node) into the graph, to become a WebRTC track through a MediaStreamDestination;
 *  - remote-assist-pcm-tap: cuts the sharer's remote track into 10 ms s16 frames and posts them back.
 */
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

const FRAME = 480;
/** Output starts once this much is queued, and again after running dry: rides out postMessage jitter. */
const PREBUFFER = 2 * FRAME;
/** Beyond this the oldest audio is dropped so delay never builds up. */
const MAX_QUEUED = 8 * FRAME;

class PcmSource extends AudioWorkletProcessor {
  private readonly ring = new Float32Array(16 * FRAME);
  private read = 0;
  private write = 0;
  private playing = false;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<ArrayBuffer>) => this.push(new Int16Array(e.data));
  }

  private get queued(): number {
    return this.write - this.read;
  }

  private push(samples: Int16Array): void {
    for (let i = 0; i < samples.length; i++) this.ring[this.write++ % this.ring.length] = samples[i] / 32768;
    if (this.queued > MAX_QUEUED) this.read = this.write - PREBUFFER;
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0][0];
    if (!this.playing && this.queued >= PREBUFFER) this.playing = true;
    if (!this.playing || this.queued < out.length) {
      this.playing = false;
      out.fill(0);
      return true;
    }
    for (let i = 0; i < out.length; i++) out[i] = this.ring[this.read++ % this.ring.length];
    return true;
  }
}

class PcmTap extends AudioWorkletProcessor {
  private frame = new Int16Array(FRAME);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const n = channels[0].length;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const ch of channels) sum += ch[i];
      const v = Math.max(-1, Math.min(1, sum / channels.length));
      this.frame[this.filled++] = Math.round(v * 32767);
      if (this.filled === FRAME) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

if (sampleRate !== 48_000) throw new Error(`voice worklet needs a 48 kHz AudioContext, got ${sampleRate}`);
registerProcessor('remote-assist-pcm-source', PcmSource);
registerProcessor('remote-assist-pcm-tap', PcmTap);
