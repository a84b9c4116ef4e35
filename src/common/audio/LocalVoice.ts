/**
 * Voice on one user's own machine: the microphone (through mute / push-to-talk) out as 10 ms frames, the far
 * side's frames in to the speaker, echo cancellation when the audio system offers it, and both meters.
 * The devices come from the platform's AudioBackend (PulseAudio's tools, or RtAudio).
 * Where the frames travel (a wrtc track in the host process, or the panel webview's peer) is the caller's.
 */
import { AudioBackend, audioBackendName, Microphone, OpenAudio, Speaker } from './AudioBackend';
import { AudioError } from './AudioError';
import { PcmFrame } from './AudioFormat';
import { Emitter } from '../lifecycle';
import { LevelMeter } from './LevelMeter';
import { MicGate, MicMode } from './MicGate';
import { pulseAudioBackend } from './PulseAudioBackend';
import { rtAudioBackend } from './RtAudioBackend';
import { VoiceTrace } from './VoiceTrace';

export interface LocalVoiceOptions {
  /** Device names from settings; '' = the system default. */
  readonly input: string;
  readonly output: string;
  readonly echoCancel: boolean;
  readonly micMode: MicMode;
  readonly env?: NodeJS.ProcessEnv;
}

export interface VoiceLevels {
  /** Our microphone as the far side hears it (0 while muted). */
  readonly local: number;
  /** What we hear from the far side. */
  readonly remote: number;
}

/** How often the meters are reported. */
const LEVEL_INTERVAL_MS = 100;

export class LocalVoice {
  private readonly _onMicFrame = new Emitter<PcmFrame>();
  /** Gated microphone frames, every 10 ms. */
  readonly onMicFrame = this._onMicFrame.event;
  private readonly _onLevels = new Emitter<VoiceLevels>();
  readonly onLevels = this._onLevels.event;
  private readonly _onDidFail = new Emitter<AudioError>();
  /** The microphone or speaker stopped working; the caller stops talking and tells the user. */
  readonly onDidFail = this._onDidFail.event;

  readonly gate: MicGate;
  private readonly localMeter = new LevelMeter();
  private readonly remoteMeter = new LevelMeter();
  private readonly levelTimer: NodeJS.Timeout;
  private readonly micTrace: VoiceTrace | undefined;
  private readonly playTrace: VoiceTrace | undefined;
  private disposed = false;

  private readonly mic: Microphone;
  private readonly speaker: Speaker;
  /** The devices in use (the echo-cancelled pair when on). */
  readonly devices: OpenAudio['devices'];

  private constructor(
    private readonly audio: OpenAudio,
    micMode: MicMode,
    env: NodeJS.ProcessEnv | undefined,
  ) {
    this.mic = audio.mic;
    this.speaker = audio.speaker;
    this.devices = audio.devices;
    const { mic, speaker } = audio;
    this.gate = new MicGate(micMode);
    this.micTrace = VoiceTrace.at('mic', env);
    this.playTrace = VoiceTrace.at('play', env);
    const queueTrace = VoiceTrace.at('speakerQueue', env);
    mic.onFrame((frame) => {
      const out = this.gate.apply(frame);
      this.localMeter.update(out);
      this.micTrace?.frame(out);
      this._onMicFrame.fire(out);
    });
    const fail = (err: AudioError) => {
      if (!this.disposed) this._onDidFail.fire(err);
    };
    mic.onDidFail(fail);
    speaker.onDidFail(fail);
    this.levelTimer = setInterval(
      () => {
        this._onLevels.fire({ local: this.localMeter.level, remote: this.remoteMeter.level });
        queueTrace?.value(speaker.queuedMs);
      },
      LEVEL_INTERVAL_MS,
    );
  }

  /**
   * Checks the audio system and devices, then opens them. Throws AudioError with a code the UI explains
   * (no audio system, no microphone, device gone); with echoCancel it falls back to the plain devices only
   * if the module is missing, and says so in `devices.echoCancel`.
   */
  static async open(options: LocalVoiceOptions): Promise<LocalVoice> {
    const audio = await LocalVoice.backend(options.env).open(options);
    return new LocalVoice(audio, options.micMode, options.env);
  }

  /** PulseAudio's tools on Linux, RtAudio on Windows and macOS (and on Linux with REMOTE_ASSIST_AUDIO=rtaudio). */
  static backend(env: NodeJS.ProcessEnv = process.env): AudioBackend {
    return audioBackendName(env) === 'rtaudio' ? rtAudioBackend : pulseAudioBackend;
  }

  /** A frame from the far side. */
  play(frame: PcmFrame): void {
    if (this.disposed) return;
    this.remoteMeter.update(frame);
    this.playTrace?.frame(frame);
    this.speaker.play(frame);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.levelTimer);
    this.mic.dispose();
    this.speaker.dispose();
    this._onMicFrame.dispose();
    this._onLevels.dispose();
    this._onDidFail.dispose();
    await this.audio.dispose();
  }
}
