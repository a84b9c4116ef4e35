/**
 * A received file on the local disk: bytes go to a private temporary file in the target's folder
 * (same file system, so the final move is atomic); `commit` moves it into place without replacing an
 * existing file unless overwriting was chosen; `abort` deletes it.
 */
import { randomBytes } from 'crypto';
import { promises as fs, unlinkSync } from 'fs';
import * as path from 'path';
import type { ByteSink } from './ByteStreams';
import { FileTransferError } from './FileTransferError';

/** Temporary files carry this suffix, so a folder listing shows what they are. */
const PARTIAL_SUFFIX = '.remote-assist-partial';

/**
 * Written bytes are flushed to disk in the background every this many, so the final flush before the file is
 * moved into place has only the last of them to write (128 MiB at once took about 80 ms here, 1 GiB 0.3-0.4 s,
 * all of it after the last byte had arrived).
 */
const FLUSH_EVERY_BYTES = 8 * 1024 * 1024;

/** A temporary file untouched this long was left by a process that was killed mid-transfer. */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** Temporary files still open; removed synchronously if the process exits mid-transfer (a host ending with its session). */
const liveTemps = new Set<string>();
let exitHookInstalled = false;

function removeLiveTempsSync(): void {
  for (const temp of liveTemps) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  liveTemps.clear();
}

/** Deletes our temporary files in `dir` that nobody has written for a while (a killed process left them). */
async function sweepAbandoned(dir: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!/^\.[0-9a-f]{16}\.remote-assist-partial$/.test(name)) continue;
    const file = path.join(dir, name);
    if (liveTemps.has(file)) continue;
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isFile() && Date.now() - stat.mtimeMs > ABANDONED_AFTER_MS) await fs.unlink(file).catch(() => undefined);
  }
}

export class NodeFileSink implements ByteSink {
  private handle: fs.FileHandle | undefined;
  private finished = false;
  private unflushed = 0;
  /** The background flush under way, if any; an error it met is reported by the next write or the commit. */
  private flushing: Promise<void> | undefined;
  private flushError: Error | undefined;
  private flushes = 0;

  private constructor(
    private readonly target: string,
    private readonly temp: string,
    handle: fs.FileHandle,
    private readonly overwrite: boolean,
  ) {
    this.handle = handle;
  }

  /** Creates the temporary file next to `target`; call only after the user accepted. */
  static async create(target: string, options: { overwrite: boolean }): Promise<NodeFileSink> {
    const temp = path.join(path.dirname(target), `.${randomBytes(8).toString('hex')}${PARTIAL_SUFFIX}`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(temp, 'wx', 0o600);
    } catch (err) {
      throw new FileTransferError('ERR_WRITE', `cannot write in ${path.dirname(target)}: ${(err as Error).message}`);
    }
    await sweepAbandoned(path.dirname(target));
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', removeLiveTempsSync);
    }
    liveTemps.add(temp);
    return new NodeFileSink(target, temp, handle, options.overwrite);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const handle = this.handle;
    if (!handle) throw new FileTransferError('ERR_WRITE', 'the file is closed');
    let done = 0;
    while (done < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
      done += bytesWritten;
    }
    this.unflushed += done;
    if (this.unflushed >= FLUSH_EVERY_BYTES && !this.flushing) {
      this.unflushed = 0;
      this.flushes++;
      this.flushing = handle.datasync().then(
        () => void (this.flushing = undefined),
        (err: Error) => void (this.flushError = err),
      );
    }
    if (this.flushError) throw new FileTransferError('ERR_WRITE', `cannot write ${this.target}: ${this.flushError.message}`);
  }

  /** Background flushes started so far (what the tests check). */
  get backgroundFlushes(): number {
    return this.flushes;
  }

  async commit(): Promise<string> {
    const handle = this.handle;
    if (!handle || this.finished) throw new FileTransferError('ERR_WRITE', 'the file is closed');
    this.handle = undefined;
    try {
      await this.flushing;
      if (this.flushError) throw new FileTransferError('ERR_WRITE', `cannot write ${this.target}: ${this.flushError.message}`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    if (this.overwrite) {
      await fs.rename(this.temp, this.target);
    } else if (await this.linkExclusive()) {
      await fs.unlink(this.temp);
    }
    this.finished = true;
    liveTemps.delete(this.temp);
    return this.target;
  }

  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const handle = this.handle;
    this.handle = undefined;
    await this.flushing;
    await handle?.close().catch(() => undefined);
    await fs.unlink(this.temp).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    liveTemps.delete(this.temp);
  }

  /**
   * link(2) fails if the target exists, so nothing is replaced even if a file appears meanwhile.
   * Returns false when it had to rename instead (the temporary name is gone then).
   */
  private async linkExclusive(): Promise<boolean> {
    try {
      await fs.link(this.temp, this.target);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new FileTransferError('ERR_EXISTS', `${this.target} exists`);
      // File systems without hard links (FAT, some network shares): check, then rename.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
        const exists = await fs.access(this.target).then(() => true, () => false);
        if (exists) throw new FileTransferError('ERR_EXISTS', `${this.target} exists`);
        await fs.rename(this.temp, this.target);
        return false;
      }
      throw new FileTransferError('ERR_WRITE', `cannot save ${this.target}: ${(err as Error).message}`);
    }
  }
}
