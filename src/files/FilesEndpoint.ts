/**
 * Where a session's file commands go and its events come from. On the sharer's side that is the host
 * process's files service, reached through the supervisor's service envelope; each event is validated,
 * since it comes from another process.
 */
import { IDisposable, Emitter, Event } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { FILES_SERVICE, FilesHostCommand, FilesHostEvent } from '../protocol/files';
import { parseMessage } from '../protocol/validate';

export interface FilesEndpoint extends IDisposable {
  send(command: FilesHostCommand): void;
  readonly onEvent: Event<FilesHostEvent>;
}

/** The part of HostSupervisor this needs. */
export interface ServiceHost {
  sendService(service: string, message: unknown): void;
  readonly onService: Event<{ service: string; message: unknown }>;
}

export class HostFilesEndpoint implements FilesEndpoint {
  private readonly _onEvent = new Emitter<FilesHostEvent>();
  readonly onEvent = this._onEvent.event;
  private readonly subscription: IDisposable;

  constructor(
    private readonly host: ServiceHost,
    log: Logger,
  ) {
    this.subscription = host.onService(({ service, message }) => {
      if (service !== FILES_SERVICE) return;
      try {
        this._onEvent.fire(parseMessage(FilesHostEvent, message));
      } catch (err) {
        log.warn(`files: dropped an invalid event from the host process: ${(err as Error).message}`);
      }
    });
  }

  send(command: FilesHostCommand): void {
    this.host.sendService(FILES_SERVICE, command);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onEvent.dispose();
  }
}
