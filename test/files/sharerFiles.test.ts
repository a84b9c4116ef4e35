/**
 * The sharer's Send a File feature (SessionFiles over the host process's files service) with a real host
 * process on Xvfb and a real helper peer. The test plays the sharer answering the Save As…/Decline prompt
 * and pressing Cancel on the progress display; the history lines are what the chat shows.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { HostFilesEndpoint } from '../../src/common/files/FilesEndpoint';
import { NodeFileSource } from '../../src/common/files/NodeFileSource';
import { FilesUi, ProgressDisplay, SessionFiles } from '../../src/files/SessionFiles';
import { silentLogger } from '../../src/common/logger';
import type { TransferSnapshot } from '../../src/protocol/files';
import { acceptInto, listDir, makeFile, sha256File, type TransferLog, until } from './support/files';
import { HostFilesRig } from './support/hostRig';

const MiB = 1024 * 1024;

/** The sharer at the keyboard: answers each offer with `answer`, watches progress, may press Cancel. */
class SharerAtKeyboard implements FilesUi {
  answer: (name: string) => { path: string; overwrite: boolean } | undefined = () => undefined;
  readonly asked: { peerName: string; name: string; size: number }[] = [];
  readonly updates: TransferSnapshot[] = [];
  readonly cancels = new Map<string, () => void>();
  open = 0;

  async askSave(offer: { peerName: string; name: string; size: number }) {
    this.asked.push(offer);
    return this.answer(offer.name);
  }

  showProgress(transfer: TransferSnapshot, _peer: string, cancel: () => void): ProgressDisplay {
    this.cancels.set(transfer.key, cancel);
    this.open++;
    return { update: (t) => this.updates.push(t), close: () => this.open-- };
  }
}

describe('Send a File on the sharer side (SessionFiles + host process)', function () {
  this.timeout(120_000);
  const history: string[] = [];
  /** The SHA-256 each completed line carries for the session's record. */
  const digests: string[] = [];
  const ui = new SharerAtKeyboard();
  let rig: HostFilesRig;
  let helperEngine: FileTransferEngine;
  let helperLog: TransferLog;
  let files: SessionFiles;
  let dir: string;
  let sharerInbox: string;
  let helperInbox: string;

  before(async () => {
    rig = await HostFilesRig.start('sf', (supervisor) => {
      files = new SessionFiles(new HostFilesEndpoint(supervisor, silentLogger), ui, 'Bob', (line, sha256) => {
        history.push(line);
        if (sha256) digests.push(sha256);
      }, silentLogger, 50 * MiB);
    });
    ({ helperEngine, helperLog, dir, sharerInbox, helperInbox } = rig);
  });

  after(async () => {
    files?.dispose();
    await rig?.close();
  });

  it('asks who/what/size, saves where the sharer chose, records the story', async () => {
    const hash = await makeFile(path.join(dir, 'logs.zip'), 20 * MiB);
    ui.answer = (name) => ({ path: path.join(sharerInbox, `saved-${name}`), overwrite: false });
    const key = helperEngine.send(await NodeFileSource.open(path.join(dir, 'logs.zip')));
    await helperLog.waitFor(key, 'completed', 60_000);
    assert.deepEqual(ui.asked[0], { peerName: 'Bob', name: 'logs.zip', size: 20 * MiB });
    await until('the completed line', () => history.some((l) => l.includes('was saved to')));
    assert.equal(await sha256File(path.join(sharerInbox, 'saved-logs.zip')), hash);
    assert.deepEqual(digests, [hash], 'the completed line carries the verified SHA-256 for the record');
    assert.deepEqual(history, [
      'Bob offered "logs.zip" (21 MB).',
      'You accepted "logs.zip" (21 MB) from Bob.',
      `"logs.zip" (21 MB) from Bob was saved to ${path.join(sharerInbox, 'saved-logs.zip')}; its SHA-256 matched.`,
    ]);
    assert.ok(ui.updates.length > 0 && ui.updates.every((u) => u.key === ui.updates[0].key), 'progress was shown');
    await until('the progress display to close', () => ui.open === 0);
  });

  it('Decline writes nothing and tells the helper', async () => {
    history.length = 0;
    ui.answer = () => undefined;
    await makeFile(path.join(dir, 'setup.exe'), 1000);
    const key = helperEngine.send(await NodeFileSource.open(path.join(dir, 'setup.exe')));
    assert.equal((await helperLog.waitFor(key, 'declined')).code, 'ERR_DECLINED');
    await until('the declined line', () => history.includes('You declined "setup.exe" (1.0 KB) from Bob.'));
    assert.deepEqual(await listDir(sharerInbox), ['saved-logs.zip']);
  });

  it('offers over the maximum size are declined without asking', async () => {
    history.length = 0;
    const asked = ui.asked.length;
    await makeFile(path.join(dir, 'huge.iso'), 51 * MiB);
    const key = helperEngine.send(await NodeFileSource.open(path.join(dir, 'huge.iso')));
    assert.equal((await helperLog.waitFor(key, 'declined')).code, 'ERR_TOO_LARGE');
    await until('the size line', () => history.some((l) => l.includes('larger than the receiver allows')));
    assert.equal(ui.asked.length, asked);
  });

  it('Cancel on the progress display at 50 % stops both sides and keeps nothing', async () => {
    history.length = 0;
    const size = 48 * MiB;
    await makeFile(path.join(dir, 'core.dump'), size);
    ui.answer = (name) => ({ path: path.join(sharerInbox, name), overwrite: false });
    const key = helperEngine.send(await NodeFileSource.open(path.join(dir, 'core.dump')));
    await until('50 % shown', () => ui.updates.some((u) => u.name === 'core.dump' && u.bytes >= size / 2), 60_000);
    const shown = ui.updates.find((u) => u.name === 'core.dump')!;
    ui.cancels.get(shown.key)!();
    assert.equal((await helperLog.waitFor(key, 'cancelled')).code, 'ERR_CANCELLED');
    await until('the cancelled line', () => history.some((l) => l.startsWith('The transfer of "core.dump"')));
    await until('no partial file', async () => (await listDir(sharerInbox)).join() === 'saved-logs.zip');
  });

  it('the sharer sends files to the helper', async () => {
    history.length = 0;
    const hashes = [await makeFile(path.join(dir, 'a.txt'), 1234), await makeFile(path.join(dir, 'b.txt'), 5678)];
    files.send([path.join(dir, 'a.txt'), path.join(dir, 'b.txt')]);
    for (let i = 0; i < 2; i++) {
      const offer = await helperLog.offer(i);
      await acceptInto(helperEngine, offer, helperInbox);
      await helperLog.waitFor(offer.key, 'completed');
    }
    assert.equal(await sha256File(path.join(helperInbox, 'a.txt')), hashes[0]);
    assert.equal(await sha256File(path.join(helperInbox, 'b.txt')), hashes[1]);
    await until('both sent lines', () => history.filter((l) => l.includes('was sent to Bob')).length === 2);
    assert.ok(history.includes('You offered "a.txt" (1.2 KB) to Bob.'));
    assert.ok(history.includes('Bob accepted "b.txt" (5.7 KB).'));
  });
});
