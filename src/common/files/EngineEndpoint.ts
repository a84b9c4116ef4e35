/**
 * A FilesEndpoint over a transfer engine in this process: carries out the commands (open the file to send,
 * create the temporary file only on accept) and reports the engine's offers and progress as events. The
 * host's files service uses it behind its IPC; the helper's extension uses it directly.
 */
import { Emitter } from '../lifecycle';
import { Logger } from '../logger';
import type { FilesHostCommand, FilesHostEvent } from '../../protocol/files';
import type { FilesEndpoint } from './FilesEndpoint';
import type { FileTransferEngine } from './FileTransferEngine';
import { FileTransferError } from './FileTransferError';
import { NodeFileSink } from './NodeFileSink';
import { NodeFileSource } from './NodeFileSource';

export class EngineEndpoint implements FilesEndpoint {
  private readonly _onEvent = new Emitter<FilesHostEvent>();
  readonly onEvent = this._onEvent.event;

  constructor(
    private readonly engine: FileTransferEngine,
    private readonly log: Logger,
  ) {
    engine.onDidOffer((offer) => this._onEvent.fire({ type: 'offer', key: offer.key, name: offer.name, size: offer.size }));
    engine.onDidChange((transfer) => this._onEvent.fire({ type: 'transfer', transfer }));
    // After the constructor returns, so whoever created this has subscribed.
    queueMicrotask(() => this._onEvent.fire({ type: 'ready' }));
  }

  send(command: FilesHostCommand): void {
    this.handle(command).catch((err: unknown) => {
      const code = err instanceof FileTransferError ? err.code : 'ERR_INTERNAL';
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`files: ${command.type} failed: ${message}`);
      this._onEvent.fire({ type: 'error', code, message: message.slice(0, 2000) });
    });
  }

  dispose(): void {
    this.engine.dispose();
    this._onEvent.dispose();
  }

  private async handle(command: FilesHostCommand): Promise<void> {
    switch (command.type) {
      case 'send':
        this.engine.send(await NodeFileSource.open(command.path));
        return;
      case 'accept':
        if (this.engine.get(command.key)?.state !== 'offered') throw new FileTransferError('ERR_PROTOCOL', `no pending offer ${command.key}`);
        this.engine.accept(command.key, await NodeFileSink.create(command.path, { overwrite: command.overwrite }));
        return;
      case 'decline':
        return this.engine.decline(command.key);
      case 'cancel':
        return this.engine.cancel(command.key);
      case 'configure':
        return this.engine.setMaxIncomingBytes(command.maxBytes);
    }
  }
}
