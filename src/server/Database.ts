import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'fs';
import { join } from 'path';

export type Db = BetterSqlite3.Database;

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
];

/**
 * Opens the server's embedded store: `<dataDir>/network.sqlite` in WAL mode (several server processes on
 * one machine may share it), or an in-memory database when no directory is given.
 */
export function openDatabase(dataDir: string | undefined): Db {
  let db: Db;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'network.sqlite');
    db = new BetterSqlite3(file);
    // the contact graph is nobody else's business on a shared machine (SQLite gives -wal/-shm the same mode)
    chmodSync(file, 0o600);
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL loses at most the last transactions on power loss, never consistency
    db.pragma('synchronous = NORMAL');
  } else {
    db = new BetterSqlite3(':memory:');
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const migrate = db.transaction(() => {
    // read inside the write transaction: another process may have migrated while we waited
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < migrations.length; i++) db.exec(migrations[i]);
    db.pragma(`user_version = ${migrations.length}`);
  });
  // IMMEDIATE: two processes starting together must not both run the migrations
  migrate.immediate();
  return db;
}
