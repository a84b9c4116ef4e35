/**
 * Control on the wire: input from the helper goes through the gate; the helper can ask for control or give
 * it back; the viewer learns the screen size and every control state change.
 */
import {
  HostControlMessage,
  INPUT_MAX_BYTES,
  InputMessage,
  PEER_CHANNELS,
  VIEWER_CONTROL_MAX_BYTES,
  ViewerControlMessage,
} from '../../protocol/peer';
import { decodeMessage } from '../../protocol/validate';
import { DisposableStore } from '../../common/lifecycle';
import { ChannelPort } from '../peer/ChannelPort';
import { HostService, HostServiceContext } from './HostService';

export class ControlService implements HostService {
  private readonly store = new DisposableStore();
  private readonly control: ChannelPort;

  constructor(private readonly ctx: HostServiceContext) {
    const control = (this.control = ctx.channel(PEER_CHANNELS.control));
    const input = ctx.channel(PEER_CHANNELS.input);
    this.store.add(ctx.gate.onDidChange((state) => this.send({ type: 'controlState', granted: state.granted, reason: state.reason, remainingMs: state.remainingMs })));
    this.store.add(ctx.onDidChangePaused((paused) => this.send({ type: 'sharing', paused })));
    this.store.add(ctx.onDidChangeScreenHidden((hidden) => this.send({ type: 'screenHidden', hidden, reason: 'secureDesktop' })));
    // The viewer maps the helper's pointer onto this size: it follows a new resolution or monitor at once.
    this.store.add(ctx.screen.onDidChange((area) => this.send({ type: 'screen', width: area.width, height: area.height })));
    this.store.add(
      control.onOpen(() => {
        this.send({ type: 'screen', width: ctx.screen.width, height: ctx.screen.height });
        this.send({ type: 'controlState', granted: ctx.gate.granted, reason: ctx.gate.granted ? 'granted' : 'revoked', remainingMs: ctx.gate.remainingMs });
        this.send({ type: 'sharing', paused: ctx.paused() });
        if (ctx.screenHidden()) this.send({ type: 'screenHidden', hidden: true, reason: 'secureDesktop' });
      }),
    );
    this.store.add(control.onMessage((data) => this.onControl(data)));
    // The helper learns that input was refused (at most once a second, as the gate reports), never why.
    this.store.add(ctx.gate.onReject((r) => r.code === 'ERR_INPUT_REFUSED' && this.send({ type: 'inputRefused' })));
    this.store.add(input.onMessage((data) => this.onInput(data)));
  }

  private onControl(data: string | ArrayBuffer): void {
    let message: ViewerControlMessage;
    try {
      message = decodeMessage(ViewerControlMessage, typeof data === 'string' ? data : '', VIEWER_CONTROL_MAX_BYTES);
    } catch (err) {
      this.ctx.report('ERR_PEER_PROTOCOL', `control channel: ${(err as Error).message}`);
      return;
    }
    switch (message.type) {
      case 'requestControl':
        if (!this.ctx.gate.granted) this.ctx.emit({ type: 'controlRequested' });
        break;
      case 'releaseControl':
        this.ctx.gate.revoke('helperReleased');
        break;
      case 'refresh':
        this.ctx.refreshVideo();
        break;
    }
  }

  private onInput(data: string | ArrayBuffer): void {
    let message: InputMessage;
    try {
      message = decodeMessage(InputMessage, typeof data === 'string' ? data : '', INPUT_MAX_BYTES);
    } catch (err) {
      this.ctx.gate.counters.rejected++;
      this.ctx.report('ERR_PEER_PROTOCOL', `input channel: ${(err as Error).message}`);
      return;
    }
    this.ctx.gate.handle(message);
  }

  private send(message: HostControlMessage): void {
    if (this.control.isOpen) this.control.send(JSON.stringify(message));
  }

  dispose(): void {
    this.store.dispose();
  }
}
