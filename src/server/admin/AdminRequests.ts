import type { AccountSummary, AdminAction } from '../../protocol/network';
import type { SignedInIdentity } from '../ClientConnection';
import type { Db } from '../Database';
import type { Logger } from '../../common/logger';
import { ServiceError } from '../ServiceError';
import { AccountsAdmin, AdminError } from './AccountsAdmin';

/** How long the code of a reset-devices from VS Code works (the command line's default). */
const RESET_CODE_TTL_MS = 30 * 60_000;

/**
 * The administrator's actions from VS Code, for the accounts named by --admins: the same AccountsAdmin the
 * `accounts` command uses, so each is audited alike, with "ALIAS (VS Code)" as the actor.
 */
export class AdminRequests {
  private readonly admins: ReadonlySet<string>;
  private readonly byActor = new Map<string, AccountsAdmin>();

  constructor(
    private readonly db: Db,
    private readonly dataDir: string | undefined,
    admins: readonly string[],
    private readonly logger: Logger,
  ) {
    this.admins = new Set(admins.map((a) => a.toLowerCase()));
  }

  list(me: SignedInIdentity): Promise<AccountSummary[]> {
    return this.as(me).list();
  }

  async act(me: SignedInIdentity, action: AdminAction, alias: string): Promise<{ alias: string; detail: string; code?: string; expiresAt?: number }> {
    const admin = this.as(me);
    const key = alias.toLowerCase();
    if (key === me.alias && (action === 'disable' || action === 'remove' || action === 'reset-devices')) {
      throw new ServiceError('ERR_SELF', `an administrator cannot ${action} their own account from VS Code; use the accounts command on the server`);
    }
    try {
      this.logger.info(`admin ${me.alias}: ${action} ${key}`);
      switch (action) {
        case 'disable':
          return { alias: key, detail: (await admin.disable(key)).changed ? `${key} is disabled; its devices are being disconnected.` : `${key} was already disabled.` };
        case 'enable':
          return { alias: key, detail: (await admin.enable(key)).changed ? `${key} is enabled again.` : `${key} was not disabled.` };
        case 'reset-devices': {
          const { code, expiresAt, revoked } = await admin.resetDevices(key, RESET_CODE_TTL_MS);
          return { alias: key, detail: `${revoked} device(s) of ${key} signed out; give them the one-time code.`, code, expiresAt };
        }
        case 'remove':
          await admin.remove(key);
          return { alias: key, detail: `${key} is removed.` };
      }
    } catch (err) {
      if (err instanceof AdminError && err.code === 'ERR_NO_SUCH_ACCOUNT') throw new ServiceError('ERR_NO_SUCH_ACCOUNT', `there is no account ${key} on this server`);
      throw err;
    }
  }

  /** The admin tools acting as `me`; ERR_NOT_ADMIN for anyone not named by --admins. */
  private as(me: SignedInIdentity): AccountsAdmin {
    if (!this.admins.has(me.alias)) throw new ServiceError('ERR_NOT_ADMIN', "you are not an administrator of this server (its --admins list does not name you)");
    let admin = this.byActor.get(me.alias);
    if (!admin) this.byActor.set(me.alias, (admin = new AccountsAdmin(this.db, this.dataDir, `${me.alias} (VS Code)`)));
    return admin;
  }
}
