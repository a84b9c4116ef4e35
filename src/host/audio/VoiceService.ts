/** Start Talking in the host process: HostVoice plugged into the session as a host service. */
import { HostCommand } from '../../protocol/host';
import { VOICE_CHANNEL, VOICE_SERVICE } from '../../protocol/voice';
import { HostService, HostServiceContext } from '../services/HostService';
import { HostVoice } from './HostVoice';

export class VoiceService implements HostService {
  private readonly voice: HostVoice;

  constructor(ctx: HostServiceContext) {
    this.voice = new HostVoice(ctx.peer, ctx.channel(VOICE_CHANNEL), (message) =>
      ctx.emit({ type: 'service', service: VOICE_SERVICE, message }),
    );
  }

  onCommand(command: HostCommand): void {
    if (command.type === 'service' && command.service === VOICE_SERVICE) void this.voice.handle(command.message);
  }

  dispose(): void {
    void this.voice.dispose();
  }
}
