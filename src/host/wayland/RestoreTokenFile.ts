/**
 * Where the host keeps the portal's restore token between runs, so the sharer answers the portal's dialog
 * once ("Remember this selection") and later sessions start without it. One file, readable only by the
 * sharer; a token the portal no longer knows just brings the dialog back (the portal ignores it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

/** A token is opaque to us; anything else in the file (corrupt, oversized) is ignored. */
const TOKEN = /^[\w.:-]{1,200}$/;

export class RestoreTokenFile {
  constructor(readonly path: string) {}

  /**
   * In $REMOTE_ASSIST_STATE_DIR, else $XDG_STATE_HOME/remote-assist, else ~/.local/state/remote-assist; one file
   * per kind of session (the screen cast's and the remote desktop's tokens are not interchangeable).
   */
  static forEnv(env: NodeJS.ProcessEnv, kind: 'screen' | 'control'): RestoreTokenFile {
    const dir = env.REMOTE_ASSIST_STATE_DIR || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'remote-assist');
    return new RestoreTokenFile(join(dir, kind === 'screen' ? 'portal-restore-token' : 'portal-restore-token-control'));
  }

  read(): string | undefined {
    try {
      const token = readFileSync(this.path, 'utf8').trim();
      return TOKEN.test(token) ? token : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps the portal's newest token (each start may hand out a new one and retire the old). */
  write(token: string | undefined): void {
    if (!token || !TOKEN.test(token) || token === this.read()) return;
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(this.path, `${token}\n`, { mode: 0o600 });
  }
}
