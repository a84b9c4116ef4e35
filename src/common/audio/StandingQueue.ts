/**
 * The rule every audio FIFO between two clocks on the voice path follows (the panel's microphone worklet, the
 * speaker pipe): audio arrives in bursts (a stalled process, a batch of messages, a stream starting) but
 * leaves at the playback rate, so whatever a burst adds would stay queued — as delay — for the rest of the
 * call. A queue longer than its target therefore drops quiet audio, which nobody hears missing, until it is
 * back at the target — only once the quiet has lasted QUIET_BEFORE_DROP_MS, so the pauses between words keep
 * their length and only the silence between sentences shrinks. Runtime-free: the worklet and Node share it.
 */
/** Quiet this long is between sentences, not a pause between words: from here on it may be shortened. */
export const QUIET_BEFORE_DROP_MS = 300;
/** Peak below which audio counts as quiet: about −44 dBFS (room noise after noise suppression; no speech). */
export const QUIET_PEAK = 0.006;

/** Whether a stretch of samples is quiet; `fullScale` is 1 for float audio, 32768 for s16. */
export function isQuiet(samples: ArrayLike<number>, fullScale: number): boolean {
  const limit = QUIET_PEAK * fullScale;
  for (let i = 0; i < samples.length; i++) if (samples[i] > limit || samples[i] < -limit) return false;
  return true;
}

