/**
 * Send a File through the real host process: Xvfb, the host started by HostSupervisor (as the sharer's
 * extension does), and a helper peer in Node (simple-peer + @roamhq/wrtc) running the transfer engine on
 * the negotiated files channel. The test plays the sharer's extension: it answers offers with a path.
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { NodeFileSource } from '../../src/common/files/NodeFileSource';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { FILES_SERVICE, FilesHostCommand, FilesHostEvent, TransferSnapshot } from '../../src/protocol/files';
import { acceptInto, listDir, makeFile, sha256File, type TransferLog, until } from './support/files';
import { HostFilesRig } from './support/hostRig';
import type { NodeHelperPeer } from '../host/support/nodePeer';

const MiB = 1024 * 1024;

describe('Send a File through the real host process', function () {
  this.timeout(120_000);
  const hostEvents: FilesHostEvent[] = [];
  let rig: HostFilesRig;
  let supervisor: HostSupervisor;
  let helper: NodeHelperPeer;
  let helperEngine: FileTransferEngine;
  let helperLog: TransferLog;
  let dir: string;
  let sharerInbox: string;
  let helperInbox: string;

  const command = (message: FilesHostCommand) => supervisor.sendService(FILES_SERVICE, message);
  const hostTransfer = (key: string): TransferSnapshot | undefined =>
    hostEvents.flatMap((e) => (e.type === 'transfer' && e.transfer.key === key ? [e.transfer] : [])).at(-1);
  const hostOffers = () => hostEvents.flatMap((e) => (e.type === 'offer' ? [e] : []));
  const hostErrors = () => hostEvents.flatMap((e) => (e.type === 'error' ? [e] : []));
  const hostState = async (key: string, state: TransferSnapshot['state']) => {
    await until(`host ${key} to be ${state} (is ${hostTransfer(key)?.state} ${hostTransfer(key)?.code ?? ''})`, () => hostTransfer(key)?.state === state, 40_000);
    return hostTransfer(key)!;
  };

  before(async () => {
    rig = await HostFilesRig.start('host', (host) =>
      host.onService(({ service, message }) => {
        if (service === FILES_SERVICE) hostEvents.push(FilesHostEvent.parse(message));
      }),
    );
    ({ supervisor, helper, helperEngine, helperLog, dir, sharerInbox, helperInbox } = rig);
  });

  after(() => rig?.close());

  it('helper → sharer: the host asks the extension and writes only after accept', async () => {
    const file = path.join(dir, 'crash.dmp');
    const hash = await makeFile(file, 9 * MiB + 5);
    const key = helperEngine.send(await NodeFileSource.open(file));
    await until('the host to report the offer', () => hostOffers().length === 1);
    const offer = hostOffers()[0];
    assert.equal(offer.name, 'crash.dmp');
    assert.equal(offer.size, 9 * MiB + 5);
    assert.deepEqual(await listDir(sharerInbox), [], 'nothing written before the sharer accepts');
    command({ type: 'accept', key: offer.key, path: path.join(sharerInbox, 'crash.dmp'), overwrite: false });
    await helperLog.waitFor(key, 'completed', 40_000);
    assert.equal((await hostState(offer.key, 'completed')).savedPath, path.join(sharerInbox, 'crash.dmp'));
    assert.equal(await sha256File(path.join(sharerInbox, 'crash.dmp')), hash);
  });

  it('sharer → helper: the extension asks the host to send a file', async () => {
    const file = path.join(dir, 'fix.patch');
    const hash = await makeFile(file, 3 * MiB + 1);
    command({ type: 'send', path: file });
    const offer = await helperLog.offer(0);
    assert.equal(offer.name, 'fix.patch');
    await acceptInto(helperEngine, offer, helperInbox);
    await helperLog.waitFor(offer.key, 'completed', 40_000);
    await until('the host to report completion', () => hostEvents.some((e) => e.type === 'transfer' && e.transfer.direction === 'send' && e.transfer.state === 'completed'));
    assert.equal(await sha256File(path.join(helperInbox, 'fix.patch')), hash);
  });

  it('the sharer declines: the helper sees it and nothing is written', async () => {
    await makeFile(path.join(dir, 'unwanted.exe'), 1000);
    const key = helperEngine.send(await NodeFileSource.open(path.join(dir, 'unwanted.exe')));
    await until('the second offer', () => hostOffers().length === 2);
    command({ type: 'decline', key: hostOffers()[1].key });
    assert.equal((await helperLog.waitFor(key, 'declined')).code, 'ERR_DECLINED');
    assert.deepEqual(await listDir(sharerInbox), ['crash.dmp']);
  });

  it('bad commands get an error and change nothing', async () => {
    const before = hostErrors().length;
    command({ type: 'send', path: path.join(dir, 'does-not-exist') });
    supervisor.sendService(FILES_SERVICE, { type: 'accept', key: 'receive-1', path: 42 });
    command({ type: 'accept', key: 'receive-999', path: path.join(sharerInbox, 'x'), overwrite: false });
    await until('three errors', () => hostErrors().length >= before + 3);
    assert.deepEqual(hostErrors().slice(before).map((e) => e.code).sort(), ['ERR_MALFORMED', 'ERR_PROTOCOL', 'ERR_READ']);
    assert.deepEqual(await listDir(sharerInbox), ['crash.dmp']);
  });

  it('the sharer cancels at 50 %: both sides stop, no partial file', async () => {
    const size = 96 * MiB;
    await makeFile(path.join(dir, 'big.tar'), size);
    const key = helperEngine.send(await NodeFileSource.open(path.join(dir, 'big.tar')));
    await until('the third offer', () => hostOffers().length === 3);
    const offer = hostOffers()[2];
    command({ type: 'accept', key: offer.key, path: path.join(sharerInbox, 'big.tar'), overwrite: false });
    await until('50 % at the host', () => (hostTransfer(offer.key)?.bytes ?? 0) >= size / 2, 60_000);
    command({ type: 'cancel', key: offer.key });
    assert.equal((await helperLog.waitFor(key, 'cancelled')).code, 'ERR_CANCELLED');
    await hostState(offer.key, 'cancelled');
    await until('no partial file', async () => (await listDir(sharerInbox)).join() === 'crash.dmp');
  });

  it('the helper vanishes mid-transfer: the host fails it and leaves no partial file', async () => {
    const size = 96 * MiB;
    await makeFile(path.join(dir, 'cut.tar'), size);
    helperEngine.send(await NodeFileSource.open(path.join(dir, 'cut.tar')));
    await until('the fourth offer', () => hostOffers().length === 4);
    const offer = hostOffers()[3];
    command({ type: 'accept', key: offer.key, path: path.join(sharerInbox, 'cut.tar'), overwrite: false });
    await until('a third at the host', () => (hostTransfer(offer.key)?.bytes ?? 0) >= size / 3, 60_000);
    helper.destroy();
    assert.equal((await hostState(offer.key, 'failed')).code, 'ERR_DISCONNECTED');
    await until('no partial file', async () => (await listDir(sharerInbox)).join() === 'crash.dmp');
  });
});
