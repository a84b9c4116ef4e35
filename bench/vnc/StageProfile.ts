/**
 * Per-stage costs of our sharing side, measured with the host's own classes on the bench display while
 * the full-motion scene plays: X11 capture (MIT-SHM GetImage) and BGRX→I420 conversion per 1080p frame.
 * Encoding runs inside libwebrtc and is derived in the report from the host's CPU per sent frame.
 */
import { openCapture } from '../../src/host/capture/createCapture';
import { FrameConverter } from '../../src/host/video/FrameConverter';
import { ScenePlayer } from './ScenePlayer';
import { percentile } from './stats';

export interface StageCosts {
  captureMsP50: number;
  convertMsP50: number;
  frames: number;
}

export async function profileStages(display: string, player: ScenePlayer, frames: number): Promise<StageCosts> {
  const backend = await openCapture(display, 'all');
  const converter = new FrameConverter();
  const capture: number[] = [];
  const convert: number[] = [];
  player.startMotion(60);
  try {
    const { width, height } = backend.capture.region;
    for (let i = 0; i < frames; i++) {
      const t0 = performance.now();
      const bgrx = await backend.capture.grab();
      const t1 = performance.now();
      converter.convert(bgrx, width, height, 1);
      const t2 = performance.now();
      capture.push(t1 - t0);
      convert.push(t2 - t1);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await player.stopMotion();
    backend.capture.dispose();
    backend.cursor.dispose();
    backend.display.dispose();
  }
  return { captureMsP50: percentile(capture, 50), convertMsP50: percentile(convert, 50), frames };
}
