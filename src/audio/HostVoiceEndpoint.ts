/**
 * The sharer's voice endpoint: the host process's VoiceService, reached through the supervisor's service
 * envelope. Events come from another process, so each is validated before the talk controller sees it.
 */
import { Logger } from '../common/logger';
import { HostServiceEndpoint, ServiceHost } from '../supervisor/HostServiceEndpoint';
import { HostVoiceCommand, HostVoiceEvent, VOICE_SERVICE } from '../protocol/voice';
import type { VoiceEndpoint } from '../common/audio/TalkController';

export class HostVoiceEndpoint extends HostServiceEndpoint<HostVoiceCommand, typeof HostVoiceEvent> implements VoiceEndpoint {
  constructor(host: ServiceHost, log: Logger) {
    super(host, VOICE_SERVICE, HostVoiceEvent, log);
  }
}
