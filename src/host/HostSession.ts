/**
 * One sharing session in the host process, as an explicit state machine:
 *   idle → starting → offering → connected → stopped   (any state → stopped on stop or failure)
 * It owns capture, input, the control gate, the video pipeline, the peer and the services.
 */
import { HostCommand, HostErrorCode, HostEvent, ScreenChoice, SignalPayload } from '../protocol/host';
import { ControlGate, DEFAULT_GATE_LIMITS } from './ControlGate';
import { DisposableStore, Emitter } from '../common/lifecycle';
import { peerConnection } from '../common/peerConnection';
import { connectionVerificationCode } from '../common/verificationCode';
import { Logger } from '../common/logger';
import { HostError } from './HostError';
import { chooseBackend, openBackend, PlatformBackend } from './PlatformBackend';
import { ChannelPort } from './peer/ChannelPort';
import { ChannelSpec, PeerLink } from './peer/PeerLink';
import { HostService, HostServiceContext, HostServiceFactory } from './services/HostService';
import { ScreenPipeline } from './video/ScreenPipeline';
import { SessionPrivacy } from './privacy/SessionPrivacy';
import { PEER_CHANNELS } from '../protocol/peer';

export type SessionState = 'idle' | 'starting' | 'offering' | 'connected' | 'stopped';

/**
 * Stats (getStats, the figures, the extension's path and round trip) every second while something moves, every
 * 2.5 s on a still screen: reading them was a fifth of the host's CPU at idle. They also feed the link's silence
 * watch (IceLinkWatch), so a cut is seen 5–7.5 s after the last packet on a still screen, 5–6 s otherwise.
 */
const BUSY_STATS_MS = 1000;
const STILL_STATS_MS = 2500;
/** How long the first picture waits for ICE's round trip (getStats answers in a few ms). */
const FIRST_STATS_WAIT_MS = 250;

const TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  idle: ['starting', 'stopped'],
  starting: ['offering', 'stopped'],
  offering: ['connected', 'stopped'],
  connected: ['stopped'],
  stopped: [],
};

export interface HostSessionOptions {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly services: readonly HostServiceFactory[];
  readonly emit: (event: HostEvent) => void;
  readonly log: Logger;
}

type Command = Extract<HostCommand, { type: string }>;

export class HostSession {
  private _state: SessionState = 'idle';
  private readonly store = new DisposableStore();
  private backend: PlatformBackend | undefined;
  private gate: ControlGate | undefined;
  private pipeline: ScreenPipeline | undefined;
  private link: PeerLink | undefined;
  private privacy: SessionPrivacy | undefined;
  /** Counts grants and revokes, so a scoped grant still reading the window list loses to a later revoke. */
  private grants = 0;
  private services: HostService[] = [];
  private readonly ports = new Map<string, ChannelPort>();
  private readonly pendingSignals: SignalPayload[] = [];
  private readonly reportedAt = new Map<string, number>();
  private statsTimer: NodeJS.Timeout | undefined;
  private lastStats = { at: performance.now(), frames: 0, bytes: 0, encoded: 0, encodeTime: 0, sendDelay: 0, packets: 0, keyFrames: 0, pli: 0, regionFrames: 0, regionBytes: 0, regionMs: 0, input: 0 };
  private stopping: Promise<void> | undefined;
  private linkDown = false;
  private readonly _onDidChangePaused = this.store.add(new Emitter<boolean>());
  private readonly _onDidChangeScreenHidden = this.store.add(new Emitter<boolean>());

  constructor(private readonly options: HostSessionOptions) {}

  get state(): SessionState {
    return this._state;
  }

  handle(command: Command): void {
    switch (command.type) {
      case 'start':
        this.expect('idle', command.type);
        void this.start(command).catch((err) => this.fail(err));
        return;
      case 'signal':
        if (this._state === 'starting') this.pendingSignals.push(command.payload);
        else if (this._state === 'offering' || this._state === 'connected') this.signal(command.payload);
        else this.report('ERR_BAD_COMMAND', `signal is not accepted while ${this._state}`);
        return;
      case 'grantControl':
        if (this._state !== 'connected' || !this.gate) return this.report('ERR_BAD_COMMAND', `cannot grant control while ${this._state}`);
        // A refusal ends the request on both sides (controlRefused), never leaves it pending.
        if (this.backend?.controlUnavailable) return this.options.emit({ type: 'controlRefused', code: this.backend.controlUnavailable.code, message: this.backend.controlUnavailable.message });
        void this.grant(this.gate, command.window, command.limitMs);
        return;
      case 'listWindows':
      case 'shareWindow':
      case 'setRedaction':
        if (!this.privacy) return this.report('ERR_BAD_COMMAND', `${command.type} is not accepted while ${this._state}`);
        void this.privacy.handle(command).then(
          (windows) => windows && this.options.emit({ type: 'windows', windows }),
          (err: Error) => this.report(err instanceof HostError ? err.code : 'ERR_INTERNAL', err.message),
        );
        return;
      case 'revokeControl':
        this.grants++;
        this.gate?.revoke('revoked');
        return;
      case 'setPaused':
        this.setPaused(command.paused);
        return;
      case 'panic':
        this.grants++;
        this.gate?.revoke('panic');
        this.setPaused(true);
        return;
      case 'setQuality':
        this.pipeline?.setQuality(command.quality);
        this.link?.setBitrate(command.quality);
        return;
      case 'stop':
        void this.stop('stopped');
        return;
      case 'selectScreen':
        this.selectScreen(command.screen);
        return;
      default:
        for (const service of this.services) service.onCommand?.(command);
    }
  }

  /** Scopes control to `window` (or the whole screen), then grants (for `limitMs` when timed); a window that is gone refuses the grant. */
  private async grant(gate: ControlGate, window: number | undefined, limitMs: number | undefined): Promise<void> {
    const asked = ++this.grants;
    try {
      // The whole screen needs no look at the windows: granted at once, as before.
      if (window !== undefined || this.privacy?.scoped) await this.privacy?.scopeControl(window);
      // A revoke (or another grant) came while the window list was read: it wins.
      if (asked !== this.grants || this._state !== 'connected') return;
      gate.grant(limitMs);
    } catch (err) {
      // A refusal ends the request on both sides (controlRefused), never leaves it pending.
      this.options.emit({ type: 'controlRefused', code: err instanceof HostError ? err.code : 'ERR_INTERNAL', message: (err as Error).message });
    }
  }

  private setPaused(paused: boolean): void {
    const pipeline = this.pipeline;
    if (!pipeline || pipeline.isPaused === paused) return;
    pipeline.setPaused(paused);
    this.updateFrame();
    this.gate?.suspend(paused);
    this._onDidChangePaused.fire(paused);
    this.options.emit({ type: 'paused', paused });
  }

  /** Ends the session: releases input, tears everything down; resolves once the display has the releases. */
  stop(reason: 'stopped' | 'disconnected'): Promise<void> {
    if (!this.stopping) this.stopping = this.teardown(reason);
    return this.stopping;
  }

  private async start(command: Extract<Command, { type: 'start' }>): Promise<void> {
    this.transition('starting');
    const kind = chooseBackend(this.options.platform, this.options.env);
    const backend = (this.backend = await openBackend(kind, this.options.env, command.screen ?? 'all', this.options.platform));
    this.store.add(backend.resources);
    this.store.add(backend.onError((err) => this.report('ERR_DISPLAY', `the display refused a request: ${err.message}`)));
    if (this._state !== 'starting') return;
    const region = backend.screens.area;
    const control = backend.control;
    const privacy = (this.privacy = this.store.add(new SessionPrivacy(backend.capture, backend.windows, command.redactWindows ?? [], command.shareWindow)));
    if (!backend.windows && (command.redactWindows?.length ?? 0) > 0) this.options.log.warn('windows cannot be listed on this system: none is hidden from the helper');
    const gate = (this.gate = new ControlGate(control?.injector, region, DEFAULT_GATE_LIMITS, privacy.fence));
    this.store.add({ dispose: () => gate.dispose() });
    if (control) this.store.add(control.escape.onEscape(() => gate.revoke('localEscape')));
    if (backend.panic) this.store.add(backend.panic.onPanic(() => this.handle({ type: 'panic' })));
    this.store.add(
      gate.onDidChange((s) => {
        if (s.granted) control?.escape.start();
        else control?.escape.stop();
        this.updateFrame();
        this.options.emit({ type: 'control', granted: s.granted, reason: s.reason, remainingMs: s.remainingMs });
        // A line in the sharer's log for each grant and end: when and why control changed, as the gate saw it.
        this.options.log.info(s.granted ? `control granted${s.remainingMs === undefined ? '' : ` for ${s.remainingMs} ms`}` : `control ended (${s.reason})`);
      }),
    );
    this.store.add(gate.onReject((r) => this.report(r.code, r.message)));
    // A UAC prompt: the extension tells the sharer, the control channel tells the helper (ControlService).
    const hidden = backend.screenHidden;
    if (hidden) {
      this.store.add(
        hidden.onDidChange((h) => {
          this.options.log.info(h ? 'the secure desktop hides the screen from capture' : 'the screen can be captured again');
          this.options.emit({ type: 'screenHidden', hidden: h, reason: 'secureDesktop' });
          this._onDidChangeScreenHidden.fire(h);
        }),
      );
    }

    const pipeline = (this.pipeline = this.store.add(new ScreenPipeline(privacy.capture, command.quality, this.options.log)));
    if (command.paused) {
      pipeline.setPaused(true);
      gate.suspend(true);
    }
    this.store.add(pipeline.onError((err) => this.report(err instanceof HostError ? err.code : 'ERR_INTERNAL', err.message)));
    const link = (this.link = new PeerLink(pipeline.track, command.quality, command.iceServers));
    this.store.add(link);
    this.store.add(link.onSignal((payload) => this.options.emit({ type: 'signal', payload })));
    this.store.add(link.onConnect(() => this.onConnected()));
    this.store.add(
      link.onLink((state) => {
        this.options.emit({ type: 'link', state });
        // Nothing is sent while the link is down: the frame goes, and comes back with the pixels.
        this.linkDown = state === 'interrupted';
        this.updateFrame();
        // Control never survives a drop: held keys and buttons are released at once (told after the link
        // event, so the extension records the loss rather than a plain Stop Control).
        if (state === 'interrupted') gate.revoke('disconnected');
      }),
    );
    // REMOTE_ASSIST_SCREEN=video keeps to the video track (diagnostics, and tests of the video path).
    if (this.options.env.REMOTE_ASSIST_SCREEN !== 'video') pipeline.attachScreen(this.channel(PEER_CHANNELS.screen));
    this.store.add(pipeline.onProblem((message) => this.report('ERR_PEER_PROTOCOL', message)));
    this.store.add(region.onDidChange(() => this.screenChanged()));
    this.store.add(backend.screens.onError((err) => this.report(err.code, err.message)));
    this.store.add(
      link.onClose((reason) => {
        this.options.emit({ type: 'disconnected', reason });
        void this.stop('disconnected');
      }),
    );

    const context: HostServiceContext = {
      channel: (spec) => this.channel(spec),
      peer: link.instance,
      gate,
      cursor: backend.cursor,
      screen: region,
      overlay: backend.overlay,
      paused: () => pipeline.isPaused,
      onDidChangePaused: this._onDidChangePaused.event,
      screenHidden: () => backend.screenHidden?.hidden ?? false,
      onDidChangeScreenHidden: this._onDidChangeScreenHidden.event,
      refreshVideo: () => pipeline.refresh(),
      emit: (event) => this.options.emit(event),
      report: (code, message) => this.report(code, message),
      log: this.options.log,
    };
    this.services = this.options.services.map((create) => this.store.add(create(context)));
    if (this._state !== 'starting') return;
    this.transition('offering');
    for (const payload of this.pendingSignals.splice(0)) this.signal(payload);
  }

  /** The sharer chose another monitor (or all): a monitor that is not there is refused, nothing changes. */
  private selectScreen(choice: ScreenChoice): void {
    const screens = this.backend?.screens;
    if (!screens || this._state === 'stopped') return this.report('ERR_BAD_COMMAND', `cannot choose a screen while ${this._state}`);
    if (!screens.choose) return this.report('ERR_PLATFORM_UNSUPPORTED', 'Choosing one monitor is not supported on this system yet; the whole screen is shared.');
    screens.choose(choice).then(
      // The same area again moves nothing; the extension still hears that the choice stands.
      (changed) => changed || this.emitScreen(),
      (err: Error) => this.report(err instanceof HostError ? err.code : 'ERR_DISPLAY', err.message),
    );
  }

  /** What is shared moved or changed size: the picture, the cursor and the input bounds follow it. */
  private screenChanged(): void {
    this.pipeline?.resize();
    this.backend?.cursor.refresh();
    this.emitScreen();
  }

  private emitScreen(): void {
    const screens = this.backend?.screens;
    if (!screens || this._state === 'stopped') return;
    this.options.emit({ type: 'screen', screen: screens.current, width: screens.area.width, height: screens.area.height });
  }

  private onConnected(): void {
    if (this._state !== 'offering') return;
    this.transition('connected');
    const region = this.backend?.capture.region;
    for (const service of this.services) service.onConnected?.();
    this.updateFrame();
    this.options.emit({ type: 'connected', width: region?.width ?? 0, height: region?.height ?? 0 });
    this.emitVerification();
    // ICE measured the round trip while connecting: Auto's start tier needs it before the first picture (a
    // LAN's starts in exact colours), not with the first stats a second later. getStats takes a few ms.
    // A getStats that hangs must not hold the first picture: after FIRST_STATS_WAIT_MS the pipeline starts in
    // Auto's usual start tier and the round trip comes with the later stats.
    let started = false;
    const start = (): void => {
      if (started) return;
      started = true;
      clearTimeout(wait);
      if (this._state === 'connected') this.pipeline?.start();
    };
    const wait = setTimeout(start, FIRST_STATS_WAIT_MS);
    if (this.link) {
      this.link.stats().then(
        (t) => {
          if (!started) this.pipeline?.setRtt(t.rttMs);
          start();
        },
        start,
      );
    } else start();
    this.scheduleStats(BUSY_STATS_MS);
  }

  /** The next stats report: in a second while pixels or input moved in the last interval or control is granted, later on a still screen. */
  private scheduleStats(delayMs: number): void {
    this.statsTimer = setTimeout(async () => {
      // getStats fails only while the connection closes, after which no report is due.
      const busy = await this.emitStats().catch(() => true);
      if (this._state === 'connected') this.scheduleStats(busy ? BUSY_STATS_MS : STILL_STATS_MS);
    }, delayMs);
  }

  /** The frame on the sharer's screen: shown exactly while pixels are sent (not while paused), orange while the helper controls. */
  private updateFrame(): void {
    const frame = this.backend?.frame;
    if (!frame) return;
    if (this._state !== 'connected' || this.linkDown || this.pipeline?.isPaused) frame.hide();
    else frame.show(this.gate?.granted ? 'controlling' : 'sharing');
  }

  /** The code the sharer compares with what the helper reads out: from this connection's two DTLS fingerprints. */
  private emitVerification(): void {
    const link = this.link;
    if (!link) return;
    connectionVerificationCode(peerConnection(link.instance)).then(
      (code) => {
        if (code && this._state === 'connected') this.options.emit({ type: 'verification', code });
        else if (!code) this.report('ERR_PEER', 'the connection carries no DTLS fingerprint; no verification code');
      },
      (err: Error) => this.report('ERR_INTERNAL', `verification code: ${err.message}`),
    );
  }

  private channel(spec: ChannelSpec): ChannelPort {
    let port = this.ports.get(spec.label);
    if (!port) {
      if (!this.link) throw new HostError('ERR_INTERNAL', 'no peer');
      port = this.link.openChannel(spec);
      this.ports.set(spec.label, port);
    }
    return port;
  }

  private signal(payload: SignalPayload): void {
    try {
      this.link?.signal(payload);
    } catch (err) {
      this.report(err instanceof HostError ? err.code : 'ERR_PEER', (err as Error).message);
    }
  }

  /** Reports the last interval's figures; says whether anything moved in it (frames sent, input, control granted). */
  private async emitStats(): Promise<boolean> {
    if (!this.link || !this.pipeline || !this.gate || !this.backend) return false;
    const t = await this.link.stats();
    const { bytesSent, framesEncoded, rttMs } = t;
    this.pipeline.setRtt(rttMs);
    const link = this.pipeline.linkSample();
    const last = this.lastStats;
    const now = performance.now();
    const seconds = (now - this.lastStats.at) / 1000;
    const frames = this.pipeline.frames;
    const region = this.pipeline.regionStats;
    const regionFrames = region.frames - last.regionFrames;
    const { width, height } = this.backend.capture.region;
    const { applied, dropped, rejected } = this.gate.counters;
    const input = applied + dropped + rejected;
    if (this._state !== 'connected') return false;
    this.options.emit({
      type: 'stats',
      stats: {
        seconds: Math.round(seconds * 1000) / 1000,
        width,
        height,
        fps: Math.round(((frames - this.lastStats.frames) / seconds) * 10) / 10,
        encodedFps: Math.round(((framesEncoded - last.encoded) / seconds) * 10) / 10,
        encodeMs: framesEncoded > last.encoded ? Math.round(((t.totalEncodeTime - last.encodeTime) / (framesEncoded - last.encoded)) * 10_000) / 10 : undefined,
        keyFrames: t.keyFramesEncoded - last.keyFrames,
        pliReceived: t.pliCount - last.pli,
        sendDelayMs: t.packetsSent > last.packets ? Math.round(((t.totalPacketSendDelay - last.sendDelay) / (t.packetsSent - last.packets)) * 10_000) / 10 : undefined,
        kbpsSent: Math.round((((bytesSent - this.lastStats.bytes) * 8) / 1000 / seconds) * 10) / 10,
        rttMs,
        path: t.path,
        inputApplied: applied,
        inputDropped: dropped,
        inputRejected: rejected,
        mode: this.pipeline.mode,
        regionFps: Math.round((regionFrames / seconds) * 10) / 10,
        regionKbps: Math.round((((region.bytes - last.regionBytes) * 8) / 1000 / seconds) * 10) / 10,
        regionMs: regionFrames > 0 ? Math.round(((region.ms - last.regionMs) / regionFrames) * 10) / 10 : undefined,
        link: link && {
          tier: link.tier,
          rateKbps: link.rateKbps === undefined ? undefined : Math.round(link.rateKbps),
          queueMs: link.queueMs === undefined ? undefined : Math.round(link.queueMs),
          approximateTiles: link.approximateTiles,
        },
      },
    });
    this.lastStats = { at: now, frames, bytes: bytesSent, encoded: framesEncoded, encodeTime: t.totalEncodeTime, sendDelay: t.totalPacketSendDelay, packets: t.packetsSent, keyFrames: t.keyFramesEncoded, pli: t.pliCount, regionFrames: region.frames, regionBytes: region.bytes, regionMs: region.ms, input };
    return frames !== last.frames || regionFrames > 0 || input !== last.input || this.gate.granted;
  }

  private async teardown(reason: 'stopped' | 'disconnected'): Promise<void> {
    if (this._state === 'stopped') return;
    this.transition('stopped');
    clearTimeout(this.statsTimer);
    this.updateFrame();
    this.gate?.revoke(reason);
    const injector = this.backend?.control?.injector;
    injector?.releaseAll();
    try {
      await injector?.flush();
    } catch {
      // The display is gone; nothing can be held on it any more.
    }
    this.store.dispose();
    this.options.emit({ type: 'stopped' });
  }

  private fail(err: unknown): void {
    const code: HostErrorCode = err instanceof HostError ? err.code : 'ERR_INTERNAL';
    this.options.emit({ type: 'error', code, message: (err as Error).message ?? String(err), fatal: true });
    void this.stop('stopped');
  }

  private report(code: HostErrorCode, message: string): void {
    const now = performance.now();
    if (now - (this.reportedAt.get(code) ?? -Infinity) < 1000) return;
    this.reportedAt.set(code, now);
    this.options.emit({ type: 'error', code, message, fatal: false });
  }

  private expect(state: SessionState, command: string): void {
    if (this._state !== state) throw new HostError('ERR_BAD_COMMAND', `${command} is not accepted while ${this._state}`);
  }

  private transition(next: SessionState): void {
    if (!TRANSITIONS[this._state].includes(next)) throw new HostError('ERR_INTERNAL', `illegal session transition ${this._state} → ${next}`);
    this._state = next;
  }
}
