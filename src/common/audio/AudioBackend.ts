/**
 * Where voice's microphone and speaker come from, behind one interface: PulseAudio's client tools on Linux
 * (parec/pacat, and the server's echo canceller), RtAudio through audify on Windows (WASAPI) and macOS
 * (CoreAudio). REMOTE_ASSIST_AUDIO=rtaudio picks RtAudio on Linux too (its PulseAudio API), as
 * REMOTE_ASSIST_CAPTURE=libnut does for capture: for diagnosis and for the test that runs it here.
 */
import type { AudioError } from './AudioError';
import type { PcmFrame } from './AudioFormat';
import type { Event } from '../lifecycle';

export type AudioBackendName = 'pulseaudio' | 'rtaudio';

export interface Microphone {
  /** 10 ms frames, 48 kHz mono s16. */
  readonly onFrame: Event<PcmFrame>;
  readonly onDidFail: Event<AudioError>;
  dispose(): void;
}

export interface Speaker {
  play(frame: PcmFrame): void;
  /** Audio written but not yet heard. */
  readonly queuedMs: number;
  readonly onDidFail: Event<AudioError>;
  dispose(): void;
}

/** An open microphone and speaker, and the devices they use. */
export interface OpenAudio {
  readonly mic: Microphone;
  readonly speaker: Speaker;
  /** The devices in use (the echo-cancelled pair when on). */
  readonly devices: { input: string; output: string; echoCancel: boolean };
  /** Closes what open() set up beyond the two streams (PulseAudio's echo canceller). */
  dispose(): Promise<void>;
}

export interface AudioOpenOptions {
  /** Device names from settings; '' = the system default. */
  readonly input: string;
  readonly output: string;
  readonly echoCancel: boolean;
  /** The PulseAudio tools' environment (PULSE_SERVER); RtAudio, inside this process, reads the process's own. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface AudioBackend {
  readonly name: AudioBackendName;
  /** Checks the audio system and devices, then opens them; throws AudioError with a code the UI explains. */
  open(options: AudioOpenOptions): Promise<OpenAudio>;
}

/** RtAudio on Windows and macOS; PulseAudio's tools on Linux unless REMOTE_ASSIST_AUDIO=rtaudio. */
export function audioBackendName(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): AudioBackendName {
  if (platform === 'win32' || platform === 'darwin') return 'rtaudio';
  return env.REMOTE_ASSIST_AUDIO === 'rtaudio' ? 'rtaudio' : 'pulseaudio';
}
