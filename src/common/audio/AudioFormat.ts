/**
 * The one PCM format voice uses end to end: what WebRTC's Opus encoder wants (48 kHz mono, 16-bit) cut into
 * the 10 ms frames that wrtc's RTCAudioSource requires.
 */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 1;
export const FRAME_MS = 10;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;
export const FRAME_BYTES = FRAME_SAMPLES * 2 * CHANNELS;

/** A 10 ms frame of signed 16-bit little-endian mono samples at 48 kHz. */
export type PcmFrame = Int16Array;

/** A frame of digital silence (muted microphone); a fresh buffer because wrtc reads whole buffers. */
export function silentFrame(): PcmFrame {
  return new Int16Array(FRAME_SAMPLES);
}
