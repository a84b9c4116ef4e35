/** Errors of the voice engine, with stable codes the UI turns into clear messages. */
export type AudioErrorCode =
  | 'ERR_NO_AUDIO_SYSTEM' // no PulseAudio/PipeWire server reachable, or its tools are not installed
  | 'ERR_NO_MICROPHONE' // the audio system has no input device
  | 'ERR_NO_SPEAKER' // the audio system has no output device
  | 'ERR_DEVICE_NOT_FOUND' // the configured device does not exist
  | 'ERR_BAD_DEVICE_NAME' // a device name from settings or a peer that is not a plausible device name
  | 'ERR_ECHO_CANCEL' // the echo canceller could not be loaded
  | 'ERR_AUDIO_PROCESS'; // the capture or playback process failed or exited

export class AudioError extends Error {
  constructor(
    readonly code: AudioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AudioError';
  }
}

/** What a user reads for each code (the message adds the detail). */
export const AUDIO_ERROR_HINTS: Record<AudioErrorCode, string> = {
  ERR_NO_AUDIO_SYSTEM:
    'No audio system found. On Linux voice needs PulseAudio or PipeWire (pulseaudio-utils: parec, pacat, pactl); on Windows and macOS its audio library (RtAudio) must load.',
  ERR_NO_MICROPHONE: 'No microphone found. Connect one or choose another input in Remote Assist settings.',
  ERR_NO_SPEAKER: 'No speaker or headset found. Connect one or choose another output in Remote Assist settings.',
  ERR_DEVICE_NOT_FOUND: 'The audio device chosen in Remote Assist settings is not present.',
  ERR_BAD_DEVICE_NAME: 'The audio device name in Remote Assist settings is not valid.',
  ERR_ECHO_CANCEL: 'Echo cancellation is not available; use a headset or push-to-talk.',
  ERR_AUDIO_PROCESS: 'The audio capture or playback stopped unexpectedly.',
};
