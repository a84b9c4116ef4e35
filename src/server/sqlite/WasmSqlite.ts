/**
 * node-sqlite3-wasm as a SqlDatabase: SQLite compiled to WebAssembly, so it loads in any Node runtime.
 * It has no file locking and no WAL, so one server process owns the file; values come back as
 * better-sqlite3 gives them (undefined for no row, Buffer for blobs).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { Database, type BindValues, type QueryResult, type Statement } from 'node-sqlite3-wasm';
import type { SqlDatabase, SqlParams, SqlStatement } from './SqlDatabase';

/** better-sqlite3 style parameters → node-sqlite3-wasm's (named keys carry their `@`). */
function bind(params: SqlParams): BindValues | undefined {
  if (params.length === 0) return undefined;
  const [first] = params;
  if (params.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(first).map(([key, value]) => [`@${key}`, value])) as BindValues;
  }
  return params as BindValues;
}

function row<R>(result: QueryResult | null | undefined): R | undefined {
  if (!result) return undefined;
  for (const [key, value] of Object.entries(result)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) (result as Record<string, unknown>)[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return result as R;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * node-sqlite3-wasm locks a file with a `<file>.lock` directory, which a crashed process leaves behind.
 * The owner's pid is kept beside it: a lock whose owner is gone is stale and removed; a live owner is an error.
 */
function claim(file: string): () => void {
  const owner = `${file}.owner`;
  const previous = Number.parseInt(existsSync(owner) ? readFileSync(owner, 'utf8') : '', 10);
  if (previous > 0 && previous !== process.pid && processAlive(previous)) {
    throw new Error(`the data directory is in use by server process ${previous}`);
  }
  rmSync(`${file}.lock`, { recursive: true, force: true });
  writeFileSync(owner, String(process.pid), { mode: 0o600 });
  return () => rmSync(owner, { force: true });
}

export function openWasmSqlite(file: string): SqlDatabase {
  const release = file === ':memory:' ? () => undefined : claim(file);
  const db = new Database(file);
  // Finalized on close: an open statement would keep the file locked after the database closed.
  const statements: Statement[] = [];
  const transaction = <T>(fn: () => T): T => {
    if (db.inTransaction) return fn();
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  return {
    driver: 'wasm',
    prepare: <P extends SqlParams, R>(sql: string): SqlStatement<P, R> => {
      const statement = db.prepare(sql);
      statements.push(statement);
      return {
        run: (...params) => ({ changes: statement.run(bind(params)).changes }),
        // all(), not get(): get() leaves the statement mid-step, holding its read lock until the next use
        get: (...params) => row<R>(statement.all(bind(params))[0]),
        all: (...params) => statement.all(bind(params)).map((r) => row<R>(r) as R),
      };
    },
    exec: (sql) => db.exec(sql),
    transaction,
    close: () => {
      for (const statement of statements.splice(0)) statement.finalize();
      db.close();
      release();
    },
  };
}
