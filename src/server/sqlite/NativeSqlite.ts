/** better-sqlite3 as a SqlDatabase. Loaded on first use, so a missing or mismatched addon is a catchable error. */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDatabase, SqlParams, SqlStatement } from './SqlDatabase';

export function openNativeSqlite(file: string, options: { wal: boolean }): SqlDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(file);
  if (options.wal) {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL loses at most the last transactions on power loss, never consistency
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  return {
    driver: 'native',
    prepare: <P extends SqlParams, R>(sql: string) => db.prepare(sql) as unknown as SqlStatement<P, R>,
    exec: (sql) => void db.exec(sql),
    transaction: (fn) => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}
