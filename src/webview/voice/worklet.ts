/**
 * AudioWorklet processors of the panel's voice bridge (bundled to dist/webview/voice-worklet.js):
 *  - remote-assist-pcm-source: plays 10 ms s16 frames posted from the main thread (the helper's microphone,
 *    captured in Node) into the graph, to become a WebRTC track through a MediaStreamDestination;
 *  - remote-assist-pcm-tap: cuts the sharer's remote track into 10 ms s16 frames and posts them back.
 */
declare const sampleRate: number;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

import { ArrivalJitter } from '../../common/audio/ArrivalJitter';
import { QUIET_PEAK } from '../../common/audio/StandingQueue';

const FRAME = 480;
/** Samples the graph renders per process() call. */
const QUANTUM = 128;
/**
 * Buffer bounds: output (re)starts once `target` is queued. The target is one message (10 ms) and a render
 * quantum plus what the arrivals of the last seconds needed (their lateness spread, see ArrivalJitter): about
 * 15–20 ms when the extension's posts come evenly, more while they come in bursts, and back down within
 * seconds once they are even again (it used to grow a frame per underrun and shrink a frame per 5 s).
 * The sharer's WebRTC jitter buffer absorbs network jitter; this one only evens out the extension's posts.
 */
const MIN_TARGET = FRAME;
const MAX_TARGET = 8 * FRAME;
/** Arrivals this far back count (2 s); a pause of 0.5 s starts afresh (talk stopped, or the capture stalled). */
const JITTER_WINDOW = 2 * 48_000;
const NEW_STREAM_GAP = 24_000;
/** Beyond target + this, the oldest audio is dropped back to the target, speech or not. */
const SLACK = 10 * FRAME;
/**
 * Quiet this long (samples, 20 ms) may be shortened while the buffer holds more than its target. The target
 * follows the current jitter, but what the buffer holds stays at the level it started at, or reached after a
 * burst, a late render or an underrun, until something is dropped: with only the silence between sentences
 * dropped (300 ms of quiet, as the speaker pipe does), ~25–50 ms above the target stood through every sentence
 * (bench:voice, worklet queue against target). As NetEq accelerates, the excess now goes in the next pause
 * between words: a pause loses at most the excess, usually a few ms, and speech itself is never cut here.
 */
const QUIET_BEFORE_TRIM = 960;
/** Samples between reports of the buffer's depth (100 ms). */
const REPORT_EVERY = 4800;

/**
 * The helper's microphone PCM, posted from the extension in 10 ms frames, played into the graph. postMessage
 * from the extension host arrives unevenly on a busy machine; the buffer holds what the current unevenness
 * needs and no more.
 */
class PcmSource extends AudioWorkletProcessor {
  private readonly ring = new Float32Array(32 * FRAME);
  private read = 0;
  private write = 0;
  private playing = false;
  private target = MIN_TARGET;
  private readonly jitter = new ArrivalJitter(JITTER_WINDOW, NEW_STREAM_GAP);
  private sinceReport = 0;
  /** Quiet samples played in a row. */
  private quietRun = 0;
  /** Times the buffer ran dry while playing (reported with the depth). */
  private underruns = 0;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent<ArrayBuffer>) => this.push(new Int16Array(e.data));
  }

  private get queued(): number {
    return this.write - this.read;
  }

  private quietAhead(n: number): boolean {
    const limit = QUIET_PEAK;
    for (let i = 0; i < n; i++) {
      const v = this.ring[(this.read + i) % this.ring.length];
      if (v > limit || v < -limit) return false;
    }
    return true;
  }

  private push(samples: Int16Array): void {
    // Between two messages the buffer plays one message's worth, plus up to one quantum of rounding, plus
    // however late the next one may come.
    const spread = this.jitter.note(currentFrame, samples.length);
    this.target = Math.min(MAX_TARGET, Math.max(MIN_TARGET, samples.length + QUANTUM + spread));
    for (let i = 0; i < samples.length; i++) this.ring[this.write++ % this.ring.length] = samples[i] / 32768;
    if (this.queued > this.target + SLACK) this.read = this.write - this.target;
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0][0];
    if ((this.sinceReport += out.length) >= REPORT_EVERY) {
      // How much audio waits here: this buffer's share of mouth-to-ear (read by bench:voice).
      this.sinceReport = 0;
      this.port.postMessage({ queuedMs: (this.queued / sampleRate) * 1000, targetMs: (this.target / sampleRate) * 1000, underruns: this.underruns });
    }
    if (!this.playing && this.queued >= this.target) this.playing = true;
    if (this.playing && this.queued < out.length) {
      // Ran dry: wait until the target is queued again (the late arrival has raised it).
      this.playing = false;
      this.underruns++;
    }
    if (!this.playing) {
      out.fill(0);
      return true;
    }
    // A burst (the extension stalled, then posted its backlog) leaves more queued than the target; it would
    // stay as delay for the rest of the call, so quiet beyond the target is skipped (see QUIET_BEFORE_TRIM).
    while (this.queued - out.length > this.target && this.quietRun >= QUIET_BEFORE_TRIM && this.quietAhead(out.length)) this.read += out.length;
    const quiet = this.quietAhead(out.length);
    this.quietRun = quiet ? this.quietRun + out.length : 0;
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
