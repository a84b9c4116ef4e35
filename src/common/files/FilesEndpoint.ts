/**
 * Where a session's file commands go and its events come from. On the sharer's side that is the host
 * process's files service, reached through the supervisor's service envelope; each event is validated,
 * since it comes from another process.
 */
import { IDisposable, Event } from '../lifecycle';
import { Logger } from '../logger';
import { FILES_SERVICE, FilesHostCommand, FilesHostEvent } from '../../protocol/files';
import { HostServiceEndpoint, ServiceHost } from '../../supervisor/HostServiceEndpoint';

export interface FilesEndpoint extends IDisposable {
  send(command: FilesHostCommand): void;
  readonly onEvent: Event<FilesHostEvent>;
}

export class HostFilesEndpoint extends HostServiceEndpoint<FilesHostCommand, typeof FilesHostEvent> implements FilesEndpoint {
  constructor(host: ServiceHost, log: Logger) {
    super(host, FILES_SERVICE, FilesHostEvent, log);
  }
}
