/**
 * Decides per captured frame where the screen goes: the lossless region path (the `screen` channel; text
 * and UI, the default) or the video track (motion the link's budget cannot carry losslessly), per
 * ModePolicy. Capture is driven by damage and paced to the quality's frame rate; nothing runs while the
 * screen is still, and in regions mode nothing is grabbed while the viewer has not acked enough.
 */
import { DisposableStore, Emitter, IDisposable } from '../../common/lifecycle';
import { Logger, silentLogger } from '../../common/logger';
import { Quality } from '../../protocol/host';
import { ScreenCapture, ScreenRegion } from '../capture/ScreenCapture';
import { Rect } from '../../protocol/screen';
import { ChannelPort } from '../peer/ChannelPort';
import { TILE_H, TILE_W } from '../regions/FrameDiff';
import { LinkQuality, LinkSample, TIERS } from '../regions/LinkQuality';
import { ModePolicy } from '../regions/ModePolicy';
import { EncodedFrame, EXACT, RegionEncoder, UPDATE_PIXEL_BYTES } from '../regions/RegionEncoder';
import { MAX_BYTES_IN_FLIGHT, ScreenChannel } from '../regions/ScreenChannel';
import { VideoFeed } from './VideoFeed';

/** Viewer refresh requests honoured at most once per this many ms (a hostile viewer cannot make us spin). */
const RESET_MIN_MS = 1000;
/**
 * While entering regions, video waits this long for the viewer to paint the whole screen: a viewer that
 * does not speak regions still gets video, and one that does is spared a key frame it would not show.
 */
const ENTER_VIDEO_AFTER_MS = 1000;
/** How often a still screen in video mode is checked for having calmed down. */
const CALM_CHECK_MS = 500;
/** How often Auto looks at the link when no ack comes (a stalled link sends none). */
const LINK_CHECK_MS = 500;
/** How often Auto looks at the link at most (acks come by the hundred per second; tiers move after 1 s or more). */
const LINK_EVALUATE_MS = 50;
/** A lossless refresh waits for the screen to be still this long: its bytes would delay the next change. */
const REFINE_QUIET_MS = 1000;
/**
 * Auto: the video track's frame rate at most (the cap of the preset before Auto let regions climb to 60 on a
 * LAN: a 1080p VP8 frame costs the sharer several times a region frame's CPU).
 */
export const AUTO_VIDEO_FPS = 30;
/**
 * Auto: the share of the wall clock frames may take (grab, diff, encode), so the rate follows the sharer's
 * CPU: frames taking 12 ms allow 60 /s, 20 ms ~37 /s. Without it a slow or busy machine would grab back to
 * back and hold a whole core.
 */
export const AUTO_MAX_DUTY = 0.75;
/** Weight of the newest frame in the running mean of a frame's time, and the most one frame counts, ms. */
const FRAME_MS_WEIGHT = 0.2;
const FRAME_MS_MAX = 100;
/** Areas a diff is told to look at, at most: beyond, it looks everywhere (a row compare is cheap). */
const MAX_CHANGED_AREAS = 64;
/** A lossless refresh's pixel budget grows at most this much from one refresh to the next. */
const REFINE_GROWTH = 4;
/**
 * ... and to at most this many times the tier's update size, and only on a link of a tier needing this rate
 * (broadband, LAN): the next tiles may compress far worse than the last (a photo after plain rows), and on a
 * slower link one refresh several updates long would hold back the next change for seconds.
 */
const REFINE_MAX_UPDATES = 16;
const REFINE_GROW_MIN_KBPS = 3000;

export interface RegionStats {
  /** Region frames sent, their bytes and host milliseconds (diff + scroll + encode), since start. */
  frames: number;
  bytes: number;
  ms: number;
}

export class ScreenPipeline implements IDisposable {
  private readonly store = new DisposableStore();
  private readonly video: VideoFeed;
  private encoder: RegionEncoder;
  /** Counts changes of the shared area: a frame grabbed before one is dropped, not sent at a stale size. */
  private areaGeneration = 0;
  private readonly policy: ModePolicy;
  /** Auto quality's link measurement (undefined: a manual preset, always lossless). */
  private link: LinkQuality | undefined;
  private linkTimer: NodeJS.Timeout | undefined;
  private screen: ScreenChannel | undefined;
  private readonly _onError = new Emitter<Error>();
  readonly onError = this._onError.event;
  private readonly _onProblem = new Emitter<string>();
  /** The viewer sent something invalid on the screen channel (ignored). */
  readonly onProblem = this._onProblem.event;
  /** Cancels the next frame's timer (a timeout, or an immediate when the frame is due now). */
  private timer: (() => void) | undefined;
  private paused = false;
  private calmTimer: NodeJS.Timeout | undefined;
  private resetTimer: NodeJS.Timeout | undefined;
  private enterTimer: NodeJS.Timeout | undefined;
  private lastFrameAt = -Infinity;
  private lastLinkCheck = -Infinity;
  /** Running mean of a frame's wall time (grab to sent), ms. */
  private frameMs = 0;
  private lastResetAt = -Infinity;
  private busy = false;
  private running = false;
  /** Grab even if the screen did not change: a new viewer, a new scale, a video refresh with no frame. */
  private forced = false;
  private resetWanted = false;
  /** The screen was grabbed for video while the region path could not send: its shadow is behind. */
  private regionsBehind = false;
  /**
   * Where grabs since the encoder's last look (encode, observe, reset) may have changed the screen, for its
   * diff to look only there; undefined: anywhere.
   */
  private changedSinceDiff: Rect[] | undefined;
  private enteredSeq = 0;
  private enteredAt = 0;
  private ackedSinceEnter = false;
  /** When the last update that carried a screen change (not a refresh) was sent. */
  private lastChangeSentAt = -Infinity;
  /**
   * Pixel bytes the next lossless refresh may take: sized so its update is about the tier's update size on
   * the wire, from what the last refresh compressed to. A budget of pixels alone refined a plain desktop's
   * first screen in ~20 KB updates, for seconds on an idle LAN (the first exact picture 2.8 s after the first).
   */
  private refinePixelBytes = 0;
  readonly regionStats: RegionStats = { frames: 0, bytes: 0, ms: 0 };

  constructor(
    private readonly capture: ScreenCapture,
    private quality: Quality,
    private readonly log: Logger = silentLogger,
  ) {
    this.video = this.store.add(new VideoFeed(quality.scale));
    this.encoder = new RegionEncoder(capture.region.width, capture.region.height);
    this.policy = new ModePolicy(quality.maxKbps);
    this.store.add(capture.onDamage(() => this.schedule()));
    this.applyQuality();
  }

  /** Auto's view of the link, for stats (undefined with a manual preset). */
  linkSample(): (LinkSample & { approximateTiles: number }) | undefined {
    return this.link && { ...this.link.sample(performance.now()), approximateTiles: this.encoder.approximateTiles };
  }

  /** The transport's round trip from getStats, ms: Auto tells queueing from distance with it. */
  setRtt(ms: number | undefined): void {
    if (this.link?.setRtt(ms)) {
      this.log.info(`screen: link ${this.link.tier} from the start (round trip ${ms} ms)`);
      this.applyTier();
    }
  }

  /** Frames per second at most: the preset's; under Auto also the link tier's, video's and the CPU's. */
  private get fps(): number {
    if (!this.link) return this.quality.fps;
    const cap = Math.min(this.quality.fps, this.link.settings.fps, this.policy.state === 'video' ? AUTO_VIDEO_FPS : Infinity);
    return this.frameMs > 0 ? Math.max(1, Math.min(cap, (1000 * AUTO_MAX_DUTY) / this.frameMs)) : cap;
  }

  /** Adaptive or not, per the quality; a manual preset is exact with the default window. */
  private applyQuality(): void {
    if (this.quality.adaptive) {
      this.link ??= new LinkQuality();
      this.watchLink();
    } else {
      this.link = undefined;
      clearInterval(this.linkTimer);
      this.linkTimer = undefined;
    }
    this.applyTier();
  }

  private applyTier(): void {
    const tier = this.link && TIERS[this.link.tier];
    this.encoder.setSettings(tier?.encoder ?? EXACT);
    this.screen?.setWindow(tier?.windowBytes ?? MAX_BYTES_IN_FLIGHT);
  }

  /**
   * Looks at the link every LINK_CHECK_MS while that can change something: updates in flight (a stalled link
   * sends no acks) or approximate tiles waiting for a quiet link to be refined. A still, exact screen has
   * neither, and its host process no timer waking it twice a second (idle CPU, bench/vnc).
   */
  private watchLink(): void {
    if (!this.link || this.linkTimer) return;
    this.linkTimer = setInterval(() => {
      this.checkLink();
      if ((this.screen?.bytesInFlight ?? 0) > 0 || this.encoder.approximateTiles > 0) return;
      clearInterval(this.linkTimer);
      this.linkTimer = undefined;
    }, LINK_CHECK_MS);
  }

  private checkLink(): void {
    // On acks, at most every LINK_EVALUATE_MS: each evaluation sorts the window's acks (hundreds at 4K with
    // small updates); per ack, that was half as much of the host's time as diffing the screen.
    const now = performance.now();
    if (now - this.lastLinkCheck < LINK_EVALUATE_MS) return this.schedule();
    this.lastLinkCheck = now;
    const changed = this.link?.evaluate(now);
    if (changed) {
      this.log.info(`screen: link ${changed} (${JSON.stringify(this.linkSample())})`);
      this.applyTier();
    }
    // Also when nothing changed: a link with room now may refine approximate tiles.
    this.schedule();
  }

  get track(): MediaStreamTrack {
    return this.video.track;
  }

  /** Video frames handed to the encoder since start. */
  get frames(): number {
    return this.video.frames;
  }

  /** What the viewer is shown: regions once it acked the whole screen, else video. */
  get mode(): 'video' | 'regions' {
    return this.policy.state === 'regions' ? 'regions' : 'video';
  }

  /** The screen channel: regions start once it is open and the session runs. */
  attachScreen(port: ChannelPort): void {
    const screen = (this.screen = this.store.add(
      new ScreenChannel(port, {
        sent: (seq, bytes, now) => {
          this.link?.sent(seq, bytes, now);
          this.watchLink();
        },
        acked: (seq, now, heldMs, viewerAtMs) => this.link?.acked(seq, now, heldMs, viewerAtMs),
        forget: (now) => this.link?.forget(now),
      }),
    ));
    this.applyTier();
    this.store.add(screen.onOpen(() => this.enterRegions()));
    this.store.add(screen.onAck((seq) => this.onAck(seq)));
    this.store.add(screen.onRefresh(() => this.onViewerRefresh()));
    this.store.add(screen.onProblem((message) => this._onProblem.fire(message)));
  }

  /**
   * Pause sharing: no grab, no frame, no region until resumed (the viewer keeps its last picture). Damage
   * seen meanwhile stays pending, so resuming sends what changed.
   */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (paused) {
      this.timer?.();
      this.timer = undefined;
      return;
    }
    // A grab encoded as the pause began was never sent: a whole screen keeps the viewer's canvas true.
    if (this.screen?.isOpen && this.policy.state !== 'video') this.resetWanted = true;
    this.forceFrame();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts sending (once the peer is connected): a first video frame now, regions as soon as possible. */
  start(): void {
    this.running = true;
    this.forced = true;
    if (this.screen?.isOpen) this.resetWanted = true;
    this.schedule();
  }

  setQuality(quality: Quality): void {
    this.quality = quality;
    this.applyQuality();
    this.policy.setBudget(quality.maxKbps);
    // A new scale needs a fresh video frame at the new size even if the screen is still.
    if (this.video.setQuality(quality) && this.policy.state !== 'regions') this.forceFrame();
  }

  /**
   * The shared area moved or changed size (RANDR, another monitor): the viewer gets a RESET at the new size
   * and the whole picture, or a video frame of it.
   */
  resize(): void {
    this.areaGeneration++;
    this.changedSinceDiff = undefined;
    // An encode in progress keeps its encoder; the next frame starts with one of the new size.
    if (!this.busy) this.newEncoder();
    if (this.screen?.isOpen) this.resetWanted = true;
    this.forceFrame();
  }

  private newEncoder(): void {
    const { width, height } = this.capture.region;
    if (this.encoder.width === width && this.encoder.height === height) return;
    this.changedSinceDiff = undefined;
    this.encoder.dispose();
    this.encoder = new RegionEncoder(width, height);
    this.applyTier();
  }

  /** The viewer's video decoder needs a key frame (PLI while the screen is still). */
  refresh(): void {
    if (this.policy.state === 'regions') return;
    if (!this.video.refresh()) this.forceFrame();
  }

  private forceFrame(): void {
    this.forced = true;
    this.schedule();
  }

  private enterRegions(): void {
    this.resetWanted = true;
    this.schedule();
  }

  private onViewerRefresh(): void {
    this.log.info(`screen: the viewer asked for a refresh (${this.policy.state})`);
    // In video mode the viewer shows video; its canvas is rebuilt when regions come back.
    if (this.policy.state === 'video') return;
    // Too soon after the last RESET: one deferred RESET covers any number of requests.
    if (this.resetTimer) return;
    const wait = this.lastResetAt + RESET_MIN_MS - performance.now();
    if (wait <= 0) return this.enterRegions();
    this.resetTimer = setTimeout(() => {
      this.resetTimer = undefined;
      if (this.policy.state !== 'video') this.enterRegions();
    }, wait);
  }

  private onAck(seq: number): void {
    this.ackedSinceEnter = true;
    this.checkLink();
    if (this.policy.state === 'entering' && seq >= this.enteredSeq) {
      this.policy.transition('regions', performance.now());
      this.log.info('screen: the viewer painted the whole screen; regions mode');
    }
    this.schedule();
  }

  private get videoActive(): boolean {
    if (this.policy.state === 'video') return !(this.resetWanted && this.screen?.canSend);
    // A viewer that acks updates speaks regions: on a slow link its whole screen takes seconds, and video
    // meanwhile would only take the link from it.
    return this.policy.state === 'entering' && !this.ackedSinceEnter && performance.now() - this.enteredAt > ENTER_VIDEO_AFTER_MS;
  }

  private get regionsCanSend(): boolean {
    return this.screen !== undefined && this.policy.state !== 'video' && this.screen.canSend;
  }

  /** Tiles shown approximately and a link with room: send them again losslessly. */
  private get refineWanted(): boolean {
    return (
      this.policy.state === 'regions' &&
      this.encoder.approximateTiles > 0 &&
      this.regionsCanSend &&
      (this.link?.hasRoom ?? true) &&
      performance.now() - this.lastChangeSentAt >= REFINE_QUIET_MS
    );
  }

  private wantsGrab(): boolean {
    if (this.forced) return true;
    if (this.resetWanted && this.screen?.canSend) return true;
    if (this.regionsBehind && this.regionsCanSend) return true;
    if (this.refineWanted) return true;
    if (!this.capture.isDirty) return false;
    return this.videoActive || this.regionsCanSend;
  }

  private schedule(): void {
    if (!this.running || this.paused || this.timer || this.busy || !this.wantsGrab()) return;
    const wait = Math.max(0, this.lastFrameAt + 1000 / this.fps - performance.now());
    const fire = (): void => {
      this.timer = undefined;
      void this.frame();
    };
    // A change after a still moment goes at once: a 0 ms timeout waits for the timers phase (1-2 ms at the
    // median in bench/vnc's still-screen latency), an immediate only for this turn's I/O callbacks.
    if (wait < 1) {
      const immediate = setImmediate(fire);
      this.timer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(fire, wait);
      this.timer = () => clearTimeout(timeout);
    }
  }

  private async frame(): Promise<void> {
    if (!this.running || this.paused || this.busy || !this.wantsGrab()) return;
    this.busy = true;
    // Keep to the frame grid when a timer fires a little late, so the rate reaches the cap instead of just under it.
    const now = performance.now();
    const interval = 1000 / this.fps;
    this.lastFrameAt = now - this.lastFrameAt - interval < interval ? Math.max(this.lastFrameAt + interval, now - interval) : now;
    const forced = this.forced;
    this.forced = false;
    const generation = this.areaGeneration;
    this.newEncoder();
    const started = performance.now();
    try {
      const changed = this.capture.isDirty || forced;
      const bgrx = await this.capture.grab();
      this.noteChanged(this.capture.lastChanged);
      // Paused while the grab was on its way, or grabbed at an area that has since changed: not sent.
      if (!this.running || this.paused || generation !== this.areaGeneration) return;
      const { width, height } = this.capture.region;
      if (this.videoActive && changed) this.video.send(bgrx, width, height);
      if (this.resetWanted && this.screen?.canSend) await this.sendRegions(bgrx);
      else if (this.policy.state === 'video') this.observe(bgrx);
      else if (this.screen?.canSend) await this.sendRegions(bgrx);
      else this.regionsBehind = true;
    } catch (err) {
      // The shadow may be part way through this frame: the next diff looks everywhere.
      this.changedSinceDiff = undefined;
      // A grab of the old area after the screen changed under it is expected; the next frame has the new one.
      if (generation === this.areaGeneration) this._onError.fire(err as Error);
    } finally {
      // A whole screen after a RESET (hundreds of ms at 4K) says little about the next frames.
      const ms = Math.min(performance.now() - started, FRAME_MS_MAX);
      this.frameMs = this.frameMs === 0 ? ms : this.frameMs * (1 - FRAME_MS_WEIGHT) + ms * FRAME_MS_WEIGHT;
      this.busy = false;
      this.schedule();
    }
  }

  /** Adds what a grab changed to what the encoder's next diff looks at (a long list: anywhere). */
  private noteChanged(areas: readonly ScreenRegion[] | undefined): void {
    const all = this.changedSinceDiff && areas && [...this.changedSinceDiff, ...areas.map((a) => ({ x: a.x, y: a.y, w: a.width, h: a.height }))];
    this.changedSinceDiff = all && all.length <= MAX_CHANGED_AREAS ? all : undefined;
  }

  /** What the encoder's diff must look at now; from here on, only what later grabs change. */
  private takeChanged(): Rect[] | undefined {
    const changed = this.changedSinceDiff;
    this.changedSinceDiff = [];
    return changed;
  }

  /** Video mode: estimate what regions would cost; switch back once it stays well under budget. */
  private observe(bgrx: Buffer): void {
    if (!this.screen) return;
    if (this.policy.observed(this.encoder.observe(bgrx, this.takeChanged()), performance.now()) && this.screen?.isOpen) this.enterRegions();
  }

  private async sendRegions(bgrx: Buffer): Promise<void> {
    const screen = this.screen as ScreenChannel;
    this.regionsBehind = false;
    if (this.resetWanted || screen.broken) {
      this.resetWanted = false;
      this.lastResetAt = performance.now();
      this.takeChanged();
      const frame = await this.encoder.reset(bgrx);
      if (!this.running || this.paused) return;
      screen.restart();
      this.record(frame);
      screen.sendFrame(frame);
      screen.sendMode('regions', frame.lastSeq);
      this.log.info(`screen: RESET and the whole screen, ${frame.messages.length} messages, ${frame.bytes} bytes, ${Math.round(frame.encodeMs)} ms`);
      this.enteredSeq = frame.lastSeq;
      this.enteredAt = performance.now();
      this.ackedSinceEnter = false;
      // Damage seen meanwhile was not grabbed for video; a viewer still without a picture then gets one.
      clearTimeout(this.enterTimer);
      this.enterTimer = setTimeout(() => this.policy.state === 'entering' && !this.ackedSinceEnter && this.forceFrame(), ENTER_VIDEO_AFTER_MS + 1);
      this.policy.transition('entering', performance.now());
      return;
    }
    let frame = await this.encoder.encode(bgrx, this.takeChanged());
    if (frame) this.lastChangeSentAt = performance.now();
    else if (this.refineWanted) frame = await this.refine(bgrx);
    if (!frame || !this.running || this.paused) return;
    this.record(frame);
    screen.sendFrame(frame);
    if (this.policy.sent(frame.bytes, frame.pixelBytes, performance.now())) {
      screen.sendMode('video', frame.lastSeq);
      this.log.info('screen: regions over the bit budget, switching to video');
      this.policy.transition('video', performance.now());
      // The viewer keeps its canvas until a video frame is presented: send one now.
      this.video.send(bgrx, this.capture.region.width, this.capture.region.height);
      this.startCalmChecks();
    }
  }

  /** A lossless refresh of about the tier's update size on the wire (the window still bounds what is in flight). */
  private async refine(bgrx: Buffer): Promise<EncodedFrame | undefined> {
    const wireBytes = this.link?.settings.encoder.updateBytes ?? UPDATE_PIXEL_BYTES;
    const grows = (this.link?.settings.minKbps ?? Infinity) >= REFINE_GROW_MIN_KBPS;
    const budget = grows ? Math.max(wireBytes, this.refinePixelBytes) : wireBytes;
    const before = this.encoder.approximateTiles;
    const frame = await this.encoder.refine(bgrx, budget);
    // the screen's bytes this refresh made exact (solid tiles go as fills: its PIXELS bytes would say less)
    const refined = (before - this.encoder.approximateTiles) * TILE_W * TILE_H * 4;
    if (frame && frame.bytes > 0 && refined > 0) {
      const { width, height } = this.capture.region;
      this.refinePixelBytes = Math.min((wireBytes * refined) / frame.bytes, budget * REFINE_GROWTH, wireBytes * REFINE_MAX_UPDATES, width * height * 4);
    }
    return frame;
  }

  private record(frame: EncodedFrame): void {
    this.regionStats.frames++;
    this.regionStats.bytes += frame.bytes;
    this.regionStats.ms += frame.diffMs + frame.scrollMs + frame.encodeMs;
  }

  /** A still screen sends no frames to observe, so video mode checks for calm on a timer too. */
  private startCalmChecks(): void {
    clearInterval(this.calmTimer);
    this.calmTimer = setInterval(() => {
      if (this.policy.state !== 'video') return clearInterval(this.calmTimer);
      if (!this.capture.isDirty && this.policy.observed(0, performance.now()) && this.screen?.isOpen) this.enterRegions();
    }, CALM_CHECK_MS);
  }

  dispose(): void {
    this.running = false;
    this.timer?.();
    clearInterval(this.calmTimer);
    clearInterval(this.linkTimer);
    clearTimeout(this.resetTimer);
    clearTimeout(this.enterTimer);
    this.encoder.dispose();
    this.store.dispose();
    this._onError.dispose();
    this._onProblem.dispose();
  }
}
