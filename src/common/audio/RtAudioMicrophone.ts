/** The microphone through RtAudio: an input-only stream whose callback hands 10 ms frames to onFrame. */
import type { RtAudio } from 'audify';
import { CHANNELS, FRAME_SAMPLES, PcmFrame, SAMPLE_RATE } from './AudioFormat';
import type { AudioError } from './AudioError';
import type { Microphone } from './AudioBackend';
import { Emitter } from '../lifecycle';
import { PcmFramer } from './PcmFramer';
import { closeRtStream, RTAUDIO_MINIMIZE_LATENCY, RTAUDIO_SINT16, RTAUDIO_WARNING, rtAudioError } from './RtAudioStream';

/**
 * Most captured audio passed on in one burst (150 ms). When the event loop stalls, RtAudio's callbacks queue up
 * and arrive back to back; sending all of them would add the stall to the conversation's delay for good (the
 * PulseAudio microphone caps its bursts the same way).
 */
const MAX_BURST_FRAMES = 15;
/** Callbacks closer together than this belong to one burst (the stream delivers one per 10 ms). */
const BURST_GAP_MS = 2;

export class RtAudioMicrophone implements Microphone {
  private readonly framer = new PcmFramer();
  private readonly _onFrame = new Emitter<PcmFrame>();
  readonly onFrame = this._onFrame.event;
  private readonly _onDidFail = new Emitter<AudioError>();
  readonly onDidFail = this._onDidFail.event;
  private disposed = false;
  private lastAt = 0;
  private burstFrames = 0;
  /** Frames skipped after stalls. */
  skipped = 0;

  constructor(
    private readonly rt: RtAudio,
    deviceId: number,
  ) {
    try {
      rt.openStream(
        null,
        { deviceId, nChannels: CHANNELS, firstChannel: 0 },
        RTAUDIO_SINT16,
        SAMPLE_RATE,
        FRAME_SAMPLES,
        'Remote Assist (microphone)',
        (pcm) => this.receive(pcm),
        null,
        RTAUDIO_MINIMIZE_LATENCY,
        (type, message) => {
          if (type !== RTAUDIO_WARNING && !this.disposed) this._onDidFail.fire(rtAudioError('microphone', new Error(message)));
        },
      );
      rt.start();
    } catch (err) {
      if (rt.isStreamOpen()) rt.closeStream();
      throw rtAudioError('microphone', err);
    }
  }

  private receive(pcm: Buffer): void {
    if (this.disposed) return;
    // The stream's frame size can differ from the one asked for (CoreAudio may round it): re-cut into 10 ms.
    const frames = this.framer.push(pcm);
    const now = performance.now();
    this.burstFrames = now - this.lastAt < BURST_GAP_MS ? this.burstFrames + frames.length : frames.length;
    this.lastAt = now;
    for (const frame of frames) {
      if (this.burstFrames > MAX_BURST_FRAMES) this.skipped++;
      else this._onFrame.fire(frame);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    closeRtStream(this.rt);
    this._onFrame.dispose();
    this._onDidFail.dispose();
  }
}
