/** Quality presets by connection speed, as Remote Assistance offered them, mapped to the host's live settings. */
import type { Quality } from '../protocol/host';

export type QualityPreset = 'Auto' | 'Low' | 'Balanced' | 'Best';
export const QUALITY_PRESETS: readonly QualityPreset[] = ['Auto', 'Balanced', 'Low', 'Best'];

export const QUALITY_DESCRIPTIONS: Record<QualityPreset, string> = {
  Auto: 'Adapts to the measured connection',
  Low: 'Dial-up or a slow link: half size, few frames',
  Balanced: 'Broadband: sharp picture at a moderate rate',
  Best: 'LAN: full size and frame rate',
};

/**
 * Auto caps generously, lets libwebrtc's bandwidth estimation adapt the video's bitrate, and adapts the
 * screen regions to the measured link (LinkQuality: frame rate, JPEG, colour depth, deflate level). Its
 * 60 frames/s is a cap: regions reach it only on a link measured as a LAN and while the sharer's CPU keeps
 * up (ScreenPipeline); video stays at 30.
 */
const PRESETS: Record<QualityPreset, Quality> = {
  Auto: { maxKbps: 6000, fps: 60, scale: 1, adaptive: true },
  Low: { maxKbps: 300, fps: 5, scale: 0.5 },
  Balanced: { maxKbps: 1500, fps: 15, scale: 0.75 },
  // A LAN is known to be fast: the floor keeps delay-based estimation from mistaking CPU load for congestion,
  // and full-screen motion at 1080p needs ~40 Mbit/s (at 10 Mbit/s VP8 dropped to 3 fps in bench/vnc).
  // 60 frames/s: lossless regions carry scrolling text at that rate for ~2 Mbit/s (bench:host).
  Best: { maxKbps: 40_000, minKbps: 10_000, fps: 60, scale: 1 },
};

/** From the least to the most the stream may cost the sharer: Auto adapts within 6 Mbit/s at full size. */
const RANK: readonly QualityPreset[] = ['Low', 'Balanced', 'Auto', 'Best'];

/** The helper may ask for less than the sharer's own setting, never for more. */
export function cappedPreset(requested: QualityPreset, allowed: QualityPreset): QualityPreset {
  return RANK.indexOf(requested) <= RANK.indexOf(allowed) ? requested : allowed;
}

export function qualityFor(preset: string): Quality {
  return PRESETS[(QUALITY_PRESETS as readonly string[]).includes(preset) ? (preset as QualityPreset) : 'Auto'];
}
