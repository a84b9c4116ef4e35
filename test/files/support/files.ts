/** Real files for transfer tests, and polling with a deadline. */
import { createHash, randomBytes } from 'crypto';
import { createReadStream, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FileTransferEngine, IncomingOffer } from '../../../src/common/files/FileTransferEngine';
import { NodeFileSink } from '../../../src/common/files/NodeFileSink';
import type { TransferSnapshot, TransferState } from '../../../src/protocol/files';

export async function tempDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `ra-files-${label}-`));
}

/** Writes `size` bytes of non-repeating content (a random block, each copy stamped with its index). */
export async function makeFile(file: string, size: number): Promise<string> {
  const block = randomBytes(Math.min(size, 1024 * 1024));
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'w');
  try {
    for (let at = 0, n = 0; at < size; at += block.length, n++) {
      if (block.length >= 8) block.writeUInt32BE(n, 0);
      const piece = block.subarray(0, Math.min(block.length, size - at));
      hash.update(piece);
      await handle.write(piece);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Polls `check` until it returns true, or fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Records every snapshot an engine reports, by key. */
export class TransferLog {
  readonly latest = new Map<string, TransferSnapshot>();
  readonly states = new Map<string, TransferState[]>();
  readonly offers: IncomingOffer[] = [];

  constructor(engine: FileTransferEngine) {
    engine.onDidChange((s) => {
      this.latest.set(s.key, s);
      const states = this.states.get(s.key) ?? [];
      if (states[states.length - 1] !== s.state) states.push(s.state);
      this.states.set(s.key, states);
    });
    engine.onDidOffer((o) => this.offers.push(o));
  }

  state(key: string): TransferState | undefined {
    return this.latest.get(key)?.state;
  }

  async waitFor(key: string, state: TransferState, timeoutMs = 20_000): Promise<TransferSnapshot> {
    await until(`${key} to be ${state} (is ${this.state(key)}, code ${this.latest.get(key)?.code})`, () => this.state(key) === state, timeoutMs);
    return this.latest.get(key)!;
  }

  /** The `index`-th offer this engine received (0-based), once it has arrived. */
  async offer(index: number, timeoutMs = 20_000): Promise<IncomingOffer> {
    await until(`offer #${index}`, () => this.offers.length > index, timeoutMs);
    return this.offers[index];
  }
}

/** Accepts an offer into `dir` under its sanitised name, as the UI does after the user chose Save. */
export async function acceptInto(engine: FileTransferEngine, offer: IncomingOffer, dir: string): Promise<string> {
  const target = path.join(dir, offer.name);
  engine.accept(offer.key, await NodeFileSink.create(target, { overwrite: false }));
  return target;
}

export async function listDir(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}
