/** Sends the sharer's cursor shape and position to the viewer, which draws it over the video. */
import { HostControlMessage, PEER_CHANNELS } from '../../protocol/peer';
import { DisposableStore } from '../../common/lifecycle';
import { HostService, HostServiceContext } from './HostService';

export class CursorService implements HostService {
  private readonly store = new DisposableStore();

  constructor(ctx: HostServiceContext) {
    const port = ctx.channel(PEER_CHANNELS.control);
    this.store.add(port.onOpen(() => ctx.cursor.refresh()));
    // Paused sharing shows nothing of the screen, the pointer included; on resume the viewer gets it again.
    this.store.add(ctx.onDidChangePaused((paused) => paused || ctx.cursor.refresh()));
    this.store.add(
      ctx.cursor.onShape((shape) => {
        const message: HostControlMessage = { type: 'cursorShape', serial: shape.serial, width: shape.width, height: shape.height, xhot: shape.xhot, yhot: shape.yhot, rgba: shape.rgba.toString('base64') };
        if (port.isOpen && !ctx.paused()) port.send(JSON.stringify(message));
      }),
    );
    this.store.add(
      ctx.cursor.onMove((p) => {
        // Only the newest position matters: a congested channel keeps one, not a backlog.
        if (port.isOpen && !ctx.paused()) port.sendLatest('cursor', JSON.stringify({ type: 'cursor', x: p.x, y: p.y, serial: p.serial } satisfies HostControlMessage));
      }),
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}
