/**
 * The part of SQLite the server's stores use, behind one interface with two drivers: better-sqlite3
 * (native, WAL, shared by several server processes) and node-sqlite3-wasm (portable: loads under any
 * Node ABI, such as desktop VS Code's Electron, where a native addon built for Node does not).
 */

/** Positional parameters, or one object whose keys name `@name` parameters. */
export type SqlParams = unknown[];

export interface SqlStatement<P extends SqlParams = SqlParams, R = unknown> {
  run(...params: P): { changes: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export interface SqlDatabase {
  /** Which driver serves this database. */
  readonly driver: 'native' | 'wasm';
  prepare<P extends SqlParams = SqlParams, R = unknown>(sql: string): SqlStatement<P, R>;
  exec(sql: string): void;
  /** Runs `fn` in one BEGIN IMMEDIATE transaction: all of it or none of it. */
  transaction<T>(fn: () => T): T;
  close(): void;
}
