import type { ServerEvent } from '../protocol/network';
import type { ClientConnection } from './ClientConnection';

/** The signed-in connections of this process, by alias. */
export class ConnectionRegistry {
  private readonly byAlias = new Map<string, Set<ClientConnection>>();
  private total = 0;

  /** Adds a signed-in connection; returns true if it is the alias's first on this process. */
  add(connection: ClientConnection): boolean {
    const alias = connection.identity!.alias;
    let set = this.byAlias.get(alias);
    const first = !set;
    if (!set) this.byAlias.set(alias, (set = new Set()));
    if (!set.has(connection)) {
      set.add(connection);
      this.total++;
    }
    return first;
  }

  /** Removes it; returns true if it was the alias's last on this process. */
  remove(connection: ClientConnection): boolean {
    const alias = connection.identity?.alias;
    const set = alias ? this.byAlias.get(alias) : undefined;
    if (!alias || !set?.delete(connection)) return false;
    this.total--;
    if (set.size > 0) return false;
    this.byAlias.delete(alias);
    return true;
  }

  of(alias: string): ReadonlySet<ClientConnection> | undefined {
    return this.byAlias.get(alias);
  }

  hasClient(alias: string, clientId: string): boolean {
    for (const connection of this.byAlias.get(alias) ?? []) {
      if (connection.identity?.clientId === clientId) return true;
    }
    return false;
  }

  /** Every alias with a connection here, with the client ids of its connections. */
  *clients(): Iterable<{ alias: string; clientIds: Set<string> }> {
    for (const [alias, set] of this.byAlias) yield { alias, clientIds: new Set([...set].map((c) => c.identity!.clientId)) };
  }

  get size(): number {
    return this.total;
  }

  /** Sends the event to the alias's connections here (only those of `clientId` when given). */
  deliver(alias: string, event: ServerEvent, clientId?: string): void {
    const set = this.byAlias.get(alias);
    if (!set) return;
    const text = JSON.stringify(event);
    for (const connection of set) {
      if (clientId === undefined || connection.identity?.clientId === clientId) connection.sendText(text);
    }
  }
}
