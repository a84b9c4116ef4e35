/**
 * One raw-deflate stream for a RESET's lifetime: its dictionary carries over from update to update, which
 * is what makes repeated text nearly free. Each chunk ends with Z_SYNC_FLUSH so it inflates on its own.
 * Compression runs on libuv's thread pool, off the host's main thread.
 */
import * as zlib from 'zlib';
import { IDisposable } from '../../common/lifecycle';

/**
 * zlib levels, by measurement (bench:regions, 1080p): a typed character costs 45 bytes at level 6 and 75
 * at level 1; a frame of the scrolling scene (~700 KiB of pixels) half the bytes at level 6 but 12–14 ms
 * instead of 4–5 ms, so frames past a few hundred KiB (and photo-like content) go at level 1.
 */
export const COMPACT_LEVEL = 6;
export const FAST_LEVEL = 1;

export class DeflateStream implements IDisposable {
  private readonly deflate: zlib.DeflateRaw;
  private chunks: Buffer[] = [];
  private failure: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private level = COMPACT_LEVEL) {
    this.deflate = zlib.createDeflateRaw({ level, memLevel: 9 });
    this.deflate.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.deflate.on('error', (err: Error) => (this.failure = err));
  }

  /** Compresses `data` and flushes: the result inflates to exactly `data` given everything before it. */
  compress(data: Buffer, level = this.level): Promise<Buffer> {
    // Calls chain, so each result holds exactly its own chunk's output even if a caller does not await.
    const result = this.tail.then(async () => {
      // After a sync flush a level change emits nothing; the dictionary carries over.
      if (level !== this.level) await new Promise<void>((resolve) => this.deflate.params(level, zlib.constants.Z_DEFAULT_STRATEGY, () => resolve()));
      this.level = level;
      return this.flushed(data);
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  private flushed(data: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(this.failure);
        const out = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        this.chunks = [];
        resolve(out);
      });
    });
  }

  dispose(): void {
    this.deflate.removeAllListeners('data');
    this.deflate.on('error', () => undefined);
    this.deflate.destroy();
  }
}
