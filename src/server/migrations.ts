/**
 * The store's schema versions, applied in order, written in SQLite's dialect. SQLite records how many ran in
 * `PRAGMA user_version`; PostgreSQL runs the same text through postgres/dialect.ts and records each version
 * in a table of its own.
 */
export const migrations: readonly string[] = [
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
