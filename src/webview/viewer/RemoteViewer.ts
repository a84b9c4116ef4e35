/**
 * RemoteViewer: the helper's side of a session, in the browser (webview). It answers the host's WebRTC
 * offer with simple-peer, shows the remote desktop in a <video> — or, while the host sends lossless screen
 * regions, on a canvas stacked over it — with the remote cursor drawn over both,
 * turns mouse and keyboard on it into input messages (sent only while control is granted — the host
 * enforces that too) and carries chat. Signaling payloads are relayed opaquely by `sendSignal`.
 */
import './processShim';
import Peer from 'simple-peer';
import {
  ANNOTATION_MAX_BYTES,
  AnnotationMessage,
  CHANNEL_HIGH_WATER_BYTES,
  ChatMessage,
  HOST_CONTROL_MAX_BYTES,
  HostAnnotationMessage,
  HostControlMessage,
  ScreenHiddenReason,
  InputMessage,
  PEER_CHANNELS,
  ViewerControlMessage,
} from '../../protocol/peer';
import { encodeScreenAck, ScreenViewerMessage } from '../../protocol/screen';
import { CLIPBOARD_MESSAGE_MAX_BYTES, PeerClipboardMessage } from '../../protocol/clipboard';
import { IDisposable, DisposableStore, Emitter, Event, toDisposable } from '../../common/lifecycle';
import { selectedPath, StatsLike } from '../../common/connectionPath';
import type { ConnectionPath } from '../../protocol/ice';
import { IceLinkWatch, LinkState, peerConnection } from '../../common/peerConnection';
import { connectionVerificationCode } from '../../common/verificationCode';
import { AnnotationLayer, AnnotationMode } from './AnnotationLayer';
import { decodeChannelMessage } from './decode';
import { KeyboardCapture } from './KeyboardCapture';
import { PointerCapture } from './PointerCapture';
import { RegionMode, RegionReceiver } from './RegionReceiver';
import { RemoteCursor } from './RemoteCursor';
import { ScreenCanvas } from './ScreenCanvas';

export type ViewerScale = 'fit' | '1:1';
export type ControlReason = Extract<HostControlMessage, { type: 'controlState' }>['reason'];

export interface ViewerStats {
  /** Frames decoded per second over the last second. */
  fps: number;
  /** Received bitrate over the last second, kbit/s. */
  kbps: number;
  /** Decoded video size (may be smaller than the screen when the sharer scales down). */
  videoWidth: number;
  videoHeight: number;
  rttMs?: number;
  /** Negotiated video codec, e.g. "VP8". */
  codec?: string;
  /** Mean time a frame waited in the jitter buffer / took to decode over the last second, ms. */
  jitterBufferMs?: number;
  decodeMs?: number;
  /** What the helper sees: the video track, or the lossless screen regions on the canvas. */
  mode: 'video' | 'regions';
  /** Screen-region updates painted per second over the last second. */
  regionUpdates: number;
  /** Screen-channel bitrate over the last second, kbit/s (already part of `kbps`, which counts the whole transport). */
  regionKbps: number;
  /** Mean ms from an update's turn to its ack (inflate + paint) over the last second. */
  regionMs?: number;
}

export interface RemoteViewerOptions {
  readonly iceServers?: readonly RTCIceServer[];
}

type SignalData = Record<string, unknown>;

export class RemoteViewer implements IDisposable {
  private readonly _onConnected = new Emitter<{ width: number; height: number }>();
  readonly onConnected = this._onConnected.event;
  private readonly _onDisconnected = new Emitter<string>();
  readonly onDisconnected = this._onDisconnected.event;
  private readonly _onLink = new Emitter<LinkState>();
  /** The peer connection stopped answering (`interrupted`: control is off) or answers again (`restored`). */
  readonly onLink = this._onLink.event;
  private readonly _onChat = new Emitter<string>();
  readonly onChat = this._onChat.event;
  private readonly _onClipboard = new Emitter<PeerClipboardMessage>();
  /** Clipboard text from the sharer, and the sharer's answers to the helper's (relayed to the extension). */
  readonly onClipboard = this._onClipboard.event;
  private readonly _onControlState = new Emitter<{ granted: boolean; reason: ControlReason; remainingMs?: number }>();
  readonly onControlState = this._onControlState.event;
  private readonly _onVerification = new Emitter<string>();
  /** This peer connection's verification code ("123 456"), once connected. */
  readonly onVerification = this._onVerification.event;
  private readonly _onScreenHidden = new Emitter<{ hidden: boolean; reason: ScreenHiddenReason }>();
  /** The sharer's screen is hidden from capture (a Windows security prompt), or back. */
  readonly onScreenHidden = this._onScreenHidden.event;
  private readonly _onSharing = new Emitter<boolean>();
  /** The sharer paused (true) or resumed (false) sharing; the picture stays frozen meanwhile. */
  readonly onSharing = this._onSharing.event;
  private readonly _onStats = new Emitter<ViewerStats>();
  readonly onStats = this._onStats.event;
  private readonly _onPath = new Emitter<ConnectionPath>();
  /** The selected candidate pair from getStats, about once a second while connected. */
  readonly onPath = this._onPath.event;
  private readonly _onInputRefused = new Emitter<void>();
  /** The sharer's computer refused input (a hidden window, or outside the window control is limited to). */
  readonly onInputRefused = this._onInputRefused.event;
  private readonly _onError = new Emitter<{ code: string; message: string }>();
  readonly onError = this._onError.event;
  private readonly _onAnnotationRefused = new Emitter<{ code: string; message: string }>();
  /** The sharer's computer refused a "look here" or a stroke (paused, too many, …): nothing was drawn. */
  readonly onAnnotationRefused = this._onAnnotationRefused.event;

  /** The element showing the remote desktop (read-only use: e.g. requestVideoFrameCallback in benches). */
  readonly video: HTMLVideoElement;
  /** The lossless picture over the video, shown while the host sends screen regions (read-only use). */
  readonly canvas: HTMLCanvasElement;
  /** A screen-region update was painted on the canvas (its seq), whether or not the canvas is showing yet. */
  readonly onRegionsPainted: Event<number>;
  /** The screen-regions mode changed (canvas shown in `regions` and `leavingRegions`). */
  readonly onRegionsMode: Event<RegionMode>;
  private readonly regions: RegionReceiver;
  private readonly root: HTMLDivElement;
  private readonly stage: HTMLDivElement;
  private readonly cursor: RemoteCursor;
  private readonly annotations: AnnotationLayer;
  private readonly store = new DisposableStore();
  private readonly peer: Peer.Instance;
  private readonly channels = new Map<string, RTCDataChannel>();
  private keyboard: KeyboardCapture | undefined;
  private scale: ViewerScale = 'fit';
  private screen = { width: 0, height: 0 };
  private granted = false;
  private connected = false;
  private ended = false;
  private disposed = false;
  private lastStats: { at: number; frames: number; bytes: number; jitter: number; emitted: number; decode: number; updates: number; regionBytes: number; regionMs: number } | undefined;
  private lossCount = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly sendSignal: (payload: SignalData) => void,
    options: RemoteViewerOptions = {},
  ) {
    this.root = document.createElement('div');
    this.root.className = 'ra-viewer';
    this.root.tabIndex = 0;
    this.root.style.cssText = 'position:relative;width:100%;height:100%;overflow:hidden;outline:none;background:#000';
    this.stage = document.createElement('div');
    this.stage.className = 'ra-stage';
    this.stage.style.cssText = 'position:absolute;left:0;top:0;cursor:default;touch-action:none';
    this.video = document.createElement('video');
    this.video.autoplay = true;
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.style.cssText = 'display:block;width:100%;height:100%;object-fit:fill';
    this.stage.append(this.video);
    this.root.append(this.stage);
    container.append(this.root);
    this.cursor = this.store.add(new RemoteCursor(this.stage));
    const screenCanvas = this.store.add(new ScreenCanvas(this.video));
    this.canvas = screenCanvas.element;
    this.regions = this.store.add(
      new RegionReceiver(screenCanvas, (m) => (m.type === 'ack' ? this.sendOn(PEER_CHANNELS.screen.label, encodeScreenAck(m)) : this.sendOn(PEER_CHANNELS.screen.label, m satisfies ScreenViewerMessage)), (then) => this.nextVideoFrame(then)),
    );
    this.regions.onError((e) => this._onError.fire(e));
    this.onRegionsPainted = this.regions.onPainted;
    this.onRegionsMode = this.regions.onMode;

    const resize = new ResizeObserver(() => this.layout());
    resize.observe(this.root);
    this.store.add({ dispose: () => resize.disconnect() });
    // Alt+click ("look here") and drawing are taken before the desktop's pointer input sees them.
    this.annotations = this.store.add(
      new AnnotationLayer(this.root, this.stage, (x, y) => this.toScreen(x, y), () => this.screen, (m) => this.sendOn(PEER_CHANNELS.annotate.label, m satisfies AnnotationMessage)),
    );
    this.store.add(
      new PointerCapture(this.stage, (x, y) => this.toScreen(x, y), (m) => this.sendInput(m)),
    );

    this.peer = new Peer({ initiator: false, trickle: true, config: { iceServers: [...(options.iceServers ?? [])] } });
    this.peer.on('signal', (data) => {
      if (!this.disposed) this.sendSignal(data as unknown as SignalData);
    });
    this.peer.on('stream', (stream: MediaStream) => {
      // The sharer's voice comes in a stream of its own (see HostVoice): the voice bridge takes it by track.
      if (stream.getVideoTracks().length === 0) return;
      this.minimiseDelay();
      this.video.srcObject = stream;
      void this.video.play().catch(() => undefined);
    });
    const watch = this.store.add(new IceLinkWatch(this.peer));
    watch.onDidChange((state) => {
      if (state === 'interrupted') this.loseControl();
      this._onLink.fire(state);
    });
    this.peer.on('close', () => this.handleDisconnect('the connection closed'));
    this.peer.on('error', (err: Error & { code?: string }) => {
      this._onError.fire({ code: err.code ?? 'ERR_PEER', message: err.message });
      this.handleDisconnect(err.message);
    });
    const statsTimer = setInterval(() => void this.collectStats(), 1000);
    this.store.add({ dispose: () => clearInterval(statsTimer) });
  }

  /**
   * Calls back once a video frame that arrived from now on is presented. Chromium presents a frame that arrived
   * while nobody watched only when a callback asks, and answers that callback with it, however old: a frame
   * counted already (totalVideoFrames) is skipped.
   */
  private nextVideoFrame(then: () => void): IDisposable {
    const frames = () => this.video.getVideoPlaybackQuality().totalVideoFrames;
    const seen = frames();
    let id = 0;
    const wait = () => {
      id = this.video.requestVideoFrameCallback(() => (frames() > seen ? then() : wait()));
    };
    wait();
    return toDisposable(() => this.video.cancelVideoFrameCallback(id));
  }

  /** The peer, for the panel's voice bridge (it adds the helper's audio track and reads the sharer's). */
  get peerInstance(): Peer.Instance {
    return this.peer;
  }

  /** Feeds a signal object from the host (offer, candidates). Invalid payloads are reported, not thrown. */
  signal(payload: unknown): void {
    if (this.disposed) return;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      this._onError.fire({ code: 'ERR_BAD_SIGNAL', message: 'signal payload must be an object' });
      return;
    }
    try {
      // Negotiated channels must exist before the connection does, or the host's first messages are lost.
      if ((payload as { type?: unknown }).type === 'offer' && this.channels.size === 0) this.openChannels();
      this.peer.signal(payload as Peer.SignalData);
    } catch (err) {
      this._onError.fire({ code: 'ERR_BAD_SIGNAL', message: (err as Error).message });
    }
  }

  sendChat(text: string): void {
    const message: ChatMessage = { type: 'chat', text };
    ChatMessage.parse(message);
    this.sendOn(PEER_CHANNELS.chat.label, message);
  }

  /** Sends the helper's clipboard text to the sharer, whose host decides (consent, size) and answers. */
  sendClipboard(text: string): void {
    this.sendOn(PEER_CHANNELS.clipboard.label, { type: 'clipboardText', text } satisfies PeerClipboardMessage);
  }

  /** Asks the sharer for control; the answer arrives as onControlState. */
  requestControl(): void {
    this.sendOn(PEER_CHANNELS.control.label, { type: 'requestControl' } satisfies ViewerControlMessage);
  }

  /** Gives control back to the sharer. */
  releaseControl(): void {
    this.sendOn(PEER_CHANNELS.control.label, { type: 'releaseControl' } satisfies ViewerControlMessage);
  }

  /** Pen or arrow: drags on the desktop draw on the sharer's screen (not input); off: back to pointer input. */
  setAnnotationMode(mode: AnnotationMode): void {
    this.annotations.setMode(mode);
  }

  /** Removes the helper's marks from the sharer's screen. */
  clearAnnotations(): void {
    this.annotations.clear();
  }

  /** While on, keys typed in the viewer go to the remote machine (when control is granted). */
  setKeyboardCapture(on: boolean): void {
    if (on && !this.keyboard) {
      this.keyboard = new KeyboardCapture(this.root, (m) => this.sendInput(m), () => this.granted);
      this.root.focus();
    } else if (!on && this.keyboard) {
      this.keyboard.dispose();
      this.keyboard = undefined;
    }
  }

  setScale(scale: ViewerScale): void {
    this.scale = scale;
    this.root.style.overflow = scale === '1:1' ? 'auto' : 'hidden';
    this.layout();
  }

  get isControlGranted(): boolean {
    return this.granted;
  }

  /** Whether the helper sees the canvas (screen regions) rather than the video right now. */
  get showsCanvas(): boolean {
    return this.regions.mode === 'regions' || this.regions.mode === 'leavingRegions';
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.keyboard?.dispose();
    this.store.dispose();
    for (const channel of this.channels.values()) channel.close();
    this.peer.destroy();
    this.video.srcObject = null;
    this.root.remove();
    for (const e of [this._onConnected, this._onDisconnected, this._onLink, this._onChat, this._onClipboard, this._onControlState, this._onVerification, this._onSharing, this._onScreenHidden, this._onStats, this._onPath, this._onInputRefused, this._onError, this._onAnnotationRefused]) e.dispose();
  }

  /** A screen is interactive: show each frame as soon as it decodes instead of smoothing with a buffer. */
  private minimiseDelay(): void {
    const pc = peerConnection(this.peer);
    for (const receiver of pc.getReceivers()) {
      if (receiver.track.kind !== 'video') continue;
      const tunable = receiver as RTCRtpReceiver & { jitterBufferTarget?: number | null; playoutDelayHint?: number };
      if ('jitterBufferTarget' in tunable) tunable.jitterBufferTarget = 0;
      if ('playoutDelayHint' in tunable) tunable.playoutDelayHint = 0;
    }
  }

  private openChannels(): void {
    const pc = peerConnection(this.peer);
    for (const spec of Object.values(PEER_CHANNELS)) {
      const channel = pc.createDataChannel(spec.label, { negotiated: true, id: spec.id, ordered: spec.ordered });
      if (spec.label === PEER_CHANNELS.screen.label) {
        channel.binaryType = 'arraybuffer';
        channel.onmessage = (e) => this.regions.receive(e.data);
      } else {
        channel.onmessage = (e) => this.receive(spec.label, e.data);
      }
      this.channels.set(spec.label, channel);
    }
  }

  private receive(label: string, data: unknown): void {
    try {
      if (label === PEER_CHANNELS.control.label) this.receiveControl(decodeChannelMessage(HostControlMessage, data, HOST_CONTROL_MAX_BYTES));
      else if (label === PEER_CHANNELS.chat.label) this._onChat.fire(decodeChannelMessage(ChatMessage, data, 16 * 1024).text);
      else if (label === PEER_CHANNELS.clipboard.label) this._onClipboard.fire(decodeChannelMessage(PeerClipboardMessage, data, CLIPBOARD_MESSAGE_MAX_BYTES));
      else if (label === PEER_CHANNELS.annotate.label) this._onAnnotationRefused.fire(decodeChannelMessage(HostAnnotationMessage, data, ANNOTATION_MAX_BYTES));
    } catch (err) {
      this._onError.fire({ code: (err as { code?: string }).code ?? 'ERR_MALFORMED', message: (err as Error).message });
    }
  }

  private receiveControl(message: HostControlMessage): void {
    switch (message.type) {
      case 'screen': {
        const first = !this.connected;
        this.screen = { width: message.width, height: message.height };
        this.connected = true;
        this.layout();
        // A drawing canvas takes the new size.
        this.annotations.setMode(this.annotations.current);
        if (first) {
          this._onConnected.fire({ ...this.screen });
          void connectionVerificationCode(peerConnection(this.peer)).then(
            (code) => code && !this.disposed && this._onVerification.fire(code),
            (err: Error) => this._onError.fire({ code: 'ERR_VERIFICATION', message: err.message }),
          );
        }
        break;
      }
      case 'sharing':
        this._onSharing.fire(message.paused);
        break;
      case 'screenHidden':
        this._onScreenHidden.fire({ hidden: message.hidden, reason: message.reason });
        break;
      case 'controlState':
        if (!message.granted) this.keyboard?.releaseAll();
        this.granted = message.granted;
        // In control the remote cursor is the pointer; when only watching, the helper keeps their own.
        this.stage.style.cursor = message.granted ? 'none' : 'default';
        this._onControlState.fire({ granted: message.granted, reason: message.reason, remainingMs: message.remainingMs });
        break;
      case 'inputRefused':
        this._onInputRefused.fire();
        break;
      case 'cursor':
        this.cursor.move(message.x, message.y, message.serial);
        break;
      case 'cursorShape':
        this.cursor.setShape(message);
        break;
    }
  }

  private sendInput(message: InputMessage): void {
    // Courtesy check only: the host's control gate is what enforces permission.
    if (this.granted || message.type === 'releaseAll') this.sendOn(PEER_CHANNELS.input.label, message);
  }

  /** Sends `message` as JSON, or as it is when binary (the screen channel's acks). */
  private sendOn(label: string, message: object | Uint8Array<ArrayBuffer>): void {
    const channel = this.channels.get(label);
    if (!channel || channel.readyState !== 'open') return;
    if (message instanceof Uint8Array) return channel.send(message);
    // Backpressure: drop pointer moves rather than queue them behind a congested channel.
    if (channel.bufferedAmount > CHANNEL_HIGH_WATER_BYTES && (message as { type?: string }).type === 'pointerMove') return;
    channel.send(JSON.stringify(message));
  }

  /** Client point → screen coordinates, or undefined outside the shared screen. */
  private toScreen(clientX: number, clientY: number): { x: number; y: number } | undefined {
    if (!this.screen.width) return undefined;
    const rect = this.stage.getBoundingClientRect();
    const x = Math.floor(((clientX - rect.left) / rect.width) * this.screen.width);
    const y = Math.floor(((clientY - rect.top) / rect.height) * this.screen.height);
    if (x < 0 || y < 0 || x >= this.screen.width || y >= this.screen.height) return undefined;
    return { x, y };
  }

  private layout(): void {
    const { width, height } = this.screen;
    if (!width) return;
    let factor = 1;
    if (this.scale === 'fit') {
      const box = this.root.getBoundingClientRect();
      factor = Math.min(box.width / width, box.height / height) || 1;
    }
    const w = Math.round(width * factor);
    const h = Math.round(height * factor);
    this.stage.style.width = `${w}px`;
    this.stage.style.height = `${h}px`;
    const box = this.root.getBoundingClientRect();
    this.stage.style.left = this.scale === 'fit' ? `${Math.max(0, Math.floor((box.width - w) / 2))}px` : '0';
    this.stage.style.top = this.scale === 'fit' ? `${Math.max(0, Math.floor((box.height - h) / 2))}px` : '0';
    this.cursor.setFactor(factor);
  }

  /** Reports the end of the connection once (simple-peer may emit both error and close). */
  private handleDisconnect(reason: string): void {
    if (this.ended || this.disposed) return;
    this.ended = true;
    this.connected = false;
    this.loseControl();
    this._onDisconnected.fire(reason);
  }

  /** Control never survives a drop: stop sending input (the host has revoked it on its side too). */
  private loseControl(): void {
    this.granted = false;
    this.keyboard?.releaseAll();
    this.stage.style.cursor = 'default';
  }

  private async collectStats(): Promise<void> {
    const pc = peerConnection(this.peer) as RTCPeerConnection | undefined;
    if (!pc || !this.connected) return;
    const report = await pc.getStats();
    const path = selectedPath(report as unknown as StatsLike);
    if (path && !this.disposed) this._onPath.fire(path);
    let frames = 0;
    let bytes = 0;
    let codec: string | undefined;
    let jitter = 0;
    let emitted = 0;
    let decode = 0;
    let lossCount = this.lossCount;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        frames = s.framesDecoded ?? 0;
        lossCount = (s.packetsLost ?? 0) + (s.framesDropped ?? 0);
        codec = report.get(s.codecId)?.mimeType?.replace(/^video\//, '');
        jitter = s.jitterBufferDelay ?? 0;
        emitted = s.jitterBufferEmittedCount ?? 0;
        decode = s.totalDecodeTime ?? 0;
      }
      if (s.type === 'transport') bytes = s.bytesReceived ?? 0;
    });
    // Video was lost: the decoder has asked for a key frame, but a still screen sends no frames, so ask the
    // host for one. (Chrome also asks every few seconds when nothing arrives; that alone is not worth a frame.)
    if (lossCount > this.lossCount) this.sendOn(PEER_CHANNELS.control.label, { type: 'refresh' } satisfies ViewerControlMessage);
    this.lossCount = lossCount;
    const now = performance.now();
    const last = this.lastStats;
    const { updates, bytes: regionBytes, ms: regionMs } = this.regions.counters;
    this.lastStats = { at: now, frames, bytes, jitter, emitted, decode, updates, regionBytes, regionMs };
    if (!last) return;
    const seconds = (now - last.at) / 1000;
    this._onStats.fire({
      fps: (frames - last.frames) / seconds,
      kbps: ((bytes - last.bytes) * 8) / 1000 / seconds,
      videoWidth: this.video.videoWidth,
      videoHeight: this.video.videoHeight,
      rttMs: path?.rttMs,
      codec,
      jitterBufferMs: emitted > last.emitted ? ((jitter - last.jitter) / (emitted - last.emitted)) * 1000 : undefined,
      decodeMs: frames > last.frames ? ((decode - last.decode) / (frames - last.frames)) * 1000 : undefined,
      mode: this.showsCanvas ? 'regions' : 'video',
      regionUpdates: (updates - last.updates) / seconds,
      regionKbps: ((regionBytes - last.regionBytes) * 8) / 1000 / seconds,
      regionMs: updates > last.updates ? (regionMs - last.regionMs) / (updates - last.updates) : undefined,
    });
  }
}
