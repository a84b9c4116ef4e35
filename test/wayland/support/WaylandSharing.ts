/** The host-test harness (TestSession: the real host process and a Chromium viewer) pointed at a headless GNOME. */
import * as path from 'path';
import { TestDisplay } from '../../host/support/session';
import { HeadlessGnome } from './HeadlessGnome';

export class WaylandTestDisplay extends TestDisplay {
  constructor(readonly gnome: HeadlessGnome) {
    super({ display: '', width: gnome.width, height: gnome.height, stop: async () => undefined });
  }

  /** Where the host keeps the portal's restore token (inside the desktop's private HOME). */
  get stateDir(): string {
    return path.join(this.gnome.home, 'remote-assist-state');
  }

  override get env(): NodeJS.ProcessEnv {
    return { ...this.gnome.env, REMOTE_ASSIST_STATE_DIR: this.stateDir };
  }

  override async close(): Promise<void> {
    // The desktop belongs to the test file, which stops it.
  }
}
