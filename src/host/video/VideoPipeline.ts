/**
 * Capture → convert → RTCVideoSource, paced to the quality's frame rate and driven by damage: nothing
 * runs and nothing is sent while the screen is still. A viewer that lost data asks for a refresh, and the
 * fresh frame becomes the key frame its decoder requested.
 */
import { Quality } from '../../protocol/host';
import { IDisposable, DisposableStore, Emitter } from '../../common/lifecycle';
import { ScreenCapture } from '../capture/ScreenCapture';
import { RTCVideoSourceLike, wrtc } from '../wrtc';
import { FrameConverter, I420Frame } from './FrameConverter';

/** Refreshes a viewer may trigger: one per this many ms (a hostile viewer cannot make us spin). */
const REFRESH_MIN_MS = 250;

export class VideoPipeline implements IDisposable {
  readonly track: MediaStreamTrack;
  private readonly source: RTCVideoSourceLike;
  private readonly converter = new FrameConverter();
  private readonly store = new DisposableStore();
  private readonly _onError = new Emitter<Error>();
  readonly onError = this._onError.event;
  private timer: NodeJS.Timeout | undefined;
  private lastRefreshAt = -Infinity;
  private lastFrameAt = -Infinity;
  private lastFrame: I420Frame | undefined;
  private busy = false;
  private running = false;
  /** Frames handed to the encoder since start (for statistics). */
  frames = 0;

  constructor(
    private readonly capture: ScreenCapture,
    private quality: Quality,
  ) {
    this.source = new wrtc.nonstandard.RTCVideoSource({ isScreencast: true });
    this.track = this.source.createTrack();
    this.store.add(capture.onDamage(() => this.schedule()));
  }

  /** Starts sending (pixels flow only once the peer is connected). */
  start(): void {
    this.running = true;
    this.schedule();
  }

  setQuality(quality: Quality): void {
    const rescale = quality.scale !== this.quality.scale;
    this.quality = quality;
    // A new scale needs a fresh frame at the new size even if the screen is still.
    if (rescale) this.forceFrame();
  }

  /** Sends a frame now even if nothing changed (a new viewer, a scale change). */
  forceFrame(): void {
    this.grabAndSend(true);
  }

  /** The viewer needs a key frame; rate-limited. */
  refresh(): void {
    const now = performance.now();
    if (now - this.lastRefreshAt < REFRESH_MIN_MS) return;
    this.lastRefreshAt = now;
    if (this.lastFrame) this.source.onFrame(this.lastFrame);
    else this.forceFrame();
  }

  private schedule(): void {
    if (!this.running || this.timer || this.busy) return;
    const wait = Math.max(0, this.lastFrameAt + 1000 / this.quality.fps - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.grabAndSend(false);
    }, wait);
  }

  private grabAndSend(force: boolean): void {
    if (!this.running || this.busy || (!force && !this.capture.isDirty)) return;
    this.busy = true;
    this.lastFrameAt = performance.now();
    this.capture
      .grab()
      .then((bgrx) => {
        if (!this.running) return;
        const { width, height } = this.capture.region;
        this.lastFrame = this.converter.convert(bgrx, width, height, this.quality.scale);
        this.source.onFrame(this.lastFrame);
        this.frames++;
      })
      .catch((err: Error) => this._onError.fire(err))
      .finally(() => {
        this.busy = false;
        if (this.capture.isDirty) this.schedule();
      });
  }

  dispose(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.store.dispose();
    this.track.stop();
    this._onError.dispose();
  }
}
