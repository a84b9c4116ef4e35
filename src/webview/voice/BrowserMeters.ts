/**
 * The level meters for Start Talking in the browser page, where the audio never passes through the extension's
 * LevelMeter: the microphone's and the sharer's tracks are measured in the page (RMS in dBFS over the last
 * ~85 ms, floor -60 dB, the same scale as LevelMeter), about 10 times a second.
 */
import { IDisposable } from '../../common/lifecycle';
import { LEVEL_FLOOR_DB } from '../../common/audio/LevelMeter';

const INTERVAL_MS = 100;

export class BrowserMeters implements IDisposable {
  private readonly context = new AudioContext({ latencyHint: 'playback' });
  private readonly local: AnalyserNode;
  private remote: { node: MediaStreamAudioSourceNode; analyser: AnalyserNode } | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly buffer = new Float32Array(4096);

  constructor(microphone: MediaStream, report: (levels: { local: number; remote: number }) => void) {
    this.local = this.analyser(this.context.createMediaStreamSource(microphone));
    this.timer = setInterval(() => report({ local: this.level(this.local), remote: this.remote ? this.level(this.remote.analyser) : 0 }), INTERVAL_MS);
    void this.context.resume().catch(() => undefined);
  }

  /** The sharer's track (it may arrive after talking started). */
  setRemote(stream: MediaStream | undefined): void {
    this.remote?.node.disconnect();
    this.remote = stream ? (() => {
      const node = this.context.createMediaStreamSource(stream);
      return { node, analyser: this.analyser(node) };
    })() : undefined;
  }

  private analyser(source: AudioNode): AnalyserNode {
    const analyser = this.context.createAnalyser();
    analyser.fftSize = this.buffer.length;
    source.connect(analyser);
    return analyser;
  }

  private level(analyser: AnalyserNode): number {
    analyser.getFloatTimeDomainData(this.buffer);
    let sum = 0;
    for (const s of this.buffer) sum += s * s;
    const rms = Math.sqrt(sum / this.buffer.length);
    const db = rms > 0 ? Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(rms)) : LEVEL_FLOOR_DB;
    return Math.min(1, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.remote?.node.disconnect();
    void this.context.close().catch(() => undefined);
  }
}
