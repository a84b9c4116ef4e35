import { chmodSync, mkdirSync } from 'fs';
import { join } from 'path';
import { Logger, silentLogger } from '../common/logger';
import type { Db } from './Db';
import { migrations } from './migrations';
import { openPostgres } from './postgres/PostgresDb';
import { openNativeSqlite } from './sqlite/NativeSqlite';
import { asyncSqlite } from './sqlite/SqliteDb';
import type { SqlDatabase } from './sqlite/SqlDatabase';
import { openWasmSqlite } from './sqlite/WasmSqlite';

export type { Db } from './Db';


export type SqliteDriver = 'native' | 'wasm';

/** True for the errors a native addon gives when it cannot load here (another Node ABI, missing build). */
export function isAddonLoadError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'ERR_DLOPEN_FAILED' || e?.code === 'MODULE_NOT_FOUND' || /NODE_MODULE_VERSION|was compiled against a different Node\.js version|Could not locate the bindings file/.test(e?.message ?? '');
}

function open(file: string, driver: SqliteDriver | undefined, logger: Logger): SqlDatabase {
  if (driver === 'wasm') return openWasmSqlite(file);
  try {
    return openNativeSqlite(file, { wal: file !== ':memory:' });
  } catch (err) {
    if (driver === 'native' || !isAddonLoadError(err)) throw err;
    logger.warn(`native SQLite does not load in this runtime (${(err as Error).message.split('\n')[0]}); using the portable WebAssembly build: one server process per data directory`);
    return openWasmSqlite(file);
  }
}

/** Another process holds the file's lock past busy_timeout (two processes starting together switch it to WAL at once). */
function isBusy(err: unknown): boolean {
  return /^SQLITE_BUSY/.test((err as { code?: string })?.code ?? '') || /database is locked/.test((err as Error)?.message ?? '');
}

/** Applies the migrations the store has not seen yet, in one write transaction. */
function migrate(db: SqlDatabase): void {
  db.exec('PRAGMA foreign_keys = ON');
  // IMMEDIATE: two processes starting together must not both run the migrations
  db.transaction(() => {
    // read inside the write transaction: another process may have migrated while we waited
    const version = db.prepare<[], { user_version: number }>('PRAGMA user_version').get()?.user_version ?? 0;
    for (let i = version; i < migrations.length; i++) db.exec(migrations[i]);
    db.exec(`PRAGMA user_version = ${migrations.length}`);
  });
}

/** How long a starting process keeps trying while other processes hold the file's lock. */
const OPEN_BUSY_DEADLINE_MS = 20_000;

/**
 * Opens the server's embedded store: `<dataDir>/network.sqlite` (WAL with the native driver, so several
 * server processes on one machine may share it), or an in-memory database when no directory is given.
 * The native driver is used where it loads; elsewhere (desktop VS Code's Electron) the WebAssembly one.
 * Processes starting together on one file can find it locked while another switches it to WAL or migrates
 * (SQLite does not wait for some of those locks): opening is tried again until OPEN_BUSY_DEADLINE_MS.
 */
export async function openDatabase(dataDir: string | undefined, options: { driver?: SqliteDriver; logger?: Logger } = {}): Promise<Db> {
  const logger = options.logger ?? silentLogger;
  if (!dataDir) {
    const db = open(':memory:', options.driver, logger);
    migrate(db);
    return asyncSqlite(db);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'network.sqlite');
  const deadline = Date.now() + OPEN_BUSY_DEADLINE_MS;
  for (;;) {
    let db: SqlDatabase | undefined;
    try {
      db = open(file, options.driver, logger);
      // the contact graph is nobody else's business on a shared machine (SQLite gives -wal/-shm the same mode)
      chmodSync(file, 0o600);
      migrate(db);
      return asyncSqlite(db);
    } catch (err) {
      db?.close();
      if (!isBusy(err) || Date.now() > deadline) throw err;
      logger.debug(`the store is locked by another process; trying again (${(err as Error).message})`);
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
    }
  }
}

export interface StoreOptions {
  /** postgres://… : the store is that PostgreSQL database (server processes on several machines). */
  databaseUrl?: string;
  /** Else SQLite in this directory (in memory without one). */
  dataDir?: string;
  sqlite?: SqliteDriver;
  logger?: Logger;
}

/** Opens the store the options name: PostgreSQL for a URL, else the embedded SQLite default. */
export async function openStore(options: StoreOptions): Promise<Db> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl, options.logger ?? silentLogger);
  return openDatabase(options.dataDir, { driver: options.sqlite, logger: options.logger });
}
