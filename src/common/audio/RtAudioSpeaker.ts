/**
 * The speaker through RtAudio: an output-only stream fed with write(); audify tells us each frame it hands
 * to the device, so the queue in front of the speaker is counted, not guessed, and kept short by the same
 * rule as the PulseAudio speaker (drop quiet audio past the target, anything past the cap).
 */
import type { RtAudio } from 'audify';
import { AudioError } from './AudioError';
import { CHANNELS, FRAME_MS, FRAME_SAMPLES, PcmFrame, SAMPLE_RATE } from './AudioFormat';
import type { Speaker } from './AudioBackend';
import { Emitter } from '../lifecycle';
import { frameBytes } from './PcmFramer';
import { closeRtStream, RTAUDIO_MINIMIZE_LATENCY, RTAUDIO_SINT16, RTAUDIO_WARNING, rtAudioError } from './RtAudioStream';
import { isQuiet, QUIET_BEFORE_DROP_MS } from './StandingQueue';

/** Queue kept while frames arrive: one late frame's worth beyond the one playing. */
const TARGET_QUEUED_MS = 3 * FRAME_MS;
/** Most audio we let wait for the speaker, speech or not. */
const MAX_QUEUED_MS = 250;

export class RtAudioSpeaker implements Speaker {
  private readonly _onDidFail = new Emitter<AudioError>();
  readonly onDidFail = this._onDidFail.event;
  /** Bytes per write() as the stream was opened (RtAudio may pick another frame size than asked). */
  private readonly chunkBytes: number;
  private pending = Buffer.alloc(0);
  private written = 0;
  private played = 0;
  private quietMs = 0;
  private dropped = 0;
  private disposed = false;

  constructor(
    private readonly rt: RtAudio,
    deviceId: number,
  ) {
    try {
      const frameSize = rt.openStream(
        { deviceId, nChannels: CHANNELS, firstChannel: 0 },
        null,
        RTAUDIO_SINT16,
        SAMPLE_RATE,
        FRAME_SAMPLES,
        'Remote Assist (speaker)',
        null,
        () => this.played++,
        RTAUDIO_MINIMIZE_LATENCY,
        (type, message) => {
          if (type !== RTAUDIO_WARNING && !this.disposed) this._onDidFail.fire(rtAudioError('speaker', new Error(message)));
        },
      );
      this.chunkBytes = (frameSize || FRAME_SAMPLES) * CHANNELS * 2;
      rt.start();
    } catch (err) {
      if (rt.isStreamOpen()) rt.closeStream();
      throw rtAudioError('speaker', err);
    }
  }

  /** Audio written but not yet handed to the device. */
  get queuedMs(): number {
    return Math.max(0, (this.written - this.played) * ((this.chunkBytes / 2 / CHANNELS) * 1000) / SAMPLE_RATE);
  }

  /** Frames dropped to keep the delay down. */
  get droppedFrames(): number {
    return this.dropped;
  }

  play(frame: PcmFrame): void {
    if (this.disposed) return;
    const queued = this.queuedMs;
    this.quietMs = isQuiet(frame, 32768) ? this.quietMs + FRAME_MS : 0;
    if (queued > MAX_QUEUED_MS || (queued > TARGET_QUEUED_MS && this.quietMs > QUIET_BEFORE_DROP_MS)) {
      this.dropped++;
      return;
    }
    this.pending = Buffer.concat([this.pending, frameBytes(frame)]);
    try {
      while (this.pending.length >= this.chunkBytes) {
        this.rt.write(Buffer.from(this.pending.subarray(0, this.chunkBytes)));
        this.pending = this.pending.subarray(this.chunkBytes);
        this.written++;
      }
    } catch (err) {
      this._onDidFail.fire(rtAudioError('speaker', err));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    closeRtStream(this.rt);
    this._onDidFail.dispose();
  }
}
