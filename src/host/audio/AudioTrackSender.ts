/** Turns 10 ms PCM frames into a WebRTC audio track (wrtc RTCAudioSource; Opus is negotiated by WebRTC). */
import { CHANNELS, FRAME_SAMPLES, PcmFrame, SAMPLE_RATE } from '../../common/audio/AudioFormat';
import { WrtcAudio, WrtcAudioSource } from './WrtcAudio';

export class AudioTrackSender {
  private readonly source: WrtcAudioSource;
  readonly track: MediaStreamTrack;
  readonly stream: MediaStream;

  constructor(wrtc: WrtcAudio) {
    this.source = new wrtc.nonstandard.RTCAudioSource();
    this.track = this.source.createTrack();
    this.stream = new wrtc.MediaStream([this.track]);
  }

  push(frame: PcmFrame): void {
    this.source.onData({
      samples: frame,
      sampleRate: SAMPLE_RATE,
      bitsPerSample: 16,
      channelCount: CHANNELS,
      numberOfFrames: FRAME_SAMPLES,
    });
  }

  dispose(): void {
    this.track.stop();
  }
}
