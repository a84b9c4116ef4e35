/**
 * The sharer's host process for Send a File tests: Xvfb, the real host started by HostSupervisor (as the
 * sharer's extension does), and a helper peer in Node (simple-peer + @roamhq/wrtc) running the transfer engine
 * on the negotiated files channel; with a folder of files to send and an inbox on each side.
 */
import { promises as fs } from 'fs';
import { FileTransferEngine } from '../../../src/common/files/FileTransferEngine';
import type { FileChannel } from '../../../src/common/files/FileChannel';
import { createNodeHasher } from '../../../src/common/files/nodeHasher';
import { peerConnection } from '../../../src/common/peerConnection';
import type { HostSupervisor } from '../../../src/supervisor/HostSupervisor';
import { FILES_CHANNEL } from '../../../src/protocol/files';
import { NodeHelperPeer } from '../../host/support/nodePeer';
import { emptyRecord, startHost, TestDisplay } from '../../host/support/session';
import { tempDir, TransferLog, until } from './files';

export class HostFilesRig {
  private constructor(
    readonly display: TestDisplay,
    readonly supervisor: HostSupervisor,
    readonly helper: NodeHelperPeer,
    readonly helperEngine: FileTransferEngine,
    readonly helperLog: TransferLog,
    /** Files to send, and where each side saves. */
    readonly dir: string,
    readonly sharerInbox: string,
    readonly helperInbox: string,
  ) {}

  /**
   * Starts the host and connects the helper's peer to it; `label` names the temporary folders. `onHost` runs
   * before the helper connects, as the sharer's extension listens to the host before any peer does.
   */
  static async start(label: string, onHost: (supervisor: HostSupervisor) => void = () => undefined): Promise<HostFilesRig> {
    const record = emptyRecord();
    const [dir, sharerInbox, helperInbox] = [await tempDir(`${label}-src`), await tempDir(`${label}-sharer`), await tempDir(`${label}-helper`)];
    const display = await TestDisplay.start(640, 480);
    // the host's first signals go to the helper's peer, which needs the supervisor to answer
    const signalTo: { helper?: NodeHelperPeer } = {};
    const supervisor = await startHost(display, (p) => signalTo.helper?.signal(p), record);
    onHost(supervisor);
    const helper = (signalTo.helper = new NodeHelperPeer((p) => supervisor.signal(p)));
    const channel = peerConnection(helper.peer).createDataChannel(FILES_CHANNEL.label, { negotiated: true, id: FILES_CHANNEL.id, ordered: true }) as unknown as FileChannel;
    const helperEngine = new FileTransferEngine(channel, { createHasher: createNodeHasher });
    const rig = new HostFilesRig(display, supervisor, helper, helperEngine, new TransferLog(helperEngine), dir, sharerInbox, helperInbox);
    try {
      await until('the helper to connect', () => record.connected && helper.connected && channel.readyState === 'open', 30_000);
    } catch (err) {
      await rig.close();
      throw err;
    }
    return rig;
  }

  async close(): Promise<void> {
    this.helperEngine.dispose();
    this.helper.destroy();
    await this.supervisor.stop().catch(() => undefined);
    this.supervisor.dispose();
    await this.display.close();
    for (const d of [this.dir, this.sharerInbox, this.helperInbox]) await fs.rm(d, { recursive: true, force: true });
  }
}
