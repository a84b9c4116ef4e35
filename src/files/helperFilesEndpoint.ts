/** The helper's files endpoint: the engine runs in the extension, on the channel the panel relays. */
import type { Logger } from '../common/logger';
import type { PanelFilesCommand } from '../protocol/files';
import { EngineEndpoint } from '../common/files/EngineEndpoint';
import { FileTransferEngine } from '../common/files/FileTransferEngine';
import { createNodeHasher } from '../common/files/nodeHasher';
import { RelayChannel } from '../common/files/RelayChannel';

export function helperFilesEndpoint(toPanel: (command: PanelFilesCommand) => void, log: Logger): { relay: RelayChannel; endpoint: EngineEndpoint } {
  const relay = new RelayChannel(toPanel);
  const engine = new FileTransferEngine(relay, { createHasher: createNodeHasher, logger: log });
  // The panel lists transfers with their progress, next to the VS Code notification.
  engine.onDidChange((transfer) => toPanel({ type: 'viewerFilesProgress', transfer }));
  return { relay, endpoint: new EngineEndpoint(engine, log) };
}
