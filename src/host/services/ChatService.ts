/** Chat between sharer and helper over its own channel; the extension keeps the history. */
import { HostCommand } from '../../protocol/host';
import { CHAT_MAX_BYTES, ChatMessage, PEER_CHANNELS } from '../../protocol/peer';
import { decodeMessage } from '../../protocol/validate';
import { DisposableStore } from '../../common/lifecycle';
import { ChannelPort } from '../peer/ChannelPort';
import { HostService, HostServiceContext } from './HostService';

export class ChatService implements HostService {
  private readonly store = new DisposableStore();
  private readonly port: ChannelPort;

  constructor(private readonly ctx: HostServiceContext) {
    this.port = ctx.channel(PEER_CHANNELS.chat);
    this.store.add(
      this.port.onMessage((data) => {
        try {
          const message = decodeMessage(ChatMessage, typeof data === 'string' ? data : '', CHAT_MAX_BYTES);
          this.ctx.emit({ type: 'chat', text: message.text });
        } catch (err) {
          this.ctx.report('ERR_PEER_PROTOCOL', `chat channel: ${(err as Error).message}`);
        }
      }),
    );
  }

  onCommand(command: HostCommand): void {
    if (command.type !== 'sendChat') return;
    if (!this.port.isOpen) {
      this.ctx.report('ERR_BAD_COMMAND', 'chat is not connected yet');
      return;
    }
    this.port.send(JSON.stringify({ type: 'chat', text: command.text } satisfies ChatMessage));
  }

  dispose(): void {
    this.store.dispose();
  }
}
