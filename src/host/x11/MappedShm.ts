/**
 * MIT-SHM segments mapped into the host (mmap through koffi's FFI), handed to the `x11` package as its
 * segment provider: a grab's pixels are read where the X server wrote them. The package's built-in provider
 * never maps a segment and reads it back with pread, a copy of every grabbed byte: 33 MB per 4K frame, about
 * 9.5 ms of the host's CPU (2.4 ms at 1080p), a third of what a full-screen frame cost in all.
 *
 * A segment whose mapping fails (or any, where koffi or libc cannot be loaded: `mappedShmProvider()` is then
 * undefined and the built-in provider is used) falls back to the read-back copy. A mapping is released only
 * once its Buffer is garbage (FinalizationRegistry): a frame still held after its segment was detached never
 * points at unmapped memory.
 */
import * as fs from 'fs';

const SHM_DIR = '/dev/shm';
const PROT_READ_WRITE = 0x1 | 0x2;
const MAP_SHARED = 0x01;
/** mmap's MAP_FAILED, (void *)-1. */
const MAP_FAILED = 0xffffffffffffffffn;

/** What the `x11` package's MIT-SHM extension asks of a provider (see x11/lib/shm-provider.js). */
export interface ShmProvider {
  readonly flavor: 'fd';
  readonly zeroCopy: boolean;
  create(size: number): ShmSegmentBacking;
  commit(seg: ShmSegmentBacking, offset?: number, length?: number): void;
  sync(seg: ShmSegmentBacking, offset?: number, length?: number): void;
  destroy(seg: ShmSegmentBacking): void;
}

export interface ShmSegmentBacking {
  readonly size: number;
  fd: number | null;
  readonly buffer: Buffer;
  /** The buffer is the mapping itself: nothing to copy in or out. */
  readonly mapped: boolean;
}

interface Mapper {
  map(fd: number, size: number): Buffer | undefined;
}

let counter = 0;
let mapper: Mapper | null | undefined;

/** libc's mmap through koffi, or null where either is missing (not Linux, no prebuilt koffi for this machine). */
function loadMapper(): Mapper | null {
  if (process.platform !== 'linux') return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const mmap = libc.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)') as (...a: unknown[]) => unknown;
    const munmap = libc.func('int munmap(void *addr, size_t length)') as (addr: unknown, length: number) => number;
    const release = new FinalizationRegistry<{ ptr: unknown; size: number }>(({ ptr, size }) => munmap(ptr, size));
    return {
      map(fd, size) {
        const ptr = mmap(null, size, PROT_READ_WRITE, MAP_SHARED, fd, 0);
        const address = ptr === null ? 0n : koffi.address(ptr);
        if (address === 0n || address === MAP_FAILED) return undefined;
        const buffer = Buffer.from(koffi.view(ptr, size));
        release.register(buffer.buffer, { ptr, size });
        return buffer;
      },
    };
  } catch {
    return null;
  }
}

/** The provider, or undefined where segments cannot be mapped here (the `x11` package's own is used then). */
export function mappedShmProvider(): ShmProvider | undefined {
  mapper ??= loadMapper();
  const m = mapper;
  if (!m || !fs.existsSync(SHM_DIR)) return undefined;
  return {
    flavor: 'fd',
    // Per segment (a failed mapping reads back): the package only reads this flag to describe the provider.
    zeroCopy: true,
    create(size) {
      if (!(size > 0)) throw new Error('segment size must be positive');
      // An unlinked file on tmpfs: it lives as long as a descriptor or a mapping holds it (ours, the server's).
      const path = `${SHM_DIR}/remote-assist-shm-${process.pid}-${counter++}`;
      const fd = fs.openSync(path, 'w+', 0o600);
      try {
        fs.ftruncateSync(fd, size);
        fs.unlinkSync(path);
      } catch (err) {
        fs.closeSync(fd);
        fs.rmSync(path, { force: true });
        throw err;
      }
      const buffer = m.map(fd, size);
      return { size, fd, buffer: buffer ?? Buffer.alloc(size), mapped: buffer !== undefined };
    },
    commit(seg, offset = 0, length = seg.size - offset) {
      if (!seg.mapped && length > 0 && seg.fd !== null) fs.writeSync(seg.fd, seg.buffer, offset, length, offset);
    },
    sync(seg, offset = 0, length = seg.size - offset) {
      if (!seg.mapped && length > 0 && seg.fd !== null) fs.readSync(seg.fd, seg.buffer, offset, length, offset);
    },
    destroy(seg) {
      if (seg.fd === null) return;
      fs.closeSync(seg.fd);
      seg.fd = null;
    },
  };
}
