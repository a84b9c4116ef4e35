/**
 * Send a File between the real host process (sharer) and the real helper panel page in headless Chromium
 * (production HTML, CSP and bundle; the viewer's browser RTCPeerConnection carries the files channel). The
 * helper's engine and disk live in "the extension" (this test process), reached through the panel's relay,
 * as in VS Code. The test answers both users' Save As…/Decline prompts and presses Cancel.
 */
import { strict as assert } from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { HostFilesEndpoint } from '../../src/common/files/FilesEndpoint';
import { helperFilesEndpoint } from '../../src/files/helperFilesEndpoint';
import { FilesUi, ProgressDisplay, SessionFiles } from '../../src/files/SessionFiles';
import { silentLogger } from '../../src/common/logger';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import type { PanelFilesEvent, TransferSnapshot } from '../../src/protocol/files';
import { emptyRecord, startHost, TestDisplay } from '../host/support/session';
import { WebviewHarness } from '../webview/support/WebviewHarness';
import { listDir, makeFile, sha256File, tempDir, until } from './support/files';

const MiB = 1024 * 1024;
const SHOTS = path.join(__dirname, '..', '..', 'test-results', 'files');

/** A user at the keyboard: answers offers with `answer`, sees progress, may press Cancel. */
class User implements FilesUi {
  answer: (name: string) => Promise<{ path: string; overwrite: boolean } | undefined> = async () => undefined;
  readonly history: string[] = [];
  readonly updates: TransferSnapshot[] = [];
  readonly cancels = new Map<string, () => void>();
  /** What the user does on seeing a progress update (e.g. press Cancel at 50 %). */
  onUpdate: ((t: TransferSnapshot) => void) | undefined;

  askSave(offer: { name: string }) {
    return this.answer(offer.name);
  }

  showProgress(transfer: TransferSnapshot, _peer: string, cancel: () => void): ProgressDisplay {
    this.cancels.set(transfer.key, cancel);
    return {
      update: (t) => {
        this.updates.push(t);
        this.onUpdate?.(t);
      },
      close: () => undefined,
    };
  }

  async line(match: (l: string) => boolean, what: string): Promise<string> {
    await until(what, () => this.history.some(match), 60_000);
    return this.history.find(match)!;
  }
}

describe('Send a File between the host process and the helper panel in Chromium', function () {
  this.timeout(180_000);
  const record = emptyRecord();
  const sharer = new User();
  const helper = new User();
  let display: TestDisplay;
  let supervisor: HostSupervisor;
  let panel: WebviewHarness;
  let sharerFiles: SessionFiles;
  let helperFiles: SessionFiles;
  let dir: string;
  let sharerInbox: string;
  let helperInbox: string;

  before(async () => {
    await fs.mkdir(SHOTS, { recursive: true });
    dir = await tempDir('panel-src');
    sharerInbox = await tempDir('panel-sharer');
    helperInbox = await tempDir('panel-helper');
    display = await TestDisplay.start(640, 480);
    panel = await WebviewHarness.open('panel');
    const { relay, endpoint } = helperFilesEndpoint((m) => void panel.send(m).catch(() => undefined), silentLogger);
    helperFiles = new SessionFiles(endpoint, helper, 'Alice', (l) => helper.history.push(l), silentLogger, 100 * MiB);
    panel.listener = (m) => {
      if (m.type === 'viewerSignal') supervisor.signal(m.payload);
      // As HelperSession routes them.
      else if (m.type === 'viewerFilesDropped') helperFiles.sendDropped(m.uris);
      else if (m.type.startsWith('viewerFiles')) relay.receive(m as PanelFilesEvent);
      else panel.received.push(m);
    };
    await panel.send({
      type: 'state',
      view: { sessionId: 's-files', role: 'helper', peerName: 'Alice', phase: 'connecting', control: 'viewOnly', statusLine: 'Connecting to Alice…', history: [] },
    });
    supervisor = await startHost(display, (p) => void panel.send({ type: 'viewerSignal', payload: p }).catch(() => undefined), record);
    sharerFiles = new SessionFiles(new HostFilesEndpoint(supervisor, silentLogger), sharer, 'Bob', (l) => sharer.history.push(l), silentLogger, 100 * MiB);
    await until('the panel to connect to the host', () => record.connected && relay.readyState === 'open', 60_000);
  });

  afterEach(() => {
    helper.onUpdate = undefined;
  });

  after(async () => {
    sharerFiles?.dispose();
    helperFiles?.dispose();
    await panel?.close();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    await display?.close();
    for (const d of [dir, sharerInbox, helperInbox]) if (d) await fs.rm(d, { recursive: true, force: true });
  });

  it('helper → sharer: the sharer chooses Save As…, the file arrives intact', async () => {
    const hash = await makeFile(path.join(dir, 'strace.txt'), 6 * MiB + 11);
    sharer.answer = async (name) => {
      assert.deepEqual(await listDir(sharerInbox), [], 'nothing written before the sharer chose');
      return { path: path.join(sharerInbox, name), overwrite: false };
    };
    helperFiles.send([path.join(dir, 'strace.txt')]);
    await sharer.line((l) => l.includes('"strace.txt"') && l.includes('was saved to'), 'the sharer to save strace.txt');
    await helper.line((l) => l.includes('"strace.txt"') && l.includes('was sent to Alice'), 'the helper to see it sent');
    assert.equal(await sha256File(path.join(sharerInbox, 'strace.txt')), hash);
    assert.ok(helper.history.includes('You offered "strace.txt" (6.3 MB) to Alice.'));
  });

  it('sharer → helper: the helper chooses Save As…, the file arrives intact', async () => {
    const hash = await makeFile(path.join(dir, 'fix.diff'), 5 * MiB + 7);
    helper.answer = async (name) => ({ path: path.join(helperInbox, name), overwrite: false });
    sharerFiles.send([path.join(dir, 'fix.diff')]);
    await helper.line((l) => l.includes('"fix.diff"') && l.includes('was saved to'), 'the helper to save fix.diff');
    await sharer.line((l) => l.includes('"fix.diff"') && l.includes('was sent to Bob'), 'the sharer to see it sent');
    assert.equal(await sha256File(path.join(helperInbox, 'fix.diff')), hash);
    const row = panel.page.locator('.file-transfer', { hasText: 'fix.diff' });
    await until('the panel row to say done', async () => (await row.getAttribute('data-state')) === 'completed');
    assert.equal(await row.locator('.file-transfer-text').textContent(), 'done, SHA-256 verified');
  });

  it('files dropped on the panel are offered to the sharer', async () => {
    const hash = await makeFile(path.join(dir, 'dropped.png'), 300_000);
    sharer.answer = async (name) => ({ path: path.join(sharerInbox, name), overwrite: false });
    const uris = [pathToFileURL(path.join(dir, 'dropped.png')).href, 'https://example.com/x.png'];
    await panel.page.evaluate(`(() => {
      const data = new DataTransfer();
      data.setData('text/uri-list', ${JSON.stringify(uris.join('\r\n'))});
      document.querySelector('.desktop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await sharer.line((l) => l.includes('"dropped.png"') && l.includes('was saved to'), 'the sharer to save the dropped file');
    assert.equal(await sha256File(path.join(sharerInbox, 'dropped.png')), hash);
    assert.ok(helper.history.includes('Only files on this computer can be sent; "https://example.com/x.png" is not one.'));
  });

  it('the helper declines: the sharer is told, nothing is written', async () => {
    await makeFile(path.join(dir, 'nope.bin'), 2000);
    helper.answer = async () => undefined;
    sharerFiles.send([path.join(dir, 'nope.bin')]);
    await sharer.line((l) => l === 'Bob declined "nope.bin" (2.0 KB).', 'the sharer to see the decline');
    assert.deepEqual(await listDir(helperInbox), ['fix.diff']);
  });

  it('the helper cancels at 50 %: both sides stop and no partial file is left', async () => {
    const size = 32 * MiB;
    await makeFile(path.join(dir, 'big.log'), size);
    helper.answer = async (name) => ({ path: path.join(helperInbox, name), overwrite: false });
    sharerFiles.send([path.join(dir, 'big.log')]);
    // The panel lists the transfer with bytes, rate and time left while it runs.
    const row = panel.page.locator('.file-transfer', { hasText: 'big.log' });
    await until('the panel row to show rate and time left', async () => /MB of 34 MB · .*\/s · .* left/.test((await row.locator('.file-transfer-text').textContent()) ?? ''), 60_000);
    // Cancel is pressed as the bar passes 50 %, like a user watching it: polling instead could find the
    // (fast) transfer already finished, and then there is nothing left to cancel.
    let pressedAt: TransferSnapshot | undefined;
    helper.onUpdate = (t) => {
      if (pressedAt || t.name !== 'big.log' || t.state !== 'transferring' || t.bytes < size / 2) return;
      pressedAt = t;
      helper.cancels.get(t.key)!();
    };
    await panel.page.screenshot({ path: path.join(SHOTS, 'panel-transfer.png') });
    await until('Cancel pressed at 50 % at the helper', () => pressedAt !== undefined, 90_000);
    assert.ok(pressedAt!.bytes < size, 'Cancel was pressed mid-transfer');
    await sharer.line((l) => l.startsWith('The transfer of "big.log"'), 'the sharer to see the cancel');
    await helper.line((l) => l.startsWith('The transfer of "big.log"'), 'the helper to see the cancel');
    await until('no partial file', async () => (await listDir(helperInbox)).join() === 'fix.diff');
    assert.deepEqual(panel.problems, []);
  });

  it('the sharer goes away mid-transfer: the helper fails it and keeps no partial file', async () => {
    const size = 32 * MiB;
    await makeFile(path.join(dir, 'cut.log'), size);
    helper.answer = async (name) => ({ path: path.join(helperInbox, name), overwrite: false });
    sharerFiles.send([path.join(dir, 'cut.log')]);
    // The sharer stops as the helper's bar passes a third, so the transfer is surely mid-stream.
    let stopping: Promise<void> | undefined;
    helper.onUpdate = (t) => {
      if (!stopping && t.name === 'cut.log' && t.state === 'transferring' && t.bytes >= size / 3) stopping = supervisor.stop();
    };
    await until('a third at the helper', () => stopping !== undefined, 90_000);
    await stopping;
    const line = await helper.line((l) => l.startsWith('Receiving "cut.log"'), 'the helper to see the failure');
    assert.match(line, /failed: the connection closed; nothing was kept\.$/);
    await until('no partial file', async () => (await listDir(helperInbox)).join() === 'fix.diff');
  });
});
