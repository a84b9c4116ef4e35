/**
 * The host's ChannelPort seen as a FileChannel for the transfer engine. The engine paces itself on the raw
 * channel's bufferedAmount and sends directly (not through the port's queue); `open` comes from the port,
 * since wrtc fires no open event for negotiated channels.
 */
import type { IDisposable } from '../../common/lifecycle';
import type { ChannelEvent, FileChannel } from '../../common/files/FileChannel';
import type { ChannelPort } from '../peer/ChannelPort';

type ChannelEventType = Parameters<FileChannel['addEventListener']>[0];

export class PortChannel implements FileChannel {
  private readonly subscriptions = new Map<(event: ChannelEvent) => void, IDisposable>();

  constructor(private readonly port: ChannelPort) {}

  get readyState(): string {
    return this.port.channel.readyState;
  }

  get bufferedAmount(): number {
    return this.port.channel.bufferedAmount;
  }

  get bufferedAmountLowThreshold(): number {
    return this.port.channel.bufferedAmountLowThreshold;
  }

  set bufferedAmountLowThreshold(bytes: number) {
    this.port.channel.bufferedAmountLowThreshold = bytes;
  }

  get binaryType(): string {
    return this.port.channel.binaryType;
  }

  set binaryType(_type: string) {
    // The port already receives binary as ArrayBuffer, which is what the engine wants.
  }

  send(data: string | Uint8Array): void {
    this.port.channel.send(data as string);
  }

  addEventListener(type: ChannelEventType, listener: (event: ChannelEvent) => void): void {
    if (type === 'open') this.subscriptions.set(listener, this.port.onOpen(() => listener({})));
    else if (type === 'message') this.subscriptions.set(listener, this.port.onMessage((data) => listener({ data })));
    else {
      const raw = this.port.channel as unknown as FileChannel;
      raw.addEventListener(type, listener);
      this.subscriptions.set(listener, { dispose: () => raw.removeEventListener(type, listener) });
    }
  }

  removeEventListener(_type: ChannelEventType, listener: (event: ChannelEvent) => void): void {
    this.subscriptions.get(listener)?.dispose();
    this.subscriptions.delete(listener);
  }
}
