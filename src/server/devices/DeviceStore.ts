import type { Db } from '../Database';

export interface DeviceRow {
  id: string;
  name: string;
  createdAt: number;
  lastSeenAt: number;
}

/** The device tokens of each account as their owner (or an administrator) sees them, and accounts' disabled flag. */
export class DeviceStore {
  private readonly selectAll;
  private readonly touchStatement;
  private readonly deleteOne;
  private readonly deleteAll;
  private readonly selectDisabled;
  private readonly updateDisabled;

  constructor(db: Db) {
    this.selectAll = db.prepare<[string], DeviceRow>('SELECT id, name, createdAt, coalesce(lastSeenAt, createdAt) AS lastSeenAt FROM devices WHERE alias = ? ORDER BY createdAt');
    this.touchStatement = db.prepare('UPDATE devices SET lastSeenAt = ? WHERE id = ?');
    this.deleteOne = db.prepare('DELETE FROM devices WHERE id = ? AND alias = ?');
    this.deleteAll = db.prepare('DELETE FROM devices WHERE alias = ?');
    this.selectDisabled = db.prepare<[string], { disabledAt: number | null }>('SELECT disabledAt FROM accounts WHERE alias = ?');
    this.updateDisabled = db.prepare('UPDATE accounts SET disabledAt = ? WHERE alias = ?');
  }

  list(alias: string): Promise<DeviceRow[]> {
    return this.selectAll.all(alias);
  }

  /** Records that the device was connected just now ("last seen"). */
  async touch(deviceId: string, at = Date.now()): Promise<void> {
    await this.touchStatement.run(at, deviceId);
  }

  /** Revokes one device of `alias`; false if it has no such device. */
  async revoke(alias: string, deviceId: string): Promise<boolean> {
    return (await this.deleteOne.run(deviceId, alias)).changes === 1;
  }

  /** Revokes every device of `alias`; returns how many there were. */
  async revokeAll(alias: string): Promise<number> {
    return (await this.deleteAll.run(alias)).changes;
  }

  /** When the account was disabled (undefined: enabled, or no such account). */
  async disabledAt(alias: string): Promise<number | undefined> {
    return (await this.selectDisabled.get(alias))?.disabledAt ?? undefined;
  }

  /** Disables (a time) or enables (null) the account; false if there is no such account. */
  async setDisabled(alias: string, at: number | null): Promise<boolean> {
    return (await this.updateDisabled.run(at, alias)).changes === 1;
  }
}
