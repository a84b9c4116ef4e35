/**
 * One negotiated data channel with backpressure: `send` queues in memory above the high-water mark and
 * drains on `bufferedamountlow`; `sendLatest` keeps only the newest message of a kind (cursor moves).
 */
import { CHANNEL_HIGH_WATER_BYTES } from '../../protocol/peer';
import { Disposable, Emitter } from '../Emitter';

/** Queued bytes beyond the channel's own buffer before the peer is considered stuck. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export class ChannelPort implements Disposable {
  private readonly _onMessage = new Emitter<string | ArrayBuffer>();
  readonly onMessage = this._onMessage.event;
  private readonly _onOpen = new Emitter<void>();
  readonly onOpen = this._onOpen.event;
  private readonly _onDrain = new Emitter<void>();
  /** The channel's buffer fell below the low-water mark: producers may write again. */
  readonly onDrain = this._onDrain.event;
  private readonly queue: (string | ArrayBuffer)[] = [];
  private queuedBytes = 0;
  private readonly latest = new Map<string, string>();
  private opened = false;

  constructor(readonly channel: RTCDataChannel) {
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

  /** True when a producer should wait for onDrain before sending more (file chunks, for example). */
  get congested(): boolean {
    return this.queue.length > 0 || !this.isOpen || this.channel.bufferedAmount > CHANNEL_HIGH_WATER_BYTES;
  }

  /** Sends or queues; returns false (and drops) only when the peer has stopped reading altogether. */
  send(data: string | ArrayBuffer): boolean {
    if (!this.congested) {
      this.channel.send(data as string);
      return true;
    }
    const size = typeof data === 'string' ? data.length : data.byteLength;
    if (this.queuedBytes + size > MAX_QUEUED_BYTES) return false;
    this.queue.push(data);
    this.queuedBytes += size;
    return true;
  }

  /** Sends `data` unless congested, in which case only the newest message under `kind` is kept. */
  sendLatest(kind: string, data: string): void {
    if (!this.congested) this.channel.send(data);
    else this.latest.set(kind, data);
  }

  private drain(): void {
    while (this.queue.length > 0 && this.isOpen && this.channel.bufferedAmount <= CHANNEL_HIGH_WATER_BYTES) {
      const data = this.queue.shift() as string | ArrayBuffer;
      this.queuedBytes -= typeof data === 'string' ? data.length : data.byteLength;
      this.channel.send(data as string);
    }
    if (this.queue.length === 0 && this.isOpen) {
      for (const data of this.latest.values()) this.channel.send(data);
      this.latest.clear();
      this._onDrain.fire();
    }
  }

  dispose(): void {
    this.channel.onmessage = null;
    this.channel.onopen = null;
    this.channel.onbufferedamountlow = null;
    if (this.channel.readyState === 'open' || this.channel.readyState === 'connecting') this.channel.close();
    this._onMessage.dispose();
    this._onOpen.dispose();
    this._onDrain.dispose();
  }
}
