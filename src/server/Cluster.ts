import type { ChosenPresence, ServerEvent } from '../protocol/network';
import type { IDisposable } from '../common/lifecycle';
import type { ConnectionRegistry } from './ConnectionRegistry';
import { WindowCounter } from './WindowCounter';

/** What one process knows of an alias: its connections there and the presence they chose. */
export interface NodePresence {
  status: ChosenPresence;
  connections: number;
}

/** What a process that died held: its aliases and clients, so the survivors can update presence and sessions. */
export interface LostProcess {
  aliases: string[];
  /** Clients it held that are connected to no other live process. */
  clients: { alias: string; clientId: string }[];
}

/**
 * Routing and presence across server processes. A single process uses LocalCluster; several processes
 * share presence and route events through Redis pub/sub (RedisCluster).
 */
export interface Cluster extends IDisposable {
  /** Delivers an event to the alias's connections on every process (only `clientId`'s when given). */
  deliver(alias: string, event: ServerEvent, clientId?: string): void;
  /** This process has connections of `alias`: receive its deliveries from other processes. */
  watch(alias: string): void;
  unwatch(alias: string): void;
  /** Records this process's presence for the alias (undefined: no connection here). */
  publishPresence(alias: string, presence: NodePresence | undefined): Promise<void>;
  /** The alias's presence on the other processes. */
  remotePresence(aliases: readonly string[]): Promise<Map<string, NodePresence[]>>;
  /** A client (alias + client id) got its first, or lost its last, connection on this process. */
  clientPresent(alias: string, clientId: string, present: boolean): void;
  /** Registers what to do when another process is found dead (exactly one survivor handles each). */
  onProcessLost(handler: (lost: LostProcess) => void): void;
  /**
   * The alias's contact list changed: every process holding its connections (this one included) reads the list
   * itself and pushes it. A list read on the process that made the change and routed would race with other
   * processes' lists; read where it is delivered, the last read goes out last.
   */
  contactsChanged(alias: string): void;
  onContactsChanged(handler: (alias: string) => void): void;
  /**
   * What to do when the alias's contacts changed on another process, whether or not this one holds its connections:
   * every process drops what it cached of them (the mutual contacts that presence is pushed to).
   */
  onContactsChangedElsewhere(handler: (alias: string) => void): void;
  /**
   * A session of these aliases started (`open`: the other processes cache that they are in one) or ended here (the
   * others drop what they cached about their sessions). Published in order with deliver(): a process hears of it
   * before it delivers the session's events.
   */
  sessionsChanged(aliases: readonly string[], open: boolean): void;
  /** What to do when another process reports sessionsChanged (not called for this process's own). */
  onSessionsChanged(handler: (aliases: string[], open: boolean) => void): void;
  /** Registers what to do when the shared state came back empty (Redis restarted): republish what this process holds. */
  onReconnected(handler: () => void): void;
  /** A counter of events per key within `windowMs` (failed secrets, requests) counted by every process of the cluster. */
  counter(name: string, max: number, windowMs: number): WindowCounter;
  /** True when no other process can hold connections (sessions can be reset on start). */
  readonly single: boolean;
}

/** The single-process cluster: everything is local. */
export class LocalCluster implements Cluster {
  readonly single = true;

  constructor(private readonly registry: ConnectionRegistry) {}

  deliver(alias: string, event: ServerEvent, clientId?: string): void {
    this.registry.deliver(alias, event, clientId);
  }
  watch(): void {}
  unwatch(): void {}
  clientPresent(): void {}
  onProcessLost(): void {}
  onReconnected(): void {}
  private contactsHandler: (alias: string) => void = () => undefined;
  contactsChanged(alias: string): void {
    this.contactsHandler(alias);
  }
  onContactsChanged(handler: (alias: string) => void): void {
    this.contactsHandler = handler;
  }
  onContactsChangedElsewhere(): void {}
  sessionsChanged(): void {}
  onSessionsChanged(): void {}
  counter(name: string, max: number, windowMs: number): WindowCounter {
    return WindowCounter.local(name, max, windowMs);
  }
  async publishPresence(): Promise<void> {}
  async remotePresence(): Promise<Map<string, NodePresence[]>> {
    return new Map();
  }
  dispose(): void {}
}
