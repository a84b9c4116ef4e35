/**
 * The store on PostgreSQL, for server processes on several machines. The maintained `pg` driver with a
 * connection Pool: requests of many clients run concurrently on a few connections, a connection that broke
 * (PostgreSQL restarted) is dropped and replaced on the next request, so the server recovers by itself.
 * While the database cannot be reached, requests fail with ERR_STORE_UNAVAILABLE and change nothing.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { createHash } from 'crypto';
import { Pool, types, type PoolClient, type PoolConfig } from 'pg';
import type { Logger } from '../../common/logger';
import type { Db } from '../Db';
import { migrations } from '../migrations';
import { ServiceError } from '../ServiceError';
import type { SqlParams } from '../sqlite/SqlDatabase';
import { toPostgres, toPostgresDdl } from './dialect';

/**
 * pg_advisory_xact_lock(APP, …) keys: one for the migrations; one that a transaction naming no locks takes
 * alone (exclusive) and every other transaction shares; and the space of named locks, hashed (hashtext).
 */
const LOCK_APP = 0x5241; // "RA"
const LOCK_MIGRATIONS = 1;
const LOCK_TRANSACTIONS = 2;
const LOCK_NAMED = 0x5242;

const INT8_OID = 20;
/** Times are milliseconds in BIGINT columns and counts are bigint: both are safe as JavaScript numbers. */
const parseTypes: PoolConfig['types'] = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID && format !== 'binary' ? Number : types.getTypeParser(oid, format ?? 'text'))) as typeof types.getTypeParser,
};

/** Connection failures and PostgreSQL shutting down or starting up: the database is away, not the request wrong. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENOENT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; errors?: unknown[] } | undefined;
  if (e?.code !== undefined && UNAVAILABLE_CODES.has(e.code)) return true;
  if (Array.isArray(e?.errors) && e.errors.some(isUnavailable)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|not queryable/i.test(e?.message ?? '');
}

/** The error's own words (Node gives an AggregateError with an empty message when every address refused). */
export function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  if (e?.message) return e.message;
  if (Array.isArray(e?.errors) && e.errors.length > 0) return describe(e.errors[0]);
  return e?.code ?? String(err);
}

/** The URL as it may be shown: never its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(a database URL that does not parse)';
  }
}

function mapUnavailable(err: unknown): unknown {
  return isUnavailable(err) ? new ServiceError('ERR_STORE_UNAVAILABLE', "the server's database cannot be reached at the moment; nothing was changed, try again shortly") : err;
}

async function migrate(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    // two processes starting together: the second waits here, then finds every version applied
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_APP, LOCK_MIGRATIONS]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, appliedAt BIGINT NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
    for (let i = rows[0].version; i < migrations.length; i++) {
      await client.query(toPostgresDdl(migrations[i]));
      await client.query('INSERT INTO schema_migrations (version, appliedAt) VALUES ($1, $2)', [i + 1, Date.now()]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Connects, applies the migrations once (under an advisory lock) and returns the store; a clear Error if it cannot. */
export async function openPostgres(url: string, logger: Logger): Promise<Db> {
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, query_timeout: 15_000, application_name: 'remote-assist', types: parseTypes });
  // an idle connection that PostgreSQL closed (a restart) is dropped by the pool; it must not take the process down
  pool.on('error', (err) => logger.warn(`PostgreSQL connection lost: ${describe(err)}`, { event: 'store.connectionLost' }));
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open the PostgreSQL store at ${redactUrl(url)}: ${describe(err)}`);
  }

  // why requests fail, in the log (at most every 5 s): the clients only hear that the store is unavailable
  let reportedAt = 0;
  const unavailable = (err: unknown): unknown => {
    const mapped = mapUnavailable(err);
    if (mapped !== err && Date.now() - reportedAt > 5_000) {
      reportedAt = Date.now();
      logger.warn(`PostgreSQL request failed: ${describe(err)}`, { event: 'store.unavailable', waiting: pool.waitingCount, connections: pool.totalCount });
    }
    return mapped;
  };
  const inside = new AsyncLocalStorage<PoolClient>();
  // each statement named after its text: every connection parses and plans it once, then only binds and executes it
  const query = async (name: string, text: string, values: unknown[]) => {
    try {
      return await (inside.getStore() ?? pool).query<Record<string, unknown>>({ name, text, values });
    } catch (err) {
      throw unavailable(err);
    }
  };
  return {
    driver: 'postgres',
    prepare: <P extends SqlParams, R>(sql: string) => {
      const statement = toPostgres(sql);
      const name = `ra_${createHash('sha256').update(statement.text).digest('hex').slice(0, 24)}`;
      const rows = async (params: P): Promise<R[]> => (await query(name, statement.text, statement.values(params))).rows.map((raw) => statement.row(raw) as R);
      return {
        run: async (...params: P) => ({ changes: (await query(name, statement.text, statement.values(params))).rowCount ?? 0 }),
        get: async (...params: P): Promise<R | undefined> => (await rows(params))[0],
        all: (...params: P) => rows(params),
      };
    },
    transaction: async <T>(fn: () => Promise<T>, locks?: readonly string[]): Promise<T> => {
      if (inside.getStore()) return fn();
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw unavailable(err);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        // As SQLite's BEGIN IMMEDIATE, read-then-write steps see no one else's half: transactions that name the
        // same lock (a contact pair, an alias) run one after the other, every process included, and those that
        // name different ones side by side. One that names none runs alone. Taken in one order (the shared
        // key, then the names sorted), so two transactions never wait for each other in a circle.
        if (locks && locks.length > 0) {
          await client.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [LOCK_APP, LOCK_TRANSACTIONS]);
          for (const name of [...new Set(locks)].sort()) await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMED, name]);
        } else {
          await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_APP, LOCK_TRANSACTIONS]);
        }
        const result = await inside.run(client, fn);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // a connection that died mid-transaction: PostgreSQL rolled it back; the connection is dropped
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw unavailable(err);
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
