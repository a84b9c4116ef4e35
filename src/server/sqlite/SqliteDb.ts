/**
 * A synchronous SQLite driver (SqlDatabase) as the async store API. SQLite has one connection here, so a
 * transaction that awaits must not let other requests' statements slip into it: statements outside the open
 * transaction wait until it has committed or rolled back; those inside it (its async context) run at once.
 */
import { AsyncLocalStorage } from 'async_hooks';
import type { Db } from '../Db';
import type { SqlDatabase, SqlParams } from './SqlDatabase';

export function asyncSqlite(db: SqlDatabase): Db {
  const inside = new AsyncLocalStorage<true>();
  /** Settles when the open transaction ends; undefined when none is open. */
  let open: Promise<void> | undefined;
  /** Runs `use` once no transaction of another context is open, in the same tick as that check. */
  const whenFree = async <T>(use: () => T | Promise<T>): Promise<T> => {
    for (let wait = open && !inside.getStore() ? open : undefined; wait; wait = open && !inside.getStore() ? open : undefined) await wait;
    return use();
  };
  const transaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    let end!: () => void;
    open = new Promise<void>((resolve) => (end = resolve));
    try {
      // IMMEDIATE: takes the write lock now (other processes on the file wait up to busy_timeout)
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await inside.run(true, fn);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      open = undefined;
      end();
    }
  };
  return {
    driver: db.driver,
    prepare: <P extends SqlParams, R>(sql: string) => {
      const statement = db.prepare<P, R>(sql);
      return {
        run: (...params: P) => whenFree(() => statement.run(...params)),
        get: (...params: P) => whenFree(() => statement.get(...params)),
        all: (...params: P) => whenFree(() => statement.all(...params)),
      };
    },
    transaction: <T>(fn: () => Promise<T>): Promise<T> => (inside.getStore() ? fn() : whenFree(() => transaction(fn))),
    close: () => whenFree(() => db.close()),
  };
}
