/**
 * Captured frames → RTCVideoSource: converts (and scales, per the quality) each frame it is handed and
 * lets libwebrtc encode, pace and adapt it. A viewer that lost data asks for a refresh, and the last frame
 * goes again to become the key frame its decoder requested.
 */
import { Quality } from '../../protocol/host';
import { IDisposable } from '../../common/lifecycle';
import { RTCVideoSourceLike, wrtc } from '../wrtc';
import { FrameConverter, I420Frame } from './FrameConverter';

/** Refreshes a viewer may trigger: one per this many ms (a hostile viewer cannot make us spin). */
const REFRESH_MIN_MS = 250;

export class VideoFeed implements IDisposable {
  readonly track: MediaStreamTrack;
  private readonly source: RTCVideoSourceLike;
  private readonly converter = new FrameConverter();
  private lastRefreshAt = -Infinity;
  private lastFrame: I420Frame | undefined;
  /** Frames handed to the encoder since start (for statistics). */
  frames = 0;

  constructor(private scale: number) {
    this.source = new wrtc.nonstandard.RTCVideoSource({ isScreencast: true });
    this.track = this.source.createTrack();
  }

  /** True when the new quality needs a fresh frame even if the screen is still (a new size). */
  setQuality(quality: Quality): boolean {
    const rescale = quality.scale !== this.scale;
    this.scale = quality.scale;
    return rescale;
  }

  send(bgrx: Buffer, width: number, height: number): void {
    this.lastFrame = this.converter.convert(bgrx, width, height, this.scale);
    this.source.onFrame(this.lastFrame);
    this.frames++;
  }

  /** The viewer needs a key frame: the last frame goes again (rate-limited). False when there is none yet. */
  refresh(): boolean {
    const now = performance.now();
    if (now - this.lastRefreshAt < REFRESH_MIN_MS) return true;
    this.lastRefreshAt = now;
    if (!this.lastFrame) return false;
    this.source.onFrame(this.lastFrame);
    return true;
  }

  dispose(): void {
    this.track.stop();
  }
}
