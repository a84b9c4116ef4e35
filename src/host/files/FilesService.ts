/**
 * Send a File on the sharer's side: the transfer engine on the `files` channel, driven by the sharer's
 * extension. The host never decides consent: an offer from the helper is reported to the extension, and
 * bytes are written only after the extension sends `accept` with the path the sharer chose.
 */
import { HostCommand } from '../../protocol/host';
import { FILES_CHANNEL, FILES_HOST_MESSAGE_MAX_BYTES, FILES_SERVICE, FilesHostCommand, FilesHostEvent } from '../../protocol/files';
import { parseMessage, ProtocolError } from '../../protocol/validate';
import { EngineEndpoint } from '../../common/files/EngineEndpoint';
import { FileTransferEngine } from '../../common/files/FileTransferEngine';
import { createNodeHasher } from '../../common/files/nodeHasher';
import { HostService, HostServiceContext } from '../services/HostService';
import { PortChannel } from './PortChannel';

/** Until the extension sends its setting, accept offers up to this size. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024 * 1024;

export class FilesService implements HostService {
  private readonly endpoint: EngineEndpoint;

  constructor(private readonly ctx: HostServiceContext) {
    const engine = new FileTransferEngine(new PortChannel(ctx.channel(FILES_CHANNEL)), {
      createHasher: createNodeHasher,
      maxIncomingBytes: DEFAULT_MAX_BYTES,
      logger: ctx.log,
    });
    this.endpoint = new EngineEndpoint(engine, ctx.log);
    this.endpoint.onEvent((event) => this.emit(event));
  }

  onCommand(command: HostCommand): void {
    if (command.type !== 'service' || command.service !== FILES_SERVICE) return;
    try {
      if (JSON.stringify(command.message ?? null).length > FILES_HOST_MESSAGE_MAX_BYTES) throw new ProtocolError('ERR_TOO_LARGE', 'files command too large');
      this.endpoint.send(parseMessage(FilesHostCommand, command.message));
    } catch (err) {
      this.emit({ type: 'error', code: (err as ProtocolError).code ?? 'ERR_MALFORMED', message: (err as Error).message.slice(0, 2000) });
    }
  }

  dispose(): void {
    this.endpoint.dispose();
  }

  private emit(message: FilesHostEvent): void {
    this.ctx.emit({ type: 'service', service: FILES_SERVICE, message });
  }
}
