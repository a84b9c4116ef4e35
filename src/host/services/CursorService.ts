/** Sends the sharer's cursor shape and position to the viewer, which draws it over the video. */
import { HostControlMessage, PEER_CHANNELS } from '../../protocol/peer';
import { DisposableStore } from '../Emitter';
import { ChannelPort } from '../peer/ChannelPort';
import { HostService, HostServiceContext } from './HostService';

export class CursorService implements HostService {
  private readonly store = new DisposableStore();
  private readonly port: ChannelPort;

  constructor(private readonly ctx: HostServiceContext) {
    this.port = ctx.channel(PEER_CHANNELS.control);
  }

  onConnected(): void {
    const port = this.port;
    this.store.add(port.onOpen(() => this.ctx.cursor.refresh()));
    this.store.add(
      this.ctx.cursor.onShape((shape) => {
        const message: HostControlMessage = { type: 'cursorShape', serial: shape.serial, width: shape.width, height: shape.height, xhot: shape.xhot, yhot: shape.yhot, rgba: shape.rgba.toString('base64') };
        if (port.isOpen) port.send(JSON.stringify(message));
      }),
    );
    this.store.add(
      this.ctx.cursor.onMove((p) => {
        // Only the newest position matters: a congested channel keeps one, not a backlog.
        if (port.isOpen) port.sendLatest('cursor', JSON.stringify({ type: 'cursor', x: p.x, y: p.y, serial: p.serial } satisfies HostControlMessage));
      }),
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
