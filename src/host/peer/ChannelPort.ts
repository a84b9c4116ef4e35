/**
 * One negotiated data channel with backpressure: `send` queues in memory above the high-water mark and
 * drains on `bufferedamountlow` (polled where the channel never fires it); `sendLatest` keeps only the
 * newest message of a kind (cursor moves).
 * Bulk producers (files) may pace themselves on `channel.bufferedAmount` and send on `channel` directly.
 */
import { CHANNEL_HIGH_WATER_BYTES } from '../../protocol/peer';
import { IDisposable, Emitter, Event } from '../../common/lifecycle';

/** Queued bytes beyond the channel's own buffer before the peer is considered stuck. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** How often a congested port re-checks bufferedAmount when the channel sends no bufferedamountlow. */
const DRAIN_POLL_MS = 5;

export class ChannelPort implements IDisposable {
  private readonly _onMessage = new Emitter<string | ArrayBuffer>();
  readonly onMessage = this._onMessage.event;
  private readonly _onOpen = new Emitter<void>();
  /** Fires once the channel is open — right away (on a microtask) for a listener that subscribes later. */
  readonly onOpen: Event<void> = (listener) => {
    if (!this.opened) return this._onOpen.event(listener);
    let live = true;
    queueMicrotask(() => live && listener());
    return { dispose: () => (live = false) };
  };
  private readonly queue: (string | ArrayBuffer)[] = [];
  private queuedBytes = 0;
  private readonly latest = new Map<string, string>();
  private opened = false;
  /** @roamhq/wrtc's channels never fire `bufferedamountlow` (no such handler on them); browsers' do. */
  private readonly firesLow: boolean;
  private drainPoll: ReturnType<typeof setInterval> | undefined;
  /**
   * At least the channel's bufferedAmount: the last read plus what was sent since. On @roamhq/wrtc each read
   * of the channel's state waits for libwebrtc's signaling thread (tens of ms on a loaded machine), so a send
   * reads it only when this bound passes the high-water mark.
   */
  private buffered = 0;
  /** A send failed on a channel no longer open: everything queues from then on, as before it opened. */
  private closed = false;

  constructor(readonly channel: RTCDataChannel) {
    this.firesLow = 'onbufferedamountlow' in channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = CHANNEL_HIGH_WATER_BYTES / 4;
    channel.onmessage = (e: MessageEvent) => this._onMessage.fire(e.data as string | ArrayBuffer);
    channel.onopen = () => this.checkOpen();
    channel.onbufferedamountlow = () => this.drain();
  }

  /** Fires onOpen once the channel is open: wrtc never fires `open` for negotiated channels, so the peer asks. */
  checkOpen(): void {
    if (this.opened || !this.isOpen) return;
    this.opened = true;
    this._onOpen.fire();
    this.drain();
  }

  get isOpen(): boolean {
    return this.channel.readyState === 'open';
  }

  private get congested(): boolean {
    // Until onOpen fired the state is read each time (wrtc fires no `open` for negotiated channels).
    if (this.queue.length > 0 || this.closed || (!this.opened && !this.isOpen)) return true;
    if (this.buffered <= CHANNEL_HIGH_WATER_BYTES) return false;
    this.buffered = this.channel.bufferedAmount;
    return this.buffered > CHANNEL_HIGH_WATER_BYTES;
  }

  /** Hands `data` to the channel; false when the channel turned out closed (a send's error, then checked). */
  private write(data: string | ArrayBuffer): boolean {
    try {
      this.channel.send(data as string);
    } catch (err) {
      if (this.channel.readyState === 'open') throw err;
      this.closed = true;
      return false;
    }
    this.buffered += typeof data === 'string' ? data.length : data.byteLength;
    return true;
  }

  /** Sends or queues; returns false (and drops) only when the peer has stopped reading altogether. */
  send(data: string | ArrayBuffer): boolean {
    if (!this.congested && this.write(data)) return true;
    const size = typeof data === 'string' ? data.length : data.byteLength;
    if (this.queuedBytes + size > MAX_QUEUED_BYTES) return false;
    this.queue.push(data);
    this.queuedBytes += size;
    this.pollWhileWaiting();
    return true;
  }

  /** Sends `data` unless congested, in which case only the newest message under `kind` is kept. */
  sendLatest(kind: string, data: string): void {
    if (this.congested || !this.write(data)) {
      this.latest.set(kind, data);
      this.pollWhileWaiting();
    }
  }

  private drain(): void {
    // Read once: on libwebrtc each read of the state waits for its signaling thread (polled every DRAIN_POLL_MS).
    const state = this.channel.readyState;
    if (state === 'open' && !this.closed) {
      this.buffered = this.channel.bufferedAmount;
      while (this.queue.length > 0 && this.buffered <= CHANNEL_HIGH_WATER_BYTES) {
        const data = this.queue.shift() as string | ArrayBuffer;
        this.queuedBytes -= typeof data === 'string' ? data.length : data.byteLength;
        this.channel.send(data as string);
        this.buffered += typeof data === 'string' ? data.length : data.byteLength;
      }
      if (this.queue.length === 0) {
        for (const data of this.latest.values()) this.channel.send(data);
        this.latest.clear();
      }
    }
    if ((this.queue.length === 0 && this.latest.size === 0) || state === 'closing' || state === 'closed') this.stopPolling();
  }

  /** Without `bufferedamountlow`, polls bufferedAmount while (and only while) something waits to be sent. */
  private pollWhileWaiting(): void {
    if (this.firesLow || this.drainPoll) return;
    this.drainPoll = setInterval(() => this.drain(), DRAIN_POLL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.drainPoll);
    this.drainPoll = undefined;
  }

  dispose(): void {
    this.stopPolling();
    this.channel.onmessage = null;
    this.channel.onopen = null;
    this.channel.onbufferedamountlow = null;
    if (this.channel.readyState === 'open' || this.channel.readyState === 'connecting') this.channel.close();
    this._onMessage.dispose();
    this._onOpen.dispose();
  }
}
