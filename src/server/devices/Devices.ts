import type { Device } from '../../protocol/network';
import type { IDisposable } from '../../common/lifecycle';
import type { Identity, SignedInIdentity } from '../ClientConnection';
import type { Db } from '../Database';
import type { Invitations } from '../Invitations';
import type { ServerContext } from '../ServerContext';
import { ServiceError } from '../ServiceError';
import type { SessionRelay } from '../SessionRelay';
import { AccountEventLog, type AccountEvent } from './AccountEventLog';
import { DeviceCodeStore } from './DeviceCodeStore';
import { DeviceStore } from './DeviceStore';

/** How often each process reads the account event feed: a disabled account is disconnected within this. */
const EVENT_POLL_MS = 250;
/** Events and used codes are kept a day (long enough for any process that was briefly stalled). */
const KEEP_MS = 24 * 60 * 60_000;

/** The WebSocket close code and reason a device hears when its token stops working or its account is disabled. */
export const CLOSE_SIGNED_OUT = { code: 4001, reason: 'signed out' } as const;
export const CLOSE_DISABLED = { code: 4003, reason: 'account disabled' } as const;

/**
 * One person, several devices: one-time codes that let a new device join the account, the list of signed-in
 * devices, signing one or all of them out, and acting at once on the account events any process (or the
 * admin command) writes — closing the connections of a signed-out device or a disabled account, withdrawing
 * that account's invitations and ending its sessions.
 */
export class Devices implements IDisposable {
  readonly store: DeviceStore;
  readonly codes: DeviceCodeStore;
  readonly events: AccountEventLog;
  private lastSeq = 0;
  private polling = false;
  private disposed = false;
  private poller: NodeJS.Timeout | undefined;
  private readonly pruner: NodeJS.Timeout;

  constructor(
    db: Db,
    private readonly ctx: ServerContext,
    private readonly relay: SessionRelay,
    private readonly invitations: Invitations,
  ) {
    this.store = new DeviceStore(db);
    this.codes = new DeviceCodeStore(db);
    this.events = new AccountEventLog(db);
    this.pruner = setInterval(() => {
      Promise.all([this.codes.pruneOlderThan(KEEP_MS), this.events.pruneOlderThan(KEEP_MS)]).catch((err: unknown) => this.ctx.logger.warn(`pruning device codes: ${String(err)}`));
    }, 60 * 60_000);
    this.pruner.unref();
  }

  /** Acts only on the events that follow the start: polls from the newest one on. */
  async start(): Promise<void> {
    this.lastSeq = await this.events.last();
    if (this.disposed) return;
    this.poller = setInterval(() => void this.poll(), EVENT_POLL_MS);
    this.poller.unref();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.poller);
    clearInterval(this.pruner);
  }

  /** A code for `me`'s account that a new device enters; rate-limited per account (across processes). */
  async createCode(me: Identity): Promise<{ code: string; expiresAt: number; expiresInMs: number }> {
    const { deviceCodesPerWindow: max, deviceCodeWindowMs: window, deviceCodeTtlMs: ttl } = this.ctx.limits;
    // a stolen session cannot mint codes without end
    if ((await this.codes.issuedSince(me.alias, 'device', Date.now() - window)) >= max) {
      throw new ServiceError('ERR_RATE_LIMITED', `at most ${max} device codes per ${Math.round(window / 60_000)} minutes; use one of those or wait`);
    }
    const { code, expiresAt } = await this.codes.issue(me.alias, 'device', ttl);
    this.ctx.logger.debug(`device code issued for ${me.alias}`);
    return { code, expiresAt, expiresInMs: ttl };
  }

  /** Uses the code: the account the new device joins. ERR_BAD_CODE for a wrong, used or expired code. */
  async redeemCode(code: string): Promise<string> {
    const alias = await this.codes.redeem(code);
    if (!alias) throw new ServiceError('ERR_BAD_CODE', 'that code is wrong, used or expired; ask the other device for a new one');
    return alias;
  }

  /** ERR_ACCOUNT_DISABLED when an administrator disabled the account. */
  /** `disabledAt`: already read with the account (null: enabled); read from the store when not given. */
  async checkEnabled(alias: string, disabledAt?: number | null): Promise<void> {
    if ((disabledAt === undefined ? await this.store.disabledAt(alias) : (disabledAt ?? undefined)) !== undefined) {
      throw new ServiceError('ERR_ACCOUNT_DISABLED', 'this account is disabled on this server; ask its administrator');
    }
  }

  async list(me: SignedInIdentity): Promise<Device[]> {
    const connected = new Set<string>();
    for (const connection of this.ctx.registry.of(me.alias) ?? []) if (connection.identity) connected.add(connection.identity.deviceId);
    return (await this.store.list(me.alias)).map((row) => ({
      ...row,
      current: row.id === me.deviceId,
      connected: connected.has(row.id),
      lastSeenAt: connected.has(row.id) ? Date.now() : row.lastSeenAt,
    }));
  }

  /** Revokes one of `me`'s devices (this one too); its connections on every process close. */
  async signOutDevice(me: Identity, deviceId: string): Promise<void> {
    if (!(await this.store.revoke(me.alias, deviceId))) throw new ServiceError('ERR_NO_SUCH_DEVICE', 'no such device on your account');
    await this.publish(me.alias, 'signedOut', deviceId);
  }

  /** Signs the asking device out; its token may be gone already (a second sign-out racing the first). */
  async signOutThis(me: SignedInIdentity): Promise<void> {
    await this.store.revoke(me.alias, me.deviceId);
    await this.publish(me.alias, 'signedOut', me.deviceId);
  }

  /** Revokes every device token and open code of the account; every connection of it closes. */
  async signOutEverywhere(me: Identity): Promise<void> {
    await this.store.revokeAll(me.alias);
    await this.codes.revokeAll(me.alias);
    await this.publish(me.alias, 'signedOut', null);
  }

  /** A device connected or left: its "last seen" moves (best effort: a store that is down misses one). */
  async seen(deviceId: string): Promise<void> {
    try {
      await this.store.touch(deviceId);
    } catch (err) {
      this.ctx.logger.warn(`last seen of a device: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Writes the event for the other processes and acts on it here on the next turn (acting again when the poll
   * reads it is harmless): the reply to the request that caused it goes out before any close frame.
   */
  async publish(alias: string, kind: AccountEvent['kind'], deviceId: string | null = null): Promise<void> {
    await this.events.append(alias, kind, deviceId);
    setImmediate(() => void this.applySafely({ seq: 0, alias, kind, deviceId, formerContacts: [], at: Date.now() }));
  }

  /** Reads the events written since the last poll, by this process or any other. */
  async poll(): Promise<void> {
    // a slow store must not pile polls up (each would act on the same events)
    if (this.polling) return;
    this.polling = true;
    try {
      let events: AccountEvent[];
      try {
        events = await this.events.after(this.lastSeq);
      } catch (err) {
        // a busy or unreachable store: the next poll reads what this one missed
        this.ctx.logger.warn(`account events: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      for (const event of events) {
        this.lastSeq = event.seq;
        await this.applySafely(event);
      }
    } finally {
      this.polling = false;
    }
  }

  /** A failure here (the store closing under a shutdown) is logged; it must never take the process down. */
  private async applySafely(event: AccountEvent): Promise<void> {
    try {
      await this.apply(event);
    } catch (err) {
      this.ctx.logger.error(`account event ${event.kind} ${event.alias}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async apply(event: AccountEvent): Promise<void> {
    const close = event.kind === 'signedOut' ? CLOSE_SIGNED_OUT : CLOSE_DISABLED;
    const clients = new Set<string>();
    for (const connection of [...(this.ctx.registry.of(event.alias) ?? [])]) {
      if (event.deviceId !== null && connection.identity?.deviceId !== event.deviceId) continue;
      clients.add(connection.identity!.clientId);
      connection.close(close.code, close.reason);
    }
    if (event.kind === 'signedOut') {
      // a signed-out device cannot come back: its sessions end now instead of after the grace period
      if (clients.size > 0) await this.relay.endAllOf(event.alias, clients);
      return;
    }
    // disabled or removed: nobody may wait on this account's invitations or stay in a session with it
    await this.invitations.withdrawAllOf(event.alias);
    await this.relay.endAllOf(event.alias);
    if (event.kind === 'removed') {
      this.ctx.accounts.forget(event.alias);
      this.ctx.contacts.forget(event.alias);
      for (const other of event.formerContacts) this.ctx.contacts.forget(other);
      // every process tells its own connections (a delivery through the cluster would reach each many times)
      for (const other of event.formerContacts) {
        if (!this.ctx.registry.of(other)) continue;
        this.ctx.presence.contactList(other).then(
          (contacts) => this.ctx.registry.deliver(other, { type: 'contacts', contacts }),
          (err: unknown) => this.ctx.logger.warn(`contacts of ${other} after a removal: ${String(err)}`),
        );
      }
    }
  }
}
