/**
 * Send a File on the sharer's side: the transfer engine on the `files` channel, driven by the sharer's
 * extension. The host never decides consent: an offer from the helper is reported to the extension, and
 * bytes are written only after the extension sends `accept` with the path the sharer chose.
 */
import { HostCommand } from '../../protocol/host';
import { FILES_CHANNEL, FILES_HOST_MESSAGE_MAX_BYTES, FILES_SERVICE, FilesHostCommand, FilesHostEvent } from '../../protocol/files';
import { parseMessage, ProtocolError } from '../../protocol/validate';
import { FileTransferEngine } from '../../files/FileTransferEngine';
import { FileTransferError } from '../../files/FileTransferError';
import { NodeFileSink } from '../../files/NodeFileSink';
import { NodeFileSource } from '../../files/NodeFileSource';
import { createNodeHasher } from '../../files/nodeHasher';
import { HostService, HostServiceContext } from '../services/HostService';
import { PortChannel } from './PortChannel';

/** Until the extension sends its setting, accept offers up to this size. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024 * 1024;

export class FilesService implements HostService {
  private readonly engine: FileTransferEngine;

  constructor(private readonly ctx: HostServiceContext) {
    this.engine = new FileTransferEngine(new PortChannel(ctx.channel(FILES_CHANNEL)), {
      createHasher: createNodeHasher,
      maxIncomingBytes: DEFAULT_MAX_BYTES,
      logger: ctx.log,
    });
    this.engine.onDidOffer((offer) => this.emit({ type: 'offer', key: offer.key, name: offer.name, size: offer.size }));
    this.engine.onDidChange((transfer) => this.emit({ type: 'transfer', transfer }));
    this.emit({ type: 'ready' });
  }

  onCommand(command: HostCommand): void {
    if (command.type !== 'service' || command.service !== FILES_SERVICE) return;
    let message: FilesHostCommand;
    try {
      if (JSON.stringify(command.message ?? null).length > FILES_HOST_MESSAGE_MAX_BYTES) throw new ProtocolError('ERR_TOO_LARGE', 'files command too large');
      message = parseMessage(FilesHostCommand, command.message);
    } catch (err) {
      return this.emit({ type: 'error', code: (err as ProtocolError).code ?? 'ERR_MALFORMED', message: (err as Error).message });
    }
    this.handle(message).catch((err: unknown) => {
      const code = err instanceof FileTransferError ? err.code : 'ERR_INTERNAL';
      this.emit({ type: 'error', code, message: err instanceof Error ? err.message : String(err) });
    });
  }

  dispose(): void {
    this.engine.dispose();
  }

  private async handle(message: FilesHostCommand): Promise<void> {
    switch (message.type) {
      case 'send':
        this.engine.send(await NodeFileSource.open(message.path));
        return;
      case 'accept': {
        if (this.engine.get(message.key)?.state !== 'offered') throw new FileTransferError('ERR_PROTOCOL', `no pending offer ${message.key}`);
        this.engine.accept(message.key, await NodeFileSink.create(message.path, { overwrite: message.overwrite }));
        return;
      }
      case 'decline':
        return this.engine.decline(message.key);
      case 'cancel':
        return this.engine.cancel(message.key);
      case 'configure':
        return this.engine.setMaxIncomingBytes(message.maxBytes);
    }
  }

  private emit(message: FilesHostEvent): void {
    this.ctx.emit({ type: 'service', service: FILES_SERVICE, message });
  }
}
