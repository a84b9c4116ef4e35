/**
 * The transfer engine between two real WebRTC peers (simple-peer + @roamhq/wrtc) on loopback, moving
 * real files on disk, in both directions.
 */
import { strict as assert } from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { NodeFileSink } from '../../src/common/files/NodeFileSink';
import { NodeFileSource } from '../../src/common/files/NodeFileSource';
import { createNodeHasher } from '../../src/common/files/nodeHasher';
import { connectPeerPair, PeerPair } from './support/peerPair';
import { acceptInto, listDir, makeFile, sha256File, tempDir, TransferLog, until } from './support/files';

const MiB = 1024 * 1024;

describe('FileTransferEngine over a real data channel', function () {
  this.timeout(120_000);
  let pair: PeerPair;
  let sharer: FileTransferEngine;
  let helper: FileTransferEngine;
  let sharerLog: TransferLog;
  let helperLog: TransferLog;
  let dir: string;
  let sharerDir: string;
  let helperDir: string;

  beforeEach(async () => {
    pair = await connectPeerPair();
    sharer = new FileTransferEngine(pair.sharerChannel, { createHasher: createNodeHasher });
    helper = new FileTransferEngine(pair.helperChannel, { createHasher: createNodeHasher });
    sharerLog = new TransferLog(sharer);
    helperLog = new TransferLog(helper);
    dir = await tempDir('src');
    sharerDir = await tempDir('sharer');
    helperDir = await tempDir('helper');
  });

  afterEach(async () => {
    sharer.dispose();
    helper.dispose();
    pair.close();
    for (const d of [dir, sharerDir, helperDir]) await fs.rm(d, { recursive: true, force: true });
  });

  it('sends files both ways at once and the received bytes match', async () => {
    const toHelper = path.join(dir, 'report.pdf');
    const toSharer = path.join(dir, 'trace.log');
    const hashToHelper = await makeFile(toHelper, 3 * MiB + 17);
    const hashToSharer = await makeFile(toSharer, 5 * MiB + 3);
    const sendKey = sharer.send(await NodeFileSource.open(toHelper));
    const backKey = helper.send(await NodeFileSource.open(toSharer));

    const atHelper = await helperLog.offer(0);
    const atSharer = await sharerLog.offer(0);
    assert.deepEqual([atHelper.name, atHelper.size], ['report.pdf', 3 * MiB + 17]);
    assert.deepEqual([atSharer.name, atSharer.size], ['trace.log', 5 * MiB + 3]);
    // Nothing is written before the receiver decides.
    assert.deepEqual(await listDir(helperDir), []);
    await acceptInto(helper, atHelper, helperDir);
    await acceptInto(sharer, atSharer, sharerDir);

    await sharerLog.waitFor(sendKey, 'completed');
    await helperLog.waitFor(backKey, 'completed');
    const saved = await helperLog.waitFor(atHelper.key, 'completed');
    await sharerLog.waitFor(atSharer.key, 'completed');
    assert.equal(saved.savedPath, path.join(helperDir, 'report.pdf'));
    assert.equal(await sha256File(path.join(helperDir, 'report.pdf')), hashToHelper);
    assert.equal(await sha256File(path.join(sharerDir, 'trace.log')), hashToSharer);
    assert.deepEqual(sharerLog.states.get(sendKey), ['queued', 'offered', 'transferring', 'verifying', 'completed']);
    assert.deepEqual(await listDir(helperDir), ['report.pdf']);
  });

  it('queues several files and sends them one after another', async () => {
    const names = ['a.txt', 'b.bin', 'c.dat'];
    const hashes = [];
    for (const [i, name] of names.entries()) hashes.push(await makeFile(path.join(dir, name), (i + 1) * 300_000));
    const keys = [];
    for (const name of names) keys.push(sharer.send(await NodeFileSource.open(path.join(dir, name))));
    assert.deepEqual(keys.map((k) => sharerLog.state(k)), ['offered', 'queued', 'queued']);
    for (let i = 0; i < names.length; i++) {
      const offer = await helperLog.offer(i);
      assert.equal(offer.name, names[i]);
      await acceptInto(helper, offer, helperDir);
      await sharerLog.waitFor(keys[i], 'completed');
    }
    for (const [i, name] of names.entries()) assert.equal(await sha256File(path.join(helperDir, name)), hashes[i]);
  });

  it('declines: the sender sees it, nothing is written, the queue moves on', async () => {
    await makeFile(path.join(dir, 'one.txt'), 1000);
    await makeFile(path.join(dir, 'two.txt'), 2000);
    const one = sharer.send(await NodeFileSource.open(path.join(dir, 'one.txt')));
    const two = sharer.send(await NodeFileSource.open(path.join(dir, 'two.txt')));
    helper.decline((await helperLog.offer(0)).key);
    const declined = await sharerLog.waitFor(one, 'declined');
    assert.equal(declined.code, 'ERR_DECLINED');
    assert.equal((await helperLog.offer(1)).name, 'two.txt');
    assert.equal(sharerLog.state(two), 'offered');
    assert.deepEqual(await listDir(helperDir), []);
  });

  it('declines offers over the maximum size without asking', async () => {
    helper.setMaxIncomingBytes(1000);
    await makeFile(path.join(dir, 'big.iso'), 1001);
    const key = sharer.send(await NodeFileSource.open(path.join(dir, 'big.iso')));
    const declined = await sharerLog.waitFor(key, 'declined');
    assert.equal(declined.code, 'ERR_TOO_LARGE');
    assert.equal(helperLog.offers.length, 0);
    assert.equal([...helperLog.latest.values()][0].state, 'declined');
  });

  it('removes temporary files a killed process left behind, and only those', async () => {
    const abandoned = path.join(helperDir, '.0123456789abcdef.remote-assist-partial');
    const recent = path.join(helperDir, '.fedcba9876543210.remote-assist-partial');
    const lookalike = path.join(helperDir, '.notes.remote-assist-partial');
    for (const f of [abandoned, recent, lookalike]) await fs.writeFile(f, 'x');
    const hourAgo = new Date(Date.now() - 3600_000);
    await fs.utimes(abandoned, hourAgo, hourAgo);
    await fs.utimes(lookalike, hourAgo, hourAgo);
    await makeFile(path.join(dir, 'fresh.txt'), 100);
    const key = sharer.send(await NodeFileSource.open(path.join(dir, 'fresh.txt')));
    await acceptInto(helper, await helperLog.offer(0), helperDir);
    await sharerLog.waitFor(key, 'completed');
    assert.deepEqual(await listDir(helperDir), ['.fedcba9876543210.remote-assist-partial', '.notes.remote-assist-partial', 'fresh.txt']);
  });

  it('never replaces an existing file unless overwriting was chosen', async () => {
    await makeFile(path.join(dir, 'notes.txt'), 4096);
    await fs.writeFile(path.join(helperDir, 'notes.txt'), 'mine');
    const key = sharer.send(await NodeFileSource.open(path.join(dir, 'notes.txt')));
    await acceptInto(helper, await helperLog.offer(0), helperDir);
    assert.equal((await sharerLog.waitFor(key, 'failed')).code, 'ERR_EXISTS');
    assert.equal(await fs.readFile(path.join(helperDir, 'notes.txt'), 'utf8'), 'mine');
    await until('temp file removed', async () => (await listDir(helperDir)).length === 1);

    const again = sharer.send(await NodeFileSource.open(path.join(dir, 'notes.txt')));
    const offer = await helperLog.offer(1);
    helper.accept(offer.key, await NodeFileSink.create(path.join(helperDir, 'notes.txt'), { overwrite: true }));
    await sharerLog.waitFor(again, 'completed');
    assert.equal((await fs.stat(path.join(helperDir, 'notes.txt'))).size, 4096);
  });

  for (const side of ['sender', 'receiver'] as const) {
    it(`cancel at 50 % by the ${side} stops both sides and leaves no partial file`, async () => {
      const size = 64 * MiB;
      await makeFile(path.join(dir, 'half.bin'), size);
      const key = sharer.send(await NodeFileSource.open(path.join(dir, 'half.bin')));
      const offer = await helperLog.offer(0);
      await acceptInto(helper, offer, helperDir);
      // cancelled from the cancelling side's own progress event: polling for 50 % could wake only after the last byte
      const [engine, own] = side === 'sender' ? [sharer, key] : [helper, offer.key];
      const stateAtCancel = await new Promise<string>((resolve) => {
        const progress = engine.onDidChange((s) => {
          if (s.key !== own || s.bytes < size / 2) return;
          progress.dispose();
          engine.cancel(own);
          resolve(s.state);
        });
      });
      assert.equal(stateAtCancel, 'transferring');
      const atSender = await sharerLog.waitFor(key, 'cancelled');
      const atReceiver = await helperLog.waitFor(offer.key, 'cancelled');
      assert.equal(atSender.code, 'ERR_CANCELLED');
      assert.equal(atReceiver.code, 'ERR_CANCELLED');
      // the sender stopped mid-file; a receiver whose first event past 50 % came with the last frame may have written it all
      if (side === 'sender') assert.ok(atReceiver.bytes < size, 'stopped before the end');
      await until('no partial file', async () => (await listDir(helperDir)).length === 0);
    });
  }

  it('a receiver that cancels while its disk is behind reports only the bytes it wrote, not those still on their way to the disk', async () => {
    const size = 8 * MiB;
    await makeFile(path.join(dir, 'slow.bin'), size);
    sharer.send(await NodeFileSource.open(path.join(dir, 'slow.bin')));
    const offer = await helperLog.offer(0);
    // a real file on a disk that is slow: writes wait until the test lets them through
    const file = await NodeFileSink.create(path.join(helperDir, offer.name), { overwrite: false });
    let release!: () => void;
    const diskBusy = new Promise<void>((resolve) => (release = resolve));
    helper.accept(offer.key, {
      write: async (bytes) => {
        await diskBusy;
        await file.write(bytes);
      },
      commit: () => file.commit(),
      abort: () => file.abort(),
    });
    await until('frames arrived that the disk has not taken yet', () => (helperLog.latest.get(offer.key)?.bytes ?? 0) > 0);
    helper.cancel(offer.key);
    const atReceiver = await helperLog.waitFor(offer.key, 'cancelled');
    release();
    await until('no partial file', async () => (await listDir(helperDir)).length === 0);
    assert.equal(atReceiver.bytes, 0, 'the cancelled transfer counts only what reached the disk');
  });

  for (const side of ['sharer', 'helper'] as const) {
    it(`a disconnect mid-transfer (${side} goes away) fails both sides and leaves no partial file`, async () => {
      const size = 64 * MiB;
      await makeFile(path.join(dir, 'cut.bin'), size);
      const key = sharer.send(await NodeFileSource.open(path.join(dir, 'cut.bin')));
      const offer = await helperLog.offer(0);
      await acceptInto(helper, offer, helperDir);
      await until('a third received', () => (helperLog.latest.get(offer.key)?.bytes ?? 0) >= size / 3);
      (side === 'sharer' ? pair.sharer : pair.helper).destroy();
      const atSender = await sharerLog.waitFor(key, 'failed', 40_000);
      const atReceiver = await helperLog.waitFor(offer.key, 'failed', 40_000);
      assert.equal(atSender.code, 'ERR_DISCONNECTED');
      assert.equal(atReceiver.code, 'ERR_DISCONNECTED');
      await until('no partial file', async () => (await listDir(helperDir)).length === 0);
    });
  }
});
