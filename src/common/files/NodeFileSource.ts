/** A local regular file as a ByteSource; its size is fixed when opened. */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { ByteSource } from './ByteStreams';
import { FileTransferError } from './FileTransferError';

export class NodeFileSource implements ByteSource {
  private closed = false;

  private constructor(
    private readonly handle: fs.FileHandle,
    readonly name: string,
    readonly size: number,
  ) {}

  static async open(filePath: string): Promise<NodeFileSource> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(filePath, 'r');
    } catch (err) {
      throw new FileTransferError('ERR_READ', `cannot open ${filePath}: ${(err as Error).message}`);
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new FileTransferError('ERR_READ', `${filePath} is not a regular file`);
    }
    return new NodeFileSource(handle, path.basename(filePath), stat.size);
  }

  async read(position: number, into: Uint8Array, offset: number, length: number): Promise<number> {
    const { bytesRead } = await this.handle.read(into, offset, length, position);
    return bytesRead;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
