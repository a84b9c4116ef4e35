/**
 * Loudness for the level meter: RMS of each frame in dBFS, with a fast attack and slow release so the bar
 * moves like a VU meter instead of flickering at 100 Hz.
 */
import { PcmFrame } from './AudioFormat';

/** Floor of the meter; quieter than this shows as empty. */
export const LEVEL_FLOOR_DB = -60;

export function frameDbfs(frame: PcmFrame): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
  const rms = Math.sqrt(sum / Math.max(1, frame.length)) / 32768;
  return rms > 0 ? Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(rms)) : LEVEL_FLOOR_DB;
}

export class LevelMeter {
  private db = LEVEL_FLOOR_DB;

  /** Feeds one frame; returns the meter reading 0..1. */
  update(frame: PcmFrame): number {
    const db = frameDbfs(frame);
    // Attack at once, release by 1.5 dB per 10 ms frame.
    this.db = db > this.db ? db : Math.max(db, this.db - 1.5);
    return this.level;
  }

  /** 0 (silent) .. 1 (full scale). */
  get level(): number {
    return (this.db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB;
  }
}
