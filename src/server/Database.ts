import { chmodSync, mkdirSync } from 'fs';
import { join } from 'path';
import { Logger, silentLogger } from '../common/logger';
import { openNativeSqlite } from './sqlite/NativeSqlite';
import type { SqlDatabase } from './sqlite/SqlDatabase';
import { openWasmSqlite } from './sqlite/WasmSqlite';

export type Db = SqlDatabase;

/** Schema versions, applied in order; `PRAGMA user_version` records how many ran. */
const migrations: readonly string[] = [
  `CREATE TABLE accounts (
     alias TEXT PRIMARY KEY,
     displayName TEXT NOT NULL,
     createdAt INTEGER NOT NULL
   );
   CREATE TABLE devices (
     id TEXT PRIMARY KEY,
     alias TEXT NOT NULL REFERENCES accounts(alias) ON DELETE CASCADE,
     tokenHash BLOB NOT NULL,
     createdAt INTEGER NOT NULL
   );
   CREATE TABLE contacts (
     owner TEXT NOT NULL REFERENCES accounts(alias) ON DELETE CASCADE,
     other TEXT NOT NULL REFERENCES accounts(alias) ON DELETE CASCADE,
     status TEXT NOT NULL CHECK (status IN ('accepted', 'outgoing', 'incoming', 'blocked')),
     PRIMARY KEY (owner, other)
   ) WITHOUT ROWID;
   CREATE INDEX contacts_other ON contacts(other);
   CREATE TABLE invitations (
     id TEXT PRIMARY KEY,
     fromAlias TEXT NOT NULL,
     fromClient TEXT NOT NULL,
     toAlias TEXT NOT NULL,
     note TEXT NOT NULL,
     createdAt INTEGER NOT NULL,
     expiresAt INTEGER NOT NULL,
     status TEXT NOT NULL,
     closedAt INTEGER
   );
   CREATE INDEX invitations_from ON invitations(fromAlias);
   CREATE INDEX invitations_to ON invitations(toAlias);
   CREATE TABLE links (
     id TEXT PRIMARY KEY,
     secretHash BLOB NOT NULL,
     creator TEXT NOT NULL,
     creatorClient TEXT NOT NULL,
     createdAt INTEGER NOT NULL,
     expiresAt INTEGER NOT NULL,
     redeemedAt INTEGER,
     failures INTEGER NOT NULL DEFAULT 0,
     failureWindowStart INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     sharer TEXT NOT NULL,
     sharerClient TEXT NOT NULL,
     helper TEXT NOT NULL,
     helperClient TEXT NOT NULL,
     via TEXT NOT NULL,
     startedAt INTEGER NOT NULL,
     endedAt INTEGER,
     sharerAwaySince INTEGER,
     helperAwaySince INTEGER
   );
   CREATE INDEX sessions_sharer ON sessions(sharer, sharerClient) WHERE endedAt IS NULL;
   CREATE INDEX sessions_helper ON sessions(helper, helperClient) WHERE endedAt IS NULL;`,
  `CREATE INDEX invitations_pending ON invitations(expiresAt) WHERE status = 'pending';`,
  // the problem bundle the sharer attached (validated JSON, at most MAX_BUNDLE_BYTES), or NULL
  `ALTER TABLE invitations ADD COLUMN problem TEXT;`,
  // several devices per account, one-time device codes, the cross-process account event feed, the audit log
  `ALTER TABLE accounts ADD COLUMN disabledAt INTEGER;
   ALTER TABLE devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
   ALTER TABLE devices ADD COLUMN lastSeenAt INTEGER;
   CREATE INDEX devices_alias ON devices(alias);
   CREATE TABLE device_codes (
     codeHash BLOB PRIMARY KEY,
     alias TEXT NOT NULL REFERENCES accounts(alias) ON DELETE CASCADE,
     issuer TEXT NOT NULL CHECK (issuer IN ('device', 'admin')),
     createdAt INTEGER NOT NULL,
     expiresAt INTEGER NOT NULL,
     usedAt INTEGER
   );
   CREATE INDEX device_codes_alias ON device_codes(alias, createdAt);
   CREATE TABLE account_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     alias TEXT NOT NULL,
     deviceId TEXT,
     kind TEXT NOT NULL CHECK (kind IN ('signedOut', 'disabled', 'removed')),
     -- removed: the account's contacts (JSON aliases), whose lists lose it
     formerContacts TEXT NOT NULL DEFAULT '[]',
     at INTEGER NOT NULL
   );
   CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     alias TEXT NOT NULL,
     detail TEXT NOT NULL
   );`,
  // company sign-in: which identity (issuer, subject) owns which account, and the nonces ID tokens must carry
  `CREATE TABLE oidc_identities (
     issuer TEXT NOT NULL,
     subject TEXT NOT NULL,
     alias TEXT NOT NULL REFERENCES accounts(alias) ON DELETE CASCADE,
     linkedAt INTEGER NOT NULL,
     PRIMARY KEY (issuer, subject)
   );
   CREATE TABLE oidc_nonces (
     nonceHash BLOB PRIMARY KEY,
     expiresAt INTEGER NOT NULL,
     usedAt INTEGER
   );`,
];

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

/**
 * Opens the server's embedded store: `<dataDir>/network.sqlite` (WAL with the native driver, so several
 * server processes on one machine may share it), or an in-memory database when no directory is given.
 * The native driver is used where it loads; elsewhere (desktop VS Code's Electron) the WebAssembly one.
 */
export function openDatabase(dataDir: string | undefined, options: { driver?: SqliteDriver; logger?: Logger } = {}): Db {
  const logger = options.logger ?? silentLogger;
  let db: Db;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'network.sqlite');
    db = open(file, options.driver, logger);
    // the contact graph is nobody else's business on a shared machine (SQLite gives -wal/-shm the same mode)
    chmodSync(file, 0o600);
  } else {
    db = open(':memory:', options.driver, logger);
  }
  db.exec('PRAGMA foreign_keys = ON');
  // IMMEDIATE: two processes starting together must not both run the migrations
  db.transaction(() => {
    // read inside the write transaction: another process may have migrated while we waited
    const version = db.prepare<[], { user_version: number }>('PRAGMA user_version').get()?.user_version ?? 0;
    for (let i = version; i < migrations.length; i++) db.exec(migrations[i]);
    db.exec(`PRAGMA user_version = ${migrations.length}`);
  });
  return db;
}
