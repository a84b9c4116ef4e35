/**
 * What each toolbar button (and its command) does, in one table. Pure routing: the VS Code parts (quick
 * pick, help page) come in as functions, so the panel tests run the very same dispatch.
 */
import type { ToolbarAction } from '../protocol/webview';
import type { ActiveSession } from '../session/ActiveSession';
import type { SessionFeatures } from '../session/SessionFeatures';

export interface ToolbarUi {
  /** Lets the user pick a quality preset for `session`; resolves with a sentence to show, if any. */
  settings(session: ActiveSession | undefined): Promise<string | undefined>;
  help(): Promise<void>;
}

export class ToolbarDispatch {
  constructor(
    private readonly activeSession: () => ActiveSession | undefined,
    private readonly features: SessionFeatures,
    private readonly ui: ToolbarUi,
  ) {}

  /** Runs `action`; rejects with a user-readable error when it cannot be done now. */
  async run(action: ToolbarAction): Promise<string | undefined> {
    const session = this.activeSession();
    switch (action) {
      case 'help':
        await this.ui.help();
        return undefined;
      case 'settings':
        return this.ui.settings(session);
    }
    if (!session) throw new Error('There is no Remote Assistance session.');
    switch (action) {
      case 'takeControl':
        session.takeControl();
        return undefined;
      case 'stopControl':
        session.stopControl();
        return undefined;
      case 'sendFile':
        return this.features.run('sendFile', session);
      case 'startTalking':
        return this.features.run('startTalking', session);
      case 'toggleMute':
        return this.features.run('toggleMute', session);
      case 'disconnect':
        await session.disconnect();
        return undefined;
    }
  }
}
