/**
 * The sharer's voice endpoint: the host process's VoiceService, reached through the supervisor's service
 * envelope. Events come from another process, so each is validated before the talk controller sees it.
 */
import { IDisposable, Emitter, Event } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { parseMessage } from '../protocol/validate';
import { HostVoiceCommand, HostVoiceEvent, VOICE_SERVICE } from '../protocol/voice';
import type { VoiceEndpoint } from './TalkController';

/** The part of HostSupervisor this needs. */
export interface ServiceHost {
  sendService(service: string, message: unknown): void;
  readonly onService: Event<{ service: string; message: unknown }>;
}

export class HostVoiceEndpoint implements VoiceEndpoint, IDisposable {
  private readonly _onEvent = new Emitter<HostVoiceEvent>();
  readonly onEvent = this._onEvent.event;
  private readonly subscription: IDisposable;

  constructor(
    private readonly host: ServiceHost,
    log: Logger,
  ) {
    this.subscription = host.onService(({ service, message }) => {
      if (service !== VOICE_SERVICE) return;
      try {
        this._onEvent.fire(parseMessage(HostVoiceEvent, message));
      } catch (err) {
        log.warn(`voice: dropped an invalid event from the host process: ${(err as Error).message}`);
      }
    });
  }

  send(command: HostVoiceCommand): void {
    this.host.sendService(VOICE_SERVICE, command);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onEvent.dispose();
  }
}
