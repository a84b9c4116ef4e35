/**
 * Capture → convert → RTCVideoSource, paced to the quality's frame rate and driven by damage: nothing
 * runs while the screen is still, except a cheap repeat of the last frame every second so a viewer that
 * lost a packet recovers.
 */
import { Quality } from '../../protocol/host';
import { Disposable, DisposableStore, Emitter } from '../Emitter';
import { ScreenCapture } from '../capture/ScreenCapture';
import { RTCVideoSourceLike, wrtc } from '../wrtc';
import { FrameConverter, I420Frame } from './FrameConverter';

const REPEAT_MS = 1000;

export class VideoPipeline implements Disposable {
  readonly track: MediaStreamTrack;
  private readonly source: RTCVideoSourceLike;
  private readonly converter = new FrameConverter();
  private readonly store = new DisposableStore();
  private readonly _onError = new Emitter<Error>();
  readonly onError = this._onError.event;
  private timer: NodeJS.Timeout | undefined;
  private repeatTimer: NodeJS.Timeout | undefined;
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
    this.repeatTimer = setInterval(() => this.repeat(), REPEAT_MS);
  }

  setQuality(quality: Quality): void {
    const rescale = quality.scale !== this.quality.scale;
    this.quality = quality;
    // A new scale needs a fresh frame at the new size even if the screen is still.
    if (rescale) this.forceFrame();
  }

  /** Sends a frame now even if nothing changed (a new viewer, a scale change). */
  forceFrame(): void {
    this.lastFrame = undefined;
    this.grabAndSend(true);
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

  private repeat(): void {
    if (this.lastFrame && !this.busy && performance.now() - this.lastFrameAt >= REPEAT_MS) {
      this.source.onFrame(this.lastFrame);
    }
  }

  dispose(): void {
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.repeatTimer);
    this.store.dispose();
    this.track.stop();
    this._onError.dispose();
  }
}
