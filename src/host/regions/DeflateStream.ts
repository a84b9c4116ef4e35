/**
 * One raw-deflate stream for a RESET's lifetime: its dictionary carries over from update to update, which
 * is what makes repeated text nearly free. Each chunk ends with Z_SYNC_FLUSH so it inflates on its own.
 * Compression runs on libuv's thread pool, off the host's main thread.
 */
import * as zlib from 'zlib';
import { IDisposable } from '../../common/lifecycle';

/** zlib level for screen content: chosen by measurement in bench/host/regions.ts (speed matters more than ratio). */
export const DEFAULT_DEFLATE_LEVEL = 1;

export class DeflateStream implements IDisposable {
  private readonly deflate: zlib.DeflateRaw;
  private chunks: Buffer[] = [];
  private failure: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(level = DEFAULT_DEFLATE_LEVEL) {
    this.deflate = zlib.createDeflateRaw({ level, memLevel: 9 });
    this.deflate.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.deflate.on('error', (err: Error) => (this.failure = err));
  }

  /** Compresses `data` and flushes: the result inflates to exactly `data` given everything before it. */
  compress(data: Buffer): Promise<Buffer> {
    // Calls chain, so each result holds exactly its own chunk's output even if a caller does not await.
    const result = this.tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          this.deflate.write(data);
          this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            if (this.failure) return reject(this.failure);
            const out = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
            this.chunks = [];
            resolve(out);
          });
        }),
    );
    this.tail = result.catch(() => undefined);
    return result;
  }

  dispose(): void {
    this.deflate.removeAllListeners('data');
    this.deflate.on('error', () => undefined);
    this.deflate.destroy();
  }
}
