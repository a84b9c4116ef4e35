import Redis from 'ioredis';
import { ChosenPresence, ServerMessage, type ServerEvent } from '../protocol/network';
import { parseMessage } from '../protocol/validate';
import type { Logger } from '../common/logger';
import type { Cluster, LostProcess, NodePresence } from './Cluster';
import type { ConnectionRegistry } from './ConnectionRegistry';
import { randomToken } from './secrets';
import { WindowCounter } from './WindowCounter';

const userChannel = (alias: string) => `ra:u:${alias}`;
const presenceKey = (alias: string) => `ra:p:${alias}`;
const nodeKey = (node: string) => `ra:n:${node}`;
const nodeAliasesKey = (node: string) => `ra:na:${node}`;
const nodeClientsKey = (node: string) => `ra:nc:${node}`;
const NODES = 'ra:nodes';
/**
 * Every process subscribes: the aliases whose sessions started or ended, or whose contacts changed (what each
 * process cached about them is updated or dropped).
 */
const SESSIONS_CHANNEL = 'ra:sessions';

/** How long a process counts as alive without refreshing its key (default); presence of dead ones is ignored. */
export const DEFAULT_NODE_TTL_MS = 15_000;

interface Envelope {
  origin: string;
  alias: string;
  clientId?: string;
  event?: ServerEvent;
  /** Not an event: the alias's contact list changed, each process holding its connections reads and pushes it. */
  contactsChanged?: true;
}

/** On SESSIONS_CHANNEL: `sessions` with `open` (true: a session of theirs started; else one ended), or `contacts`. */
interface SessionsEnvelope {
  origin: string;
  sessions?: string[];
  open?: boolean;
  contacts?: string;
}

/**
 * Several server processes sharing presence and routing through Redis:
 * - events for an alias are published on `ra:u:<alias>`; each process subscribes to the aliases it hosts;
 * - each process records its presence per alias in the hash `ra:p:<alias>` (field = process id), and keeps
 *   `ra:n:<process>` alive with a TTL so a crashed process's entries stop counting;
 * - the set `ra:nodes` lists the processes, and `ra:na:<process>` / `ra:nc:<process>` what each holds:
 *   when a process's key expires, the first survivor to remove it from `ra:nodes` (SREM is atomic) cleans
 *   up after it and reports its aliases and clients, so contacts see them go offline.
 */
export class RedisCluster implements Cluster {
  readonly single = false;
  readonly nodeId = randomToken(9);
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly liveNodes = new Map<string, { alive: boolean; checkedAt: number }>();
  private lostHandler: (lost: LostProcess) => void = () => undefined;
  private reconnectedHandler: () => void = () => undefined;
  private contactsHandler: (alias: string) => void = () => undefined;
  private sessionsHandler: (aliases: string[], open: boolean) => void = () => undefined;
  private contactsElsewhereHandler: (alias: string) => void = () => undefined;
  /** Set once the first connection stood: a later 'ready' is a reconnection. */
  private connected = false;
  /** Counting in Redis failed since it was last ready: logged once per outage, not once per refused request. */
  private countingDown = false;

  private constructor(
    url: string,
    private readonly registry: ConnectionRegistry,
    private readonly logger: Logger,
    private readonly nodeTtlMs: number,
  ) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
    // Commands issued within one turn of the event loop go out in one write (ioredis's auto-pipelining):
    // an event for four contacts is one write(2), not four. Still one connection, so their order holds; every
    // command goes through that queue (no explicit pipeline that could overtake it), transactions (MULTI)
    // only for keys nothing else orders against.
    this.pub = new Redis(url, { ...options, enableAutoPipelining: true });
    this.sub = new Redis(url, options);
    for (const client of [this.pub, this.sub]) client.on('error', (err: Error) => this.logger.warn(`redis: ${err.message}`));
    this.pub.on('ready', () => {
      if (this.countingDown) {
        this.countingDown = false;
        this.logger.info('redis is back: counted requests (sign-ins, link redemptions) are accepted again', { event: 'limits.available' });
      }
      if (this.connected) void this.reregister();
    });
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => (channel.toString() === SESSIONS_CHANNEL ? this.onSessions(message) : this.onMessage(message)));
    this.heartbeat = setInterval(() => void this.refreshNode().then(() => this.findLostNodes()), nodeTtlMs / 3);
  }

  static async connect(url: string, registry: ConnectionRegistry, logger: Logger, nodeTtlMs = DEFAULT_NODE_TTL_MS): Promise<RedisCluster> {
    const cluster = new RedisCluster(url, registry, logger, nodeTtlMs);
    try {
      await Promise.all([cluster.pub.connect(), cluster.sub.connect()]);
      await cluster.sub.subscribe(SESSIONS_CHANNEL);
      await cluster.refreshNode();
      await cluster.pub.sadd(NODES, cluster.nodeId);
      cluster.connected = true;
    } catch (err) {
      cluster.dispose();
      throw err;
    }
    return cluster;
  }

  deliver(alias: string, event: ServerEvent, clientId?: string): void {
    this.registry.deliver(alias, event, clientId);
    const envelope: Envelope = { origin: this.nodeId, alias, clientId, event };
    this.pub.publish(userChannel(alias), JSON.stringify(envelope)).catch((err: Error) => this.logger.warn(`redis publish: ${err.message}`));
  }

  watch(alias: string): void {
    this.sub.subscribe(userChannel(alias)).catch((err: Error) => this.logger.warn(`redis subscribe: ${err.message}`));
    this.pub.sadd(nodeAliasesKey(this.nodeId), alias).catch((err: Error) => this.logger.warn(`redis: ${err.message}`));
  }

  unwatch(alias: string): void {
    this.sub.unsubscribe(userChannel(alias)).catch((err: Error) => this.logger.warn(`redis unsubscribe: ${err.message}`));
    this.pub.srem(nodeAliasesKey(this.nodeId), alias).catch((err: Error) => this.logger.warn(`redis: ${err.message}`));
  }

  clientPresent(alias: string, clientId: string, present: boolean): void {
    const key = nodeClientsKey(this.nodeId);
    const member = `${alias} ${clientId}`;
    (present ? this.pub.sadd(key, member) : this.pub.srem(key, member)).catch((err: Error) => this.logger.warn(`redis: ${err.message}`));
  }

  onProcessLost(handler: (lost: LostProcess) => void): void {
    this.lostHandler = handler;
  }

  onReconnected(handler: () => void): void {
    this.reconnectedHandler = handler;
  }

  contactsChanged(alias: string): void {
    this.contactsHandler(alias);
    const envelope: Envelope = { origin: this.nodeId, alias, contactsChanged: true };
    this.pub.publish(userChannel(alias), JSON.stringify(envelope)).catch((err: Error) => this.logger.warn(`redis publish: ${err.message}`));
    const everyone: SessionsEnvelope = { origin: this.nodeId, contacts: alias };
    this.pub.publish(SESSIONS_CHANNEL, JSON.stringify(everyone)).catch((err: Error) => this.logger.warn(`redis publish: ${err.message}`));
  }

  onContactsChangedElsewhere(handler: (alias: string) => void): void {
    this.contactsElsewhereHandler = handler;
  }

  onContactsChanged(handler: (alias: string) => void): void {
    this.contactsHandler = handler;
  }

  sessionsChanged(aliases: readonly string[], open: boolean): void {
    const envelope: SessionsEnvelope = { origin: this.nodeId, sessions: [...aliases], open };
    this.pub.publish(SESSIONS_CHANNEL, JSON.stringify(envelope)).catch((err: Error) => this.logger.warn(`redis publish: ${err.message}`));
  }

  onSessionsChanged(handler: (aliases: string[], open: boolean) => void): void {
    this.sessionsHandler = handler;
  }

  counter(name: string, max: number, windowMs: number): WindowCounter {
    return WindowCounter.shared(this.pub, name, max, windowMs, (err) => {
      if (this.countingDown) return;
      this.countingDown = true;
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.error(`redis unavailable: sign-ins, link redemptions and other counted requests are refused until it is back (${reason})`, { event: 'limits.unavailable' });
    });
  }

  async publishPresence(alias: string, presence: NodePresence | undefined): Promise<void> {
    if (presence) await this.pub.hset(presenceKey(alias), this.nodeId, `${presence.status}:${presence.connections}`);
    else await this.pub.hdel(presenceKey(alias), this.nodeId);
  }

  async remotePresence(aliases: readonly string[]): Promise<Map<string, NodePresence[]>> {
    const result = new Map<string, NodePresence[]>();
    if (aliases.length === 0) return result;
    // one write for all of them (auto-pipelining), in order with this process's presence writes
    const replies = await Promise.all(aliases.map((alias) => this.pub.hgetall(presenceKey(alias))));
    for (let i = 0; i < aliases.length; i++) {
      const hash = replies[i];
      if (!hash) continue;
      const list: NodePresence[] = [];
      for (const [node, value] of Object.entries(hash as Record<string, string>)) {
        if (node === this.nodeId || !(await this.isAlive(node))) continue;
        const [status, connections] = value.split(':');
        const chosen = ChosenPresence.safeParse(status);
        if (chosen.success) list.push({ status: chosen.data, connections: Number(connections) || 0 });
      }
      if (list.length > 0) result.set(aliases[i], list);
    }
    return result;
  }

  dispose(): void {
    clearInterval(this.heartbeat);
    this.pub
      .multi()
      .srem(NODES, this.nodeId)
      .del(nodeKey(this.nodeId), nodeAliasesKey(this.nodeId), nodeClientsKey(this.nodeId))
      .exec()
      .catch(() => undefined)
      .finally(() => this.pub.disconnect());
    this.sub.disconnect();
  }

  /**
   * Redis is back after an outage, perhaps restarted empty: this process lists itself again and has what it
   * holds republished (ioredis resubscribes the channels by itself).
   */
  private async reregister(): Promise<void> {
    try {
      await this.refreshNode();
      await this.pub.sadd(NODES, this.nodeId);
      this.logger.info('redis reconnected: this process registered itself and its users again', { event: 'redis.reconnected', node: this.nodeId });
      this.reconnectedHandler();
    } catch (err) {
      this.logger.warn(`redis: registering again failed: ${String(err)}`);
    }
  }

  private async refreshNode(): Promise<void> {
    await this.pub.set(nodeKey(this.nodeId), '1', 'PX', this.nodeTtlMs).catch((err: Error) => this.logger.warn(`redis heartbeat: ${err.message}`));
  }

  /** Finds processes whose key expired; claims each with an atomic SREM so one survivor cleans up. */
  private async findLostNodes(): Promise<void> {
    try {
      const nodes = await this.pub.smembers(NODES);
      for (const node of nodes) {
        if (node === this.nodeId || (await this.pub.exists(nodeKey(node))) === 1) continue;
        if ((await this.pub.srem(NODES, node)) !== 1) continue;
        this.liveNodes.set(node, { alive: false, checkedAt: Date.now() });
        await this.cleanUpAfter(node);
      }
    } catch (err) {
      this.logger.warn(`redis: checking for lost processes failed: ${String(err)}`);
    }
  }

  private async cleanUpAfter(node: string): Promise<void> {
    const [aliases, members, live] = await Promise.all([
      this.pub.smembers(nodeAliasesKey(node)),
      this.pub.smembers(nodeClientsKey(node)),
      this.pub.smembers(NODES),
    ]);
    const cleanup = this.pub.multi();
    for (const alias of aliases) cleanup.hdel(presenceKey(alias), node);
    cleanup.del(nodeAliasesKey(node), nodeClientsKey(node));
    await cleanup.exec();
    // a client that already reconnected to a live process keeps its sessions
    const clients: LostProcess['clients'] = [];
    for (const member of members) {
      const held = await Promise.all(live.map((other) => this.pub.sismember(nodeClientsKey(other), member)));
      const [alias, clientId] = member.split(' ');
      if (!held.includes(1) && alias && clientId) clients.push({ alias, clientId });
    }
    this.logger.warn(`server process ${node} stopped answering; its ${aliases.length} users are offline there`);
    this.lostHandler({ aliases, clients });
  }

  /** Cached for a few seconds: a process that stopped refreshing drops out within NODE_TTL_MS plus this. */
  private async isAlive(node: string): Promise<boolean> {
    const cached = this.liveNodes.get(node);
    if (cached && Date.now() - cached.checkedAt < 2_000) return cached.alive;
    const alive = (await this.pub.exists(nodeKey(node))) === 1;
    this.liveNodes.set(node, { alive, checkedAt: Date.now() });
    return alive;
  }

  private onSessions(message: Buffer): void {
    try {
      const envelope = JSON.parse(message.toString()) as SessionsEnvelope;
      if (envelope.origin === this.nodeId) return;
      if (typeof envelope.contacts === 'string') {
        this.contactsElsewhereHandler(envelope.contacts);
        return;
      }
      if (!Array.isArray(envelope.sessions) || !envelope.sessions.every((a) => typeof a === 'string')) throw new Error('not a list of aliases');
      this.sessionsHandler(envelope.sessions, envelope.open === true);
    } catch (err) {
      this.logger.warn(`redis: ignored a bad sessions message (${String(err)})`);
    }
  }

  private onMessage(message: Buffer): void {
    let envelope: Envelope;
    let event: ServerMessage;
    try {
      envelope = JSON.parse(message.toString()) as Envelope;
      if (envelope.origin === this.nodeId) return;
      if (envelope.contactsChanged === true) {
        if (typeof envelope.alias === 'string') this.contactsHandler(envelope.alias);
        return;
      }
      // another process wrote it, but a bad event must not reach clients: validate like any other input
      event = parseMessage(ServerMessage, envelope.event);
    } catch (err) {
      this.logger.warn(`redis: ignored a bad routed message (${String(err)})`);
      return;
    }
    if (typeof envelope.alias !== 'string' || 'id' in event) return;
    this.registry.deliver(envelope.alias, event as ServerEvent, typeof envelope.clientId === 'string' ? envelope.clientId : undefined);
  }
}
