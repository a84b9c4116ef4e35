/**
 * Reads a remote WebRTC audio track (wrtc RTCAudioSink) as 48 kHz mono 10 ms frames, whatever rate and
 * channel count the decoder hands out (it starts at 16 kHz before the first packet arrives).
 */
import { FRAME_SAMPLES, PcmFrame, SAMPLE_RATE } from '../../common/audio/AudioFormat';
import { Emitter } from '../../common/lifecycle';
import { RTCAudioData, WrtcAudio, WrtcAudioSink } from './WrtcAudio';

export class AudioTrackReceiver {
  private readonly sink: WrtcAudioSink;
  private readonly _onFrame = new Emitter<PcmFrame>();
  readonly onFrame = this._onFrame.event;
  private pending: number[] = [];

  constructor(wrtc: WrtcAudio, track: MediaStreamTrack) {
    this.sink = new wrtc.nonstandard.RTCAudioSink(track);
    this.sink.ondata = (data) => this.receive(data);
  }

  private receive(data: RTCAudioData): void {
    const channels = Math.max(1, data.channelCount ?? 1);
    const frames = data.numberOfFrames ?? Math.floor(data.samples.length / channels);
    const mono = new Float64Array(frames);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += data.samples[i * channels + c];
      mono[i] = sum / channels;
    }
    const resampled = data.sampleRate === SAMPLE_RATE ? mono : resampleLinear(mono, data.sampleRate, SAMPLE_RATE);
    for (const s of resampled) this.pending.push(s);
    while (this.pending.length >= FRAME_SAMPLES) {
      const frame = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = Math.max(-32768, Math.min(32767, Math.round(this.pending[i])));
      this.pending = this.pending.slice(FRAME_SAMPLES);
      this._onFrame.fire(frame);
    }
  }

  dispose(): void {
    this.sink.ondata = null;
    this.sink.stop();
    this._onFrame.dispose();
  }
}

/** Linear interpolation is enough for speech at the decoder's fallback rates (8/16/24/32 kHz → 48 kHz). */
export function resampleLinear(input: ArrayLike<number>, from: number, to: number): Float64Array {
  const out = new Float64Array(Math.round((input.length * to) / from));
  for (let i = 0; i < out.length; i++) {
    const pos = (i * from) / to;
    const i0 = Math.floor(pos);
    const i1 = Math.min(input.length - 1, i0 + 1);
    const t = pos - i0;
    out[i] = input[Math.min(i0, input.length - 1)] * (1 - t) + input[i1] * t;
  }
  return out;
}
