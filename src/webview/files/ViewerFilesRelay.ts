/**
 * In the helper's panel page: opens the negotiated files channel on the viewer's peer and relays it to the
 * extension (where the transfer engine and the disk are). Frames go as Uint8Array both ways; after each send it
 * reports how much the channel buffers, and again when the buffer drains, for the engine's backpressure.
 * The extension is told the channel closed when the channel, or the peer under it, goes away.
 */
import type Peer from 'simple-peer';
import { peerConnection } from '../../common/peerConnection';
import { FILE_FRAME_MAX_BYTES, FILES_CHANNEL, PanelFilesCommand, PanelFilesEvent } from '../../protocol/files';

const LOW_WATER_BYTES = 1024 * 1024;

export class ViewerFilesRelay {
  private readonly channel: RTCDataChannel;
  private closed = false;
  /** A closing peer closes its channels without a `close` event on them (RTCPeerConnection.close()). */
  private readonly onPeerClose = () => this.reportClosed();

  constructor(
    private readonly peer: Peer.Instance,
    private readonly post: (event: PanelFilesEvent) => void,
  ) {
    const pc = peerConnection(peer);
    this.channel = pc.createDataChannel(FILES_CHANNEL.label, { negotiated: true, id: FILES_CHANNEL.id, ordered: FILES_CHANNEL.ordered });
    this.channel.binaryType = 'arraybuffer';
    this.channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    this.channel.onopen = () => post({ type: 'viewerFilesOpen' });
    this.channel.onclose = () => this.reportClosed();
    this.channel.onbufferedamountlow = () => post({ type: 'viewerFilesDrained', sent: 0, bufferedAmount: this.channel.bufferedAmount });
    this.channel.onmessage = (e: MessageEvent) => {
      if (typeof e.data === 'string') post({ type: 'viewerFilesText', text: e.data });
      else if (e.data instanceof ArrayBuffer && e.data.byteLength <= FILE_FRAME_MAX_BYTES) post({ type: 'viewerFilesFrame', bytes: new Uint8Array(e.data) });
    };
    peer.on('close', this.onPeerClose);
    if (this.channel.readyState === 'open') post({ type: 'viewerFilesOpen' });
  }

  handle(command: Extract<PanelFilesCommand, { type: 'viewerFilesSendText' | 'viewerFilesSendFrame' }>): void {
    if (this.channel.readyState !== 'open') return;
    if (command.type === 'viewerFilesSendText') {
      this.channel.send(command.text);
      return;
    }
    const bytes = command.bytes;
    this.channel.send(bytes as Uint8Array<ArrayBuffer>);
    this.post({ type: 'viewerFilesDrained', sent: bytes.byteLength, bufferedAmount: this.channel.bufferedAmount });
  }

  dispose(): void {
    this.peer.removeListener('close', this.onPeerClose);
    this.channel.onopen = this.channel.onclose = this.channel.onmessage = this.channel.onbufferedamountlow = null;
    if (this.channel.readyState === 'open' || this.channel.readyState === 'connecting') this.channel.close();
    // The engine in the extension fails what is in flight instead of waiting for a channel that is gone.
    this.reportClosed();
  }

  private reportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.post({ type: 'viewerFilesClose' });
  }
}
