import { existsSync } from 'fs';
import { hostname, userInfo } from 'os';
import { join } from 'path';
import { parseArgs } from 'util';
import { openStore } from '../Database';
import { parseDuration } from '../duration';
import { AccountsAdmin, AdminError, type AccountSummary } from './AccountsAdmin';

export const ACCOUNTS_HELP = `Remote Assist — account administration (works while the server runs on the same data directory)

Usage: npm run server -- accounts COMMAND [ALIAS] [options]

  list                    every account: alias, name, status, devices, last seen
  show ALIAS              one account: its devices, contacts, open invitations and audit entries
  disable ALIAS           signs nobody in to it any more; its devices are disconnected at once, its
                          invitations withdrawn and its sessions ended
  enable ALIAS            lets it sign in again (its devices' tokens still work)
  reset-devices ALIAS     recovery of a lost device: signs every device out and prints a one-time code the
                          person enters with "Remote Assist: Sign In with a Code from Another Device…"
  remove ALIAS --yes      deletes the account, its devices and contacts (cannot be undone)

  --data DIR              the server's data directory (default ./remote-assist-data)
  --database URL          the server's PostgreSQL store, when it runs with --database (or env
                          REMOTE_ASSIST_DATABASE_URL); the audit log's file stays in --data
  --code-expiry DUR       how long reset-devices' code works: 5m, 30m, 2h (default 30m, at most 24h)
  --by NAME               who acts, for the audit log (default: this machine's user@host)
  --json                  list and show print JSON

Every action is written to the audit log: the audit_log table and <data>/audit.log (JSON lines).
Exit codes: 0 done, 1 no such account, 2 wrong usage.`;

const MAX_CODE_EXPIRY_MS = 24 * 3600_000;

interface Output {
  write(text: string): unknown;
}

/** Runs `accounts …` (argv after the word "accounts") and returns the exit code. */
export async function runAccountsCommand(argv: string[], out: Output, err: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        database: { type: 'string' },
        'code-expiry': { type: 'string' },
        by: { type: 'string' },
        json: { type: 'boolean' },
        yes: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${ACCOUNTS_HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, alias, extra] = positionals;
  if (values.help || command === undefined) {
    (values.help ? out : err).write(`${ACCOUNTS_HELP}\n`);
    return values.help ? 0 : 2;
  }
  const needsAlias = command !== 'list';
  const known = ['list', 'show', 'disable', 'enable', 'reset-devices', 'remove'];
  const usage = !known.includes(command)
    ? `unknown command ${JSON.stringify(command)}`
    : extra !== undefined || (needsAlias ? alias === undefined : alias !== undefined)
      ? `${command} takes ${needsAlias ? 'one alias' : 'no alias'}`
      : command === 'remove' && !values.yes
        ? `remove deletes ${alias} for good: add --yes`
        : undefined;
  let codeTtlMs = 30 * 60_000;
  try {
    if (values['code-expiry'] !== undefined) codeTtlMs = parseDuration(values['code-expiry']);
    if (codeTtlMs > MAX_CODE_EXPIRY_MS) throw new Error(`--code-expiry is at most 24h, got ${values['code-expiry']}`);
  } catch (e) {
    err.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (usage) {
    err.write(`${usage}\n\n${ACCOUNTS_HELP}\n`);
    return 2;
  }
  const dataDir = values.data ?? 'remote-assist-data';
  const databaseUrl = values.database ?? (process.env.REMOTE_ASSIST_DATABASE_URL || undefined);
  // never create an empty store by mistyping the directory
  if (databaseUrl === undefined && !existsSync(join(dataDir, 'network.sqlite'))) {
    err.write(`no server data in ${dataDir} (no network.sqlite); give the server's --data directory\n`);
    return 2;
  }
  let db;
  try {
    db = await openStore(databaseUrl === undefined ? { dataDir, sqlite: 'native' } : { databaseUrl });
  } catch (e) {
    err.write(`${(e as Error).message}\n`);
    return 1;
  }
  try {
    const admin = new AccountsAdmin(db, dataDir, values.by ?? `${userInfo().username}@${hostname()}`);
    switch (command) {
      case 'list': {
        const accounts = await admin.list();
        out.write(values.json ? `${JSON.stringify(accounts, null, 2)}\n` : table(accounts));
        break;
      }
      case 'show': {
        const detail = await admin.show(alias);
        if (values.json) {
          out.write(`${JSON.stringify(detail, null, 2)}\n`);
          break;
        }
        out.write(table([detail]));
        out.write(`\ncontacts: ${detail.contacts}   open invitations: ${detail.pendingInvitations}\n\ndevices:\n`);
        for (const d of detail.deviceList) out.write(`  ${d.id}  ${d.name || '(unnamed)'}  added ${when(d.createdAt)}  last seen ${when(d.lastSeenAt)}\n`);
        if (detail.deviceList.length === 0) out.write('  (none)\n');
        out.write('\naudit:\n');
        for (const a of detail.audit) out.write(`  ${when(a.at)}  ${a.actor}  ${a.action}  ${a.detail}\n`);
        if (detail.audit.length === 0) out.write('  (none)\n');
        break;
      }
      case 'disable':
        out.write((await admin.disable(alias)).changed ? `${alias} is disabled; its devices are being disconnected.\n` : `${alias} was already disabled.\n`);
        break;
      case 'enable':
        out.write((await admin.enable(alias)).changed ? `${alias} is enabled again.\n` : `${alias} was not disabled.\n`);
        break;
      case 'reset-devices': {
        const { code, expiresAt, revoked } = await admin.resetDevices(alias, codeTtlMs);
        out.write(
          `${revoked} device(s) of ${alias} signed out.\n` +
            `One-time code: ${code}  (valid until ${new Date(expiresAt).toISOString()}, once)\n` +
            `Give it to the person; they run "Remote Assist: Sign In with a Code from Another Device…" and enter it.\n`,
        );
        break;
      }
      case 'remove':
        await admin.remove(alias);
        out.write(`${alias} is removed.\n`);
        break;
    }
    return 0;
  } catch (e) {
    if (e instanceof AdminError) {
      err.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

function when(at: number | null): string {
  return at === null ? '-' : new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

function table(rows: AccountSummary[]): string {
  const lines = [['ALIAS', 'NAME', 'STATUS', 'DEVICES', 'LAST SEEN', 'CREATED']];
  for (const r of rows) lines.push([r.alias, r.displayName, r.disabledAt === null ? 'enabled' : 'disabled', String(r.devices), when(r.lastSeenAt), when(r.createdAt)]);
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
