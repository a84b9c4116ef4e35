/**
 * NodeFileSink on the real disk: a large file is flushed in the background while it is written (so the final
 * flush has only the tail left), and it is saved intact; an aborted one leaves nothing behind.
 */
import assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NodeFileSink } from '../../src/common/files/NodeFileSink';

describe('NodeFileSink', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ra-sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('flushes in the background every 8 MiB while writing, and saves every byte', async () => {
    const sink = await NodeFileSink.create(join(dir, 'big.bin'), { overwrite: false });
    const hash = createHash('sha256');
    for (let i = 0; i < 20; i++) {
      const piece = randomBytes(1024 * 1024);
      hash.update(piece);
      await sink.write(piece);
    }
    // one at 8 MiB, and one at 16 MiB unless the first is still under way then
    assert.ok(sink.backgroundFlushes >= 1, `${sink.backgroundFlushes} flushes`);
    const saved = await sink.commit();
    assert.strictEqual(createHash('sha256').update(readFileSync(saved)).digest('hex'), hash.digest('hex'));
    assert.deepStrictEqual(readdirSync(dir), ['big.bin']);
  });

  it('abort during a background flush removes the partial file', async () => {
    const sink = await NodeFileSink.create(join(dir, 'gone.bin'), { overwrite: false });
    for (let i = 0; i < 9; i++) await sink.write(randomBytes(1024 * 1024));
    assert.strictEqual(sink.backgroundFlushes, 1);
    await sink.abort();
    assert.deepStrictEqual(readdirSync(dir), []);
  });
});
