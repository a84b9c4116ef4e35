/** What the RtAudio microphone and speaker share: audify's constants, its errors as ours, closing a stream. */
import type { RtAudio } from 'audify';
import { AudioError } from './AudioError';

/** audify's RtAudioFormat.RTAUDIO_SINT16 and RtAudioErrorType.WARNING. */
export const RTAUDIO_SINT16 = 0x2;
export const RTAUDIO_WARNING = 0;
/** RtAudioStreamFlags.RTAUDIO_MINIMIZE_LATENCY. */
export const RTAUDIO_MINIMIZE_LATENCY = 0x2;

/** Turns RtAudio's open/start failures into the error codes the UI explains. */
export function rtAudioError(what: string, err: unknown): AudioError {
  const message = (err as Error)?.message ?? String(err);
  return new AudioError('ERR_AUDIO_PROCESS', `RtAudio ${what}: ${message.slice(0, 200)}`);
}

/** Stops and closes the stream if it is running or open; a device that is gone leaves nothing to release. */
export function closeRtStream(rt: RtAudio): void {
  try {
    if (rt.isStreamRunning()) rt.stop();
    if (rt.isStreamOpen()) rt.closeStream();
  } catch {
    // closing a stream whose device is gone: nothing left to release
  }
}
