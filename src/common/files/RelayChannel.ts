/**
 * The helper's files channel as the extension sees it: the real RTCDataChannel lives on the panel's peer,
 * and the panel relays it (ViewerFilesRelay). bufferedAmount counts what was posted to the panel and not yet
 * handed to the channel, plus what the channel itself still buffers, so the engine's backpressure holds
 * across the relay.
 */
import type { PanelFilesCommand, PanelFilesEvent } from '../../protocol/files';
import type { ChannelEvent, FileChannel } from './FileChannel';

type ChannelEventType = Parameters<FileChannel['addEventListener']>[0];

export class RelayChannel implements FileChannel {
  readyState: 'connecting' | 'open' | 'closed' = 'connecting';
  bufferedAmountLowThreshold = 0;
  binaryType = 'arraybuffer';
  private inFlight = 0;
  private channelBuffered = 0;
  private readonly listeners = new Map<ChannelEventType, Set<(event: ChannelEvent) => void>>();

  constructor(private readonly toPanel: (command: PanelFilesCommand) => void) {}

  get bufferedAmount(): number {
    return this.inFlight + this.channelBuffered;
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== 'open') throw new Error(`files relay is ${this.readyState}`);
    if (typeof data === 'string') {
      this.toPanel({ type: 'viewerFilesSendText', text: data });
      return;
    }
    this.inFlight += data.byteLength;
    // A copy in a plain Uint8Array of its own: the caller may reuse `data`, and VS Code transfers exactly this buffer.
    this.toPanel({ type: 'viewerFilesSendFrame', bytes: new Uint8Array(data) });
  }

  /** What the panel reported (validated by the webview router). */
  receive(event: PanelFilesEvent): void {
    switch (event.type) {
      case 'viewerFilesOpen':
        if (this.readyState !== 'connecting') return;
        this.readyState = 'open';
        return this.dispatch('open', {});
      case 'viewerFilesClose':
        // Only an open channel closes: a close before the open is the panel letting go of the previous peer
        // connection's channel (a rejoin), while this relay waits for the new one.
        if (this.readyState !== 'open') return;
        this.readyState = 'closed';
        return this.dispatch('close', {});
      case 'viewerFilesText':
        return this.dispatch('message', { data: event.text });
      case 'viewerFilesFrame': {
        const bytes = event.bytes;
        // An ArrayBuffer holding exactly the frame, as a data channel delivers it.
        const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        return this.dispatch('message', { data: exact ? bytes.buffer : bytes.slice().buffer });
      }
      case 'viewerFilesDrained': {
        const before = this.bufferedAmount;
        this.inFlight = Math.max(0, this.inFlight - event.sent);
        this.channelBuffered = event.bufferedAmount;
        if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) this.dispatch('bufferedamountlow', {});
        return;
      }
    }
  }

  addEventListener(type: ChannelEventType, listener: (event: ChannelEvent) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: ChannelEventType, listener: (event: ChannelEvent) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  private dispatch(type: ChannelEventType, event: ChannelEvent): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}
