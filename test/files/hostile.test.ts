/**
 * A hostile or broken peer: offered names are sanitised or refused, a sender that lies about the size or
 * the hash is caught before anything is renamed into place, garbage is ignored. The hostile side writes
 * raw messages on the real data channel; the receiving side is the real engine writing real files.
 */
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { FileTransferError } from '../../src/common/files/FileTransferError';
import { sanitizeFileName } from '../../src/common/files/fileName';
import { createNodeHasher } from '../../src/common/files/nodeHasher';
import type { FileChannel } from '../../src/common/files/FileChannel';
import { FilePeerMessage } from '../../src/protocol/files';
import { connectPeerPair, PeerPair } from './support/peerPair';
import { acceptInto, listDir, tempDir, TransferLog, until } from './support/files';

describe('file names from the peer', () => {
  const cases: [string, string][] = [
    ['../../.bashrc', 'bashrc'],
    ['/etc/passwd', 'passwd'],
    ['C:\\Windows\\System32\\evil.dll', 'evil.dll'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['NUL', '_NUL'],
    ['LPT1.tar.gz', '_LPT1.tar.gz'],
    ['a\u0000b.txt', 'a_b.txt'],
    ['evil\nname.txt', 'evil_name.txt'],
    ['report\u202Efdp.exe', 'report_fdp.exe'],
    ['what?.txt', 'what_.txt'],
    ['trailing. . ', 'trailing'],
    ['résumé.pdf', 'résumé.pdf'],
  ];
  for (const [offered, safe] of cases) {
    it(`${JSON.stringify(offered)} → ${JSON.stringify(safe)}`, () => assert.equal(sanitizeFileName(offered), safe));
  }

  for (const offered of ['..', '.', '...', ' ', 'dir/', '/']) {
    it(`refuses ${JSON.stringify(offered)}`, () => {
      assert.throws(() => sanitizeFileName(offered), (err: unknown) => err instanceof FileTransferError && err.code === 'ERR_BAD_NAME');
    });
  }

  it('shortens long names to 255 UTF-8 bytes and keeps the extension', () => {
    const name = sanitizeFileName(`${'ü'.repeat(300)}.txt`);
    assert.ok(Buffer.byteLength(name) <= 255);
    assert.ok(name.endsWith('ü.txt'));
  });

  describe('long names are sanitised after the cut', () => {
    const long: [string, string, string][] = [
      ['a cut that ends in spaces', `${'x'.repeat(250)}${' '.repeat(20)}y`, 'x'.repeat(250)],
      ['a cut that ends in dots (no extension: too long to be one)', `${'x'.repeat(250)}${'.'.repeat(20)}${'y'.repeat(40)}`, 'x'.repeat(250)],
      ['a cut before a short extension keeps it', `${'x'.repeat(250)}${'.'.repeat(20)}y`, `${'x'.repeat(250)}....y`],
      ['a cut that leaves a device name (con and spaces)', `con${' '.repeat(300)}x`, '_con'],
      ['a cut that leaves a device name (NUL and dots)', `NUL${'.'.repeat(300)}${'x'.repeat(40)}`, '_NUL'],
      ['a device name at the byte limit keeps its prefix', `aux.${'z'.repeat(251)}`, `_aux.${'z'.repeat(250)}`],
      ['3-byte characters at the cut', '€'.repeat(100), '€'.repeat(85)],
      ['a letter with a combining accent at the cut', `a${'q\u0301'.repeat(100)}`, `a${'q\u0301'.repeat(84)}`],
      ['an emoji with a skin tone at the cut', '👍🏽'.repeat(40), '👍🏽'.repeat(31)],
      ['a long name of spaces around one letter', `${' '.repeat(300)}x${' '.repeat(300)}`, 'x'],
    ];
    for (const [what, offered, safe] of long) {
      it(what, () => {
        const name = sanitizeFileName(offered);
        assert.equal(name, safe);
        assert.ok(Buffer.byteLength(name) <= 255, `${Buffer.byteLength(name)} bytes`);
      });
    }

    for (const offered of [' .'.repeat(300), '.'.repeat(1000), ' '.repeat(1000), `${'.'.repeat(200)}/${' . '.repeat(200)}`]) {
      it(`refuses ${offered.length} characters of only dots and spaces`, () => {
        assert.throws(() => sanitizeFileName(offered), (err: unknown) => err instanceof FileTransferError && err.code === 'ERR_BAD_NAME');
      });
    }
  });
});

describe('a hostile sender on the files channel', function () {
  this.timeout(60_000);
  let pair: PeerPair;
  let raw: FileChannel;
  let received: FilePeerMessage[];
  let receiver: FileTransferEngine;
  let log: TransferLog;
  let dir: string;

  function sendJson(message: unknown): void {
    raw.send(JSON.stringify(message));
  }
  function sendBytes(id: number, bytes: Uint8Array): void {
    const frame = new Uint8Array(4 + bytes.length);
    new DataView(frame.buffer).setUint32(0, id);
    frame.set(bytes, 4);
    raw.send(frame);
  }
  async function reply(type: FilePeerMessage['type'], id: number): Promise<FilePeerMessage> {
    await until(`${type} for ${id}`, () => received.some((m) => m.type === type && m.id === id));
    return received.find((m) => m.type === type && m.id === id)!;
  }
  /** Offers `size` bytes and accepts them on the receiving side, as its user would. */
  async function offerAccepted(id: number, size: number, name = `file${id}.bin`): Promise<string> {
    const seen = log.offers.length;
    sendJson({ type: 'offer', id, name, size });
    const offer = await log.offer(seen);
    await acceptInto(receiver, offer, dir);
    await reply('accept', id);
    return offer.key;
  }

  beforeEach(async () => {
    pair = await connectPeerPair();
    raw = pair.sharerChannel;
    raw.binaryType = 'arraybuffer';
    received = [];
    raw.addEventListener('message', (e) => {
      if (typeof e.data === 'string') received.push(FilePeerMessage.parse(JSON.parse(e.data)));
    });
    receiver = new FileTransferEngine(pair.helperChannel, { createHasher: createNodeHasher });
    log = new TransferLog(receiver);
    dir = await tempDir('hostile');
  });

  afterEach(async () => {
    receiver.dispose();
    pair.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('saves "../../.bashrc" inside the chosen folder under a sanitised name', async () => {
    const key = await offerAccepted(1, 5, '../../.bashrc');
    const body = new TextEncoder().encode('hello');
    sendBytes(1, body);
    sendJson({ type: 'end', id: 1, sha256: createHash('sha256').update(body).digest('hex') });
    await reply('done', 1);
    assert.equal((await log.waitFor(key, 'completed')).savedPath, path.join(dir, 'bashrc'));
    assert.deepEqual(await listDir(dir), ['bashrc']);
  });

  it('declines a name with nothing usable in it', async () => {
    sendJson({ type: 'offer', id: 2, name: '../..', size: 10 });
    const decline = (await reply('decline', 2)) as Extract<FilePeerMessage, { type: 'decline' }>;
    assert.equal(decline.code, 'ERR_BAD_NAME');
    assert.equal(log.offers.length, 0, 'the user is not asked');
  });

  it('catches more bytes than offered', async () => {
    const key = await offerAccepted(3, 1000);
    sendBytes(3, new Uint8Array(2000));
    const stop = (await reply('receiverStop', 3)) as Extract<FilePeerMessage, { type: 'receiverStop' }>;
    assert.equal(stop.code, 'ERR_SIZE_MISMATCH');
    assert.equal((await log.waitFor(key, 'failed')).code, 'ERR_SIZE_MISMATCH');
    await until('no partial file', async () => (await listDir(dir)).length === 0);
  });

  it('catches fewer bytes than offered', async () => {
    const key = await offerAccepted(4, 1000);
    const body = new Uint8Array(500).fill(7);
    sendBytes(4, body);
    sendJson({ type: 'end', id: 4, sha256: createHash('sha256').update(body).digest('hex') });
    assert.equal((await log.waitFor(key, 'failed')).code, 'ERR_SIZE_MISMATCH');
    await until('no partial file', async () => (await listDir(dir)).length === 0);
  });

  it('catches a wrong SHA-256 and renames nothing into place', async () => {
    const key = await offerAccepted(5, 3000);
    sendBytes(5, new Uint8Array(3000).fill(1));
    sendJson({ type: 'end', id: 5, sha256: createHash('sha256').update('something else').digest('hex') });
    const stop = (await reply('receiverStop', 5)) as Extract<FilePeerMessage, { type: 'receiverStop' }>;
    assert.equal(stop.code, 'ERR_HASH_MISMATCH');
    assert.equal((await log.waitFor(key, 'failed')).code, 'ERR_HASH_MISMATCH');
    await until('no partial file', async () => (await listDir(dir)).length === 0);
  });

  it('stops a sender that sends before it was accepted', async () => {
    sendJson({ type: 'offer', id: 6, name: 'eager.bin', size: 100 });
    const offer = await log.offer(0);
    sendBytes(6, new Uint8Array(100));
    assert.equal((await log.waitFor(offer.key, 'failed')).code, 'ERR_FLOW');
    assert.deepEqual(await listDir(dir), []);
  });

  it('stops a sender that ignores the credit window', async () => {
    const small = new FileTransferEngine(pair.helperChannel, { createHasher: createNodeHasher, windowBytes: 1000 });
    receiver.dispose();
    receiver = small;
    log = new TransferLog(small);
    const key = await offerAccepted(7, 5000);
    sendBytes(7, new Uint8Array(1001));
    assert.equal((await log.waitFor(key, 'failed')).code, 'ERR_FLOW');
    await until('no partial file', async () => (await listDir(dir)).length === 0);
  });

  it('ignores garbage and keeps working', async () => {
    raw.send('not json');
    raw.send(JSON.stringify({ type: 'format-disk' }));
    raw.send(JSON.stringify({ type: 'offer', id: -1, name: 'x', size: 1 }));
    raw.send(JSON.stringify({ type: 'offer', id: 8, name: 'x'.repeat(5000), size: 1 }));
    raw.send(new Uint8Array(2));
    sendBytes(999, new Uint8Array(10));
    sendJson({ type: 'end', id: 12345, sha256: '0'.repeat(64) });
    const key = await offerAccepted(9, 3);
    const body = new Uint8Array([1, 2, 3]);
    sendBytes(9, body);
    sendJson({ type: 'end', id: 9, sha256: createHash('sha256').update(body).digest('hex') });
    await log.waitFor(key, 'completed');
    assert.equal(log.offers.length, 1, 'only the valid offer reached the user');
  });

  it('declines offers beyond the per-minute limit as busy, without asking', async () => {
    receiver.dispose();
    receiver = new FileTransferEngine(pair.helperChannel, { createHasher: createNodeHasher, maxOffersPerMinute: 3 });
    log = new TransferLog(receiver);
    for (let id = 200; id < 203; id++) {
      sendJson({ type: 'offer', id, name: `spam${id}`, size: 1 });
      receiver.decline((await log.offer(id - 200)).key);
      await reply('decline', id);
    }
    sendJson({ type: 'offer', id: 203, name: 'spam203', size: 1 });
    const decline = (await reply('decline', 203)) as Extract<FilePeerMessage, { type: 'decline' }>;
    assert.equal(decline.code, 'ERR_BUSY');
    assert.equal(log.offers.length, 3, 'the user was asked three times only');
  });

  it('declines offers beyond the pending limit as busy', async () => {
    for (let id = 100; id < 108; id++) sendJson({ type: 'offer', id, name: `f${id}`, size: 1 });
    await log.offer(7);
    sendJson({ type: 'offer', id: 108, name: 'one-too-many', size: 1 });
    const decline = (await reply('decline', 108)) as Extract<FilePeerMessage, { type: 'decline' }>;
    assert.equal(decline.code, 'ERR_BUSY');
  });
});
