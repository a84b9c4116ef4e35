/**
 * The server's store, as every store class uses it: prepared statements whose calls return promises, and
 * transactions. Two engines serve it — SQLite (embedded, one machine; sqlite/SqliteDb.ts) and PostgreSQL
 * (several machines; postgres/PostgresDb.ts). Statements are written in SQLite's dialect; the PostgreSQL
 * side translates them in one place (postgres/dialect.ts).
 */
import type { SqlParams } from './sqlite/SqlDatabase';

export interface DbStatement<P extends SqlParams = SqlParams, R = unknown> {
  run(...params: P): Promise<{ changes: number }>;
  get(...params: P): Promise<R | undefined>;
  all(...params: P): Promise<R[]>;
}

export interface Db {
  /** Which engine and driver serve this store. */
  readonly driver: 'native' | 'wasm' | 'postgres';
  prepare<P extends SqlParams = SqlParams, R = unknown>(sql: string): DbStatement<P, R>;
  /**
   * Runs `fn` in one transaction: all of it or none of it. Every statement `fn` awaits (in its async context)
   * runs inside it; a transaction started inside one joins it. No other transaction sees or changes what it
   * reads before it commits (read-then-write is safe). `locks` names what it reads and writes (e.g.
   * `contacts alice bob`): transactions naming different locks may run at once (PostgreSQL: across
   * processes); one naming none runs alone. SQLite runs every transaction alone.
   */
  transaction<T>(fn: () => Promise<T>, locks?: readonly string[]): Promise<T>;
  close(): Promise<void>;
}
