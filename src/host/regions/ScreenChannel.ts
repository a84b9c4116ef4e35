/**
 * The host's end of the `screen` data channel: sends encoded frames and MODE switches, and does VNC-style
 * flow control on the viewer's acks — at most a few frames and a window of bytes unacknowledged, so latency
 * stays low and changes coalesce in the shadow instead of queueing. A frame's updates go out as the window
 * opens (each update is acked on its own), so on a slow link a chat line never waits behind a whole frame.
 * Everything the viewer sends is validated.
 */
import { Emitter, IDisposable, DisposableStore } from '../../common/lifecycle';
import { encodeMode, parseScreenAck, SCREEN_KIND, SCREEN_VIEWER_MESSAGE_MAX_BYTES, ScreenMode, ScreenViewerMessage } from '../../protocol/screen';
import { decodeMessage } from '../../protocol/validate';
import { ChannelPort } from '../peer/ChannelPort';
import { EncodedFrame } from './RegionEncoder';

/**
 * Frames sent but not yet acknowledged before the host waits. Measured with the vs-VNC motion scene at a
 * 60 fps cap: 2 → 36.8 painted fps, 3 → 44.9; bench:host latency at 30 fps stayed ~22 ms p50 with 3.
 */
export const MAX_FRAMES_IN_FLIGHT = 3;
/** Unacknowledged bytes before the host waits even with a free frame slot, unless a link's window is set. */
export const MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;

/** Told of every update sent and ack received (Auto quality measures the link with it). */
export interface ScreenFlowObserver {
  sent(seq: number, bytes: number, now: number): void;
  /** `heldMs`, `viewerAtMs`: how long the viewer says it held the update, and when it acked (its clock). */
  acked(seq: number, now: number, heldMs: number | undefined, viewerAtMs: number | undefined): void;
  forget(now: number): void;
}

interface Outgoing {
  readonly data: Uint8Array<ArrayBuffer>;
  /** The UPDATE's seq (RESET and MODE have none). */
  readonly seq: number | undefined;
}

export class ScreenChannel implements IDisposable {
  private readonly store = new DisposableStore();
  private readonly _onAck = new Emitter<number>();
  /** A frame was acknowledged (the seq): the window may have opened. */
  readonly onAck = this._onAck.event;
  private readonly _onRefresh = new Emitter<void>();
  readonly onRefresh = this._onRefresh.event;
  private readonly _onProblem = new Emitter<string>();
  /** The viewer sent something invalid (already ignored). */
  readonly onProblem = this._onProblem.event;
  private readonly _onOpen = new Emitter<void>();
  readonly onOpen = this._onOpen.event;
  private inFlight: { seq: number; bytes: number }[] = [];
  /** Last seq of each frame not yet wholly acked. */
  private frames: number[] = [];
  private queue: Outgoing[] = [];
  private windowBytes = MAX_BYTES_IN_FLIGHT;
  private lastSent = 0;
  private opened = false;
  /** A message could not be queued: the viewer's picture is lost and needs a RESET. */
  broken = false;

  constructor(
    private readonly port: ChannelPort,
    private readonly observer?: ScreenFlowObserver,
  ) {
    this.store.add(port.onMessage((data) => this.onMessage(data)));
    this.store.add(
      port.onOpen(() => {
        this.opened = true;
        this._onOpen.fire();
      }),
    );
  }

  get isOpen(): boolean {
    return this.opened && this.port.isOpen;
  }

  /**
   * Whether a frame may go now. Not the channel's state: on @roamhq/wrtc each read of it waits for libwebrtc's
   * signaling thread (ms under load, several reads per frame). A channel that closed takes at most
   * MAX_FRAMES_IN_FLIGHT frames more (the port queues them; no ack comes back).
   */
  get canSend(): boolean {
    return this.opened && this.queue.length === 0 && this.frames.length < MAX_FRAMES_IN_FLIGHT && this.bytesInFlight < this.windowBytes;
  }

  /** Unacknowledged bytes allowed (the link's tier sets it); at least one update always goes. */
  setWindow(bytes: number): void {
    this.windowBytes = Math.max(1, Math.min(bytes, MAX_BYTES_IN_FLIGHT));
    this.pump();
  }

  get bytesInFlight(): number {
    return this.inFlight.reduce((n, f) => n + f.bytes, 0);
  }

  /** Forgets unacknowledged frames (a RESET starts over; acks for older seqs are then ignored). */
  restart(): void {
    this.inFlight = [];
    this.frames = [];
    this.queue = [];
    this.broken = false;
    this.observer?.forget(performance.now());
  }

  sendFrame(frame: EncodedFrame): void {
    for (const data of frame.messages) this.queue.push({ data, seq: data[0] === SCREEN_KIND.update ? new DataView(data.buffer).getUint32(1, true) : undefined });
    this.frames.push(frame.lastSeq);
    this.pump();
  }

  /** After the frames sent before it. */
  sendMode(mode: ScreenMode, seq: number): void {
    this.queue.push({ data: encodeMode(mode, seq), seq: undefined });
    this.pump();
  }

  /** Sends queued messages while the window has room (a RESET or MODE goes with what follows it). */
  private pump(): void {
    while (this.queue.length > 0) {
      const next = this.queue[0];
      const bytes = next.data.byteLength;
      if (next.seq !== undefined && this.inFlight.length > 0 && this.bytesInFlight + bytes > this.windowBytes) return;
      this.queue.shift();
      if (!this.port.send(next.data.buffer)) this.broken = true;
      if (next.seq === undefined) continue;
      this.lastSent = next.seq;
      this.inFlight.push({ seq: next.seq, bytes });
      this.observer?.sent(next.seq, bytes, performance.now());
    }
  }

  private onMessage(data: string | ArrayBuffer): void {
    let message: ScreenViewerMessage;
    try {
      message = typeof data === 'string' ? decodeMessage(ScreenViewerMessage, data, SCREEN_VIEWER_MESSAGE_MAX_BYTES) : parseScreenAck(data);
    } catch (err) {
      this._onProblem.fire(`screen channel: ${(err as Error).message}`);
      return;
    }
    if (message.type === 'refresh') return this._onRefresh.fire();
    if (message.seq > this.lastSent) return this._onProblem.fire(`screen channel: ack for ${message.seq}, which was never sent`);
    const before = this.inFlight.length;
    this.inFlight = this.inFlight.filter((f) => f.seq > message.seq);
    if (this.inFlight.length === before) return;
    this.frames = this.frames.filter((seq) => seq > message.seq);
    this.observer?.acked(message.seq, performance.now(), message.heldMs, message.atMs);
    this.pump();
    this._onAck.fire(message.seq);
  }

  dispose(): void {
    this.store.dispose();
    this._onAck.dispose();
    this._onRefresh.dispose();
    this._onProblem.dispose();
    this._onOpen.dispose();
  }
}
