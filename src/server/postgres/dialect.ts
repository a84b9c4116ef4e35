/**
 * Every difference between the SQLite dialect the stores and migrations are written in and PostgreSQL's, in
 * one place: placeholders (`?` and `@name` → `$n`), `INSERT OR IGNORE`, column types, and the camelCase
 * column names PostgreSQL folds to lower case (given back as written).
 */
import { migrations } from '../migrations';
import type { SqlParams } from '../sqlite/SqlDatabase';

export interface PostgresStatement {
  text: string;
  /** The statement's parameters (positional, or one object of named ones) in $n order. */
  values(params: SqlParams): unknown[];
  /** A result row with the column names as the SQLite statement spells them. */
  row(raw: Record<string, unknown>): Record<string, unknown>;
}

/** lower case → camelCase for every identifier the schema defines (what `SELECT *` gives back). */
const schemaNames = namesIn(migrations.join('\n'));

function namesIn(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const [word] of sql.matchAll(/\b[a-z]+[A-Z]\w*\b/g)) names.set(word.toLowerCase(), word);
  return names;
}

/** Rewrites the placeholders outside string literals, numbering named ones once each. */
export function toPostgres(sql: string): PostgresStatement {
  const named: string[] = [];
  let positional = 0;
  const text = sql
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => {
      if (i % 2 === 1) return part; // a string literal
      return part.replace(/\?|@(\w+)/g, (_m, name: string | undefined) => {
        if (name === undefined) return `$${++positional}`;
        const at = named.indexOf(name);
        return `$${at >= 0 ? at + 1 : named.push(name)}`;
      });
    })
    .join('');
  const ignore = /^\s*INSERT OR IGNORE INTO/i.test(text);
  const names = new Map([...schemaNames, ...namesIn(sql)]);
  return {
    text: ignore ? `${text.replace(/INSERT OR IGNORE INTO/i, 'INSERT INTO')} ON CONFLICT DO NOTHING` : text,
    values: (params) => (named.length > 0 ? named.map((name) => (params[0] as Record<string, unknown>)[name]) : params),
    row: (raw) => {
      const row: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) row[names.get(key) ?? key] = value;
      return row;
    },
  };
}

/** A migration written for SQLite as PostgreSQL DDL: 64-bit integers (times are in ms), bytea, serial keys. */
export function toPostgresDdl(sql: string): string {
  return sql
    .replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, 'BIGSERIAL PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\)\s*WITHOUT ROWID/g, ')');
}
