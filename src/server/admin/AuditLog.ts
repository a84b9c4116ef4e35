import { appendFileSync } from 'fs';
import { join } from 'path';
import type { Db } from '../Database';

export interface AuditEntry {
  seq: number;
  at: number;
  /** Who acted: the operating-system user running the command (or what --by named). */
  actor: string;
  action: string;
  alias: string;
  detail: string;
}

/**
 * Every administrator action: a row in the store (for `accounts show`) and a JSON line in
 * `<dataDir>/audit.log` (for whoever ships logs elsewhere). Never holds a secret such as a device code.
 */
export class AuditLog {
  private readonly insert;
  private readonly selectFor;

  constructor(
    db: Db,
    /** Without one (an in-memory server) the entries stay in the store only. */
    private readonly dataDir: string | undefined,
  ) {
    this.insert = db.prepare('INSERT INTO audit_log (at, actor, action, alias, detail) VALUES (?, ?, ?, ?, ?)');
    this.selectFor = db.prepare<[string, number], AuditEntry>('SELECT * FROM (SELECT * FROM audit_log WHERE alias = ? ORDER BY seq DESC LIMIT ?) AS newest ORDER BY seq');
  }

  async write(actor: string, action: string, alias: string, detail: string): Promise<void> {
    const at = Date.now();
    await this.insert.run(at, actor, action, alias, detail);
    if (this.dataDir !== undefined) appendFileSync(join(this.dataDir, 'audit.log'), `${JSON.stringify({ at: new Date(at).toISOString(), actor, action, alias, detail })}\n`, { mode: 0o600 });
  }

  /** The newest `limit` entries about `alias`, oldest first. */
  about(alias: string, limit = 20): Promise<AuditEntry[]> {
    return this.selectFor.all(alias, limit);
  }
}
