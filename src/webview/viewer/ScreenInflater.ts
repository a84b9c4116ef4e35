/**
 * ScreenInflater: the viewer's end of the screen channel's one raw-deflate stream (one per RESET), on the
 * browser's native DecompressionStream. Each update's compressed bytes end in a sync flush, so they inflate
 * on their own to exactly that update's PIXELS bytes; anything more or less is an error.
 */
import { IDisposable } from '../../common/lifecycle';

export type InflateErrorCode = 'ERR_INFLATE' | 'ERR_INFLATE_SIZE';

export class InflateError extends Error {
  constructor(
    readonly code: InflateErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InflateError';
  }
}

type Chunk = ReadableStreamReadResult<Uint8Array>;
/** Stands for "no output is queued": the transform of the last write has run, so none will come. */
const NONE = Symbol('none');

export class ScreenInflater implements IDisposable {
  private readonly writer: WritableStreamDefaultWriter<BufferSource>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** A read that lost a race with NONE stays in flight; its chunk belongs to the next update. */
  private pending: Promise<Chunk> | undefined;

  constructor() {
    const stream = new DecompressionStream('deflate-raw');
    this.writer = stream.writable.getWriter();
    this.reader = stream.readable.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    // Errors reach the caller through reads; these only keep them from being reported as unhandled.
    this.writer.closed.catch(() => undefined);
    this.reader.closed.catch(() => undefined);
  }

  /** Inflates one update's bytes to exactly `pixelBytes` (in one buffer, ready for ImageData views). */
  async inflate(compressed: Uint8Array, pixelBytes: number): Promise<Uint8ClampedArray<ArrayBuffer>> {
    const out = new Uint8ClampedArray(pixelBytes);
    if (pixelBytes === 0) return out;
    if (compressed.byteLength === 0) throw new InflateError('ERR_INFLATE_SIZE', `no compressed bytes for ${pixelBytes} pixel bytes`);
    // Bytes parsed from a channel message, so never a shared buffer.
    const written = this.writer.write(compressed as Uint8Array<ArrayBuffer>);
    // The write resolves once its transform has queued all its output: a read still empty then gets none.
    const drained: Promise<typeof NONE> = written.then(
      () => NONE,
      () => NONE,
    );
    let filled = 0;
    while (filled < pixelBytes) {
      const chunk = await this.next(drained);
      if (chunk === NONE) throw new InflateError('ERR_INFLATE_SIZE', `update inflated to ${filled} of its ${pixelBytes} pixel bytes`);
      if (filled + chunk.byteLength > pixelBytes) throw this.tooMuch(pixelBytes);
      out.set(chunk, filled);
      filled += chunk.byteLength;
    }
    await written.catch((err: unknown) => {
      throw new InflateError('ERR_INFLATE', `corrupt screen stream: ${(err as Error).message}`);
    });
    // Output still queued after the last byte belongs to no op: the host sent more than it described.
    if ((await this.next(Promise.resolve<typeof NONE>(NONE))) !== NONE) throw this.tooMuch(pixelBytes);
    return out;
  }

  dispose(): void {
    this.reader.cancel().catch(() => undefined);
    this.writer.abort().catch(() => undefined);
  }

  /** The next output chunk, or NONE if `drained` settles first (queued chunks always win: already resolved). */
  private async next(drained: Promise<typeof NONE>): Promise<Uint8Array | typeof NONE> {
    this.pending ??= this.reader.read();
    let result: Chunk | typeof NONE;
    try {
      result = await Promise.race([this.pending, drained]);
    } catch (err) {
      throw new InflateError('ERR_INFLATE', `corrupt screen stream: ${(err as Error).message}`);
    }
    if (result === NONE) return NONE;
    this.pending = undefined;
    if (result.done) throw new InflateError('ERR_INFLATE', 'the screen stream ended');
    return result.value;
  }

  private tooMuch(pixelBytes: number): InflateError {
    return new InflateError('ERR_INFLATE_SIZE', `update inflated to more than its ${pixelBytes} pixel bytes`);
  }
}
