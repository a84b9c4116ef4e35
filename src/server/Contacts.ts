import type { IDisposable } from '../common/lifecycle';
import type { Identity } from './ClientConnection';
import type { ServerContext } from './ServerContext';
import { ServiceError } from './ServiceError';
import type { WindowCounter } from './WindowCounter';

/**
 * The Messenger contact handshake. Each side has its own row: A adds B → A `outgoing`, B `incoming`;
 * B accepts → both `accepted`; decline or remove drops the request; block hides A from B entirely.
 * A user who blocked you never learns of your requests, and you cannot tell you were blocked.
 */
export class Contacts implements IDisposable {
  /** Contact requests per account: bounds both spam and probing which aliases exist. */
  private readonly requests: WindowCounter;

  /** The push of each alias's list in progress on this process. */
  private readonly pushes = new Map<string, Promise<void>>();

  constructor(private readonly ctx: ServerContext) {
    this.requests = ctx.cluster.counter('contactRequests', ctx.limits.contactRequestsPerAccount, ctx.limits.contactRequestWindowMs);
    ctx.cluster.onContactsChanged((alias) => this.push(alias));
  }

  dispose(): void {}

  async add(by: Identity, aliasIn: string): Promise<void> {
    if (await this.requests.exceeded(by.alias)) throw new ServiceError('ERR_RATE_LIMITED', 'too many contact requests; try again later');
    await this.requests.record(by.alias);
    const other = await this.existing(by, aliasIn);
    const store = this.ctx.contacts;
    await store.transaction(by.alias, other, async () => {
      const mine = await store.status(by.alias, other);
      const theirs = await store.status(other, by.alias);
      if (mine === 'accepted') throw new ServiceError('ERR_ALREADY_CONTACT', `${other} is already a contact`);
      if (mine === 'incoming') {
        // they asked first: adding them is accepting
        await store.set(by.alias, other, 'accepted');
        await store.set(other, by.alias, 'accepted');
        return;
      }
      await store.set(by.alias, other, 'outgoing');
      if (theirs !== 'blocked') await store.set(other, by.alias, 'incoming');
    });
    await this.notify(by.alias, other);
  }

  async accept(by: Identity, aliasIn: string): Promise<void> {
    const other = await this.existing(by, aliasIn);
    const store = this.ctx.contacts;
    await store.transaction(by.alias, other, async () => {
      if ((await store.status(by.alias, other)) !== 'incoming') throw new ServiceError('ERR_NO_REQUEST', `no contact request from ${other}`);
      await store.set(by.alias, other, 'accepted');
      await store.set(other, by.alias, 'accepted');
    });
    await this.notify(by.alias, other);
  }

  async decline(by: Identity, aliasIn: string): Promise<void> {
    const other = await this.existing(by, aliasIn);
    const store = this.ctx.contacts;
    await store.transaction(by.alias, other, async () => {
      if ((await store.status(by.alias, other)) !== 'incoming') throw new ServiceError('ERR_NO_REQUEST', `no contact request from ${other}`);
      await store.set(by.alias, other, undefined);
      if ((await store.status(other, by.alias)) === 'outgoing') await store.set(other, by.alias, undefined);
    });
    await this.notify(by.alias, other);
  }

  /** Removes a contact (for both sides), withdraws a request, or lifts a block. */
  async remove(by: Identity, aliasIn: string): Promise<void> {
    const other = await this.existing(by, aliasIn);
    const store = this.ctx.contacts;
    await store.transaction(by.alias, other, async () => {
      if (!(await store.status(by.alias, other))) throw new ServiceError('ERR_NOT_A_CONTACT', `${other} is not in your contacts`);
      await store.set(by.alias, other, undefined);
      if ((await store.status(other, by.alias)) !== 'blocked') await store.set(other, by.alias, undefined);
    });
    await this.notify(by.alias, other);
  }

  async block(by: Identity, aliasIn: string): Promise<void> {
    const other = await this.existing(by, aliasIn);
    const store = this.ctx.contacts;
    await store.transaction(by.alias, other, async () => {
      await store.set(by.alias, other, 'blocked');
      if ((await store.status(other, by.alias)) !== 'blocked') await store.set(other, by.alias, undefined);
    });
    await this.notify(by.alias, other);
  }

  private async existing(by: Identity, aliasIn: string): Promise<string> {
    const other = aliasIn.toLowerCase();
    if (other === by.alias) throw new ServiceError('ERR_SELF', 'that is your own alias');
    if (!(await this.ctx.accounts.get(other))) throw new ServiceError('ERR_NO_SUCH_USER', `no user ${other}`);
    return other;
  }

  /** Both sides get their fresh contact list (with presence) on every device, on every process; waits for those here. */
  private async notify(a: string, b: string): Promise<void> {
    this.ctx.cluster.contactsChanged(a);
    this.ctx.cluster.contactsChanged(b);
    await Promise.all([this.pushes.get(a), this.pushes.get(b)]);
  }

  /** Reads the alias's list and pushes it to its connections on this process, one push at a time per alias: the last read goes out last. */
  private push(alias: string): void {
    if (!this.ctx.registry.of(alias)) return;
    const next = (this.pushes.get(alias) ?? Promise.resolve())
      .then(async () => {
        const contacts = await this.ctx.presence.contactList(alias);
        this.ctx.registry.deliver(alias, { type: 'contacts', contacts });
      })
      .catch((err: unknown) => this.ctx.logger.warn(`contacts of ${alias}: ${String(err)}`));
    this.pushes.set(alias, next);
    void next.finally(() => {
      if (this.pushes.get(alias) === next) this.pushes.delete(alias);
    });
  }
}
