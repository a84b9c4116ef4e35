/**
 * Finds the start of speech in a stream of PCM frames: the first loud frame after at least QUIET_MS of quiet.
 * Runtime-free (Node, the browser and the bench share it).
 */
/** RMS of a frame (s16) above which it counts as speech, about −30 dBFS. */
const LOUD_RMS = 1000;
/** RMS below which a frame counts as quiet (room noise, comfort noise, echo-cancelled residue). */
const QUIET_RMS = 300;
/** Quiet needed before the next loud frame is an onset: longer than a pause between words. */
const QUIET_MS = 400;

export class OnsetDetector {
  private quietMs = Infinity;

  constructor(private readonly sampleRate = 48_000) {}

  /** True when this frame is where speech starts. */
  push(samples: ArrayLike<number>): boolean {
    const rms = frameRms(samples);
    const ms = (samples.length / this.sampleRate) * 1000;
    if (rms >= LOUD_RMS) {
      const onset = this.quietMs >= QUIET_MS;
      this.quietMs = 0;
      return onset;
    }
    if (rms < QUIET_RMS) this.quietMs += ms;
    return false;
  }
}

/** Root mean square of s16 samples. */
export function frameRms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / Math.max(1, samples.length));
}
