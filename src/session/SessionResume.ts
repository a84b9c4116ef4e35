/**
 * Rejoining a live session after a VS Code window reload. Deactivation cannot tell a reload from closing
 * VS Code, so it does what is right for both: the session is suspended (nothing shared any more, but left open
 * on the server, which keeps it for its grace period) and a resume record is written. A window that activates
 * within the rejoin window takes the record, signs in as the same client and rejoins; the sharer is asked
 * before anything is shared again. Closing VS Code leaves no window to come back: the grace runs out and the
 * server ends the session on both sides.
 */
import type { Logger } from '../common/logger';
import type { NetworkClient } from '../network/NetworkClient';
import type { ResumeRecord } from '../protocol/resume';
import type { SessionCoordinator } from './SessionCoordinator';
import { takeResumeRecord, writeResumeRecord } from './ResumeRecord';

export class SessionResume {
  constructor(
    /** Where the record lives: the extension's storage for this workspace (or its global storage). */
    private readonly dir: string,
    private readonly network: { readonly client: NetworkClient; readonly serverUrl: string | undefined },
    private readonly sessions: SessionCoordinator,
    private readonly log: Logger,
  ) {}

  /** At activation: the record the last window left, if it is usable (read and deleted either way). */
  static take(dir: string, log: Logger, now = Date.now()): ResumeRecord | undefined {
    const taken = takeResumeRecord(dir, now);
    if ('record' in taken) {
      log.info(`resuming session ${taken.record.sessionId} as ${taken.record.role} with ${taken.record.peer.alias}`);
      return taken.record;
    }
    if (taken.refused !== 'ERR_NO_RECORD') log.warn(`not resuming: ${taken.refused} ${taken.why}`);
    return undefined;
  }

  /** At activation, with the client signing in under the record's client id: its session is taken up again. */
  expect(record: ResumeRecord, serverUrl: string | undefined): void {
    if (record.serverUrl !== serverUrl) {
      this.log.warn(`not resuming session ${record.sessionId}: it lives on ${record.serverUrl}, this window uses ${serverUrl ?? 'no server'}`);
      return;
    }
    this.sessions.expectResume({ sessionId: record.sessionId, role: record.role, epoch: record.epoch });
  }

  /**
   * At deactivation: if a session on the assistance network is up or recovering, writes the record and
   * suspends it (the peer is told). Otherwise nothing; disposing ends sessions as before. Returns the record.
   */
  async suspend(now = Date.now()): Promise<ResumeRecord | undefined> {
    const active = this.sessions.active;
    const { client, serverUrl } = this.network;
    const account = client.account;
    const session = active && client.sessions.find((s) => s.id === active.model.sessionId);
    if (!active || !session || !account || !serverUrl || !active.canSuspend) return undefined;
    const record: ResumeRecord = {
      type: 'resume',
      serverUrl,
      account: account.alias,
      clientId: client.clientId,
      sessionId: session.id,
      role: session.role,
      peer: session.peer,
      epoch: active.connectionEpoch,
      savedAt: now,
    };
    try {
      writeResumeRecord(this.dir, record);
    } catch (err) {
      // Without a record no window could come back: end the session as closing always did.
      this.log.error(`could not keep session ${session.id} for a reload: ${(err as Error).message}`);
      return undefined;
    }
    if (!(await this.sessions.suspend())) return undefined;
    this.log.info(`session ${session.id} left open for ${session.peer.alias} while this window reloads (or closes)`);
    return record;
  }
}
