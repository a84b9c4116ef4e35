/**
 * Per-stage costs of our sharing side, measured with the host's own classes on the bench display while
 * the full-motion scene plays (a full-screen scroll): X11 capture (MIT-SHM GetImage) and BGRX→I420
 * conversion (the video path), then the region path frame by frame: grab, diff, scroll detection, encode
 * (pixels and deflate), and this process's CPU per region frame. Encoding video runs inside libwebrtc and is
 * derived in the report from the host's CPU per sent frame.
 */
import { openCapture } from '../../src/host/capture/createCapture';
import { RegionEncoder } from '../../src/host/regions/RegionEncoder';
import { FrameConverter } from '../../src/host/video/FrameConverter';
import { ScenePlayer } from './ScenePlayer';
import { percentile } from './stats';

export interface StageCosts {
  captureMsP50: number;
  convertMsP50: number;
  frames: number;
  /** The region path (absent in runs before it was measured): ms per frame, p50. */
  regions?: { grabMsP50: number; diffMsP50: number; scrollMsP50: number; encodeMsP50: number; cpuMsP50: number; frames: number };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function profileStages(display: string, player: ScenePlayer, frames: number): Promise<StageCosts> {
  const backend = await openCapture(display, 'all');
  const converter = new FrameConverter();
  const capture: number[] = [];
  const convert: number[] = [];
  const grab: number[] = [];
  const diff: number[] = [];
  const scroll: number[] = [];
  const encode: number[] = [];
  const cpu: number[] = [];
  const { width, height } = backend.capture.region;
  const encoder = new RegionEncoder(width, height);
  player.startMotion(60);
  try {
    for (let i = 0; i < frames; i++) {
      const t0 = performance.now();
      const bgrx = await backend.capture.grab();
      const t1 = performance.now();
      converter.convert(bgrx, width, height, 1);
      const t2 = performance.now();
      capture.push(t1 - t0);
      convert.push(t2 - t1);
      await pause(10);
    }
    await encoder.reset(await backend.capture.grab());
    for (let i = 0; i < frames; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const bgrx = await backend.capture.grab();
      const t1 = performance.now();
      const frame = await encoder.encode(bgrx);
      const c1 = process.cpuUsage(c0);
      grab.push(t1 - t0);
      cpu.push((c1.user + c1.system) / 1000);
      if (frame) {
        diff.push(frame.diffMs);
        scroll.push(frame.scrollMs);
        encode.push(frame.encodeMs);
      }
      await pause(10);
    }
  } finally {
    await player.stopMotion();
    encoder.dispose();
    backend.capture.dispose();
    backend.cursor.dispose();
    backend.display.dispose();
  }
  const p50 = (a: number[]) => (a.length ? percentile(a, 50) : 0);
  return {
    captureMsP50: percentile(capture, 50),
    convertMsP50: percentile(convert, 50),
    frames,
    regions: { grabMsP50: p50(grab), diffMsP50: p50(diff), scrollMsP50: p50(scroll), encodeMsP50: p50(encode), cpuMsP50: p50(cpu), frames: encode.length },
  };
}
