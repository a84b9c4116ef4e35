/**
 * NetLab: a small internet on one machine for tests and benchmarks (root, iproute2, iptables, tc, and
 * libnetfilter-queue for the delay: see shape()).
 *
 *   public namespace  <id>-pub    bridge br0, 203.0.113.1/24 (coturn and anything public runs here)
 *     │  one veth per site (w-<site> on br0 ↔ wan in the router)
 *   router namespace  <id>-r-<site>  wan 203.0.113.(10+n)/24, NAT out of wan, LAN bridge lan 10.(n).0.1/24
 *     │  one veth per host (h-<host> on lan ↔ eth0 in the host)
 *   host namespace    <id>-<host>     eth0 10.(n).0.(10+k)/24, default route via the router
 *
 * Every interface, bridge and rule lives inside the lab's own namespaces (nothing in the machine's own
 * namespace changes), so deleting the namespaces removes all of it. The test process itself stays in the
 * machine's namespace: signaling that goes through it (the server on loopback, a host process's IPC
 * channel, playwright's pipe to Chromium) is untouched, while media between processes started in two
 * host namespaces crosses the routers and their NAT.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { register, removeNamespace, removeStaleLabs, unregister } from './LabRegistry';
import { linkDelayBinary } from './linkDelay';
import { inNamespace, NetLabError, run, runAll, runIn, RunResult } from './run';

/** endpoint-independent: MASQUERADE keeps one mapping per socket; symmetric: a new random port per destination. */
export type NatKind = 'endpointIndependent' | 'symmetric';

export interface SiteOptions {
  readonly nat: NatKind;
  /** Names of the hosts on this site's LAN (lower-case letters and digits, ≤ 10 characters). */
  readonly hosts: readonly string[];
}

export interface Shape {
  readonly rateKbit?: number;
  /** One-way delay added in each direction: the round trip grows by twice this. */
  readonly delayMs?: number;
  /** Loss in each direction, in percent. */
  readonly lossPct?: number;
}

export interface LabHost {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  readonly site: string;
}

export interface LabSite {
  readonly name: string;
  readonly router: string;
  /** The router's public address: what peers on other sites see as this site's source. */
  readonly publicAddress: string;
}

/** The public namespace's name in exec/spawn/shape calls. */
export const PUBLIC = 'public';
export const PUBLIC_ADDRESS = '203.0.113.1';
const NAME = /^[a-z][a-z0-9]{0,9}$/;

export interface NetLabOptions {
  /** Two or three letters naming the caller (its namespaces start with it); default "ri". */
  readonly prefix?: string;
}

export class NetLab {
  private readonly sites = new Map<string, LabSite>();
  private readonly hosts = new Map<string, LabHost>();
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly shaped = new Set<string>();
  private readonly shapedSites = new Set<string>();
  private readonly delays = new Map<string, ChildProcess>();
  private readonly filtered = new Set<string>();
  private readonly work: string;
  private disposed = false;

  private constructor(readonly id: string) {
    this.work = mkdtempSync(join(tmpdir(), `${id}-`));
  }

  /** Builds the public namespace; removes stale labs of earlier, killed runs with the same prefix first. */
  static async create(options: NetLabOptions = {}): Promise<NetLab> {
    const prefix = options.prefix ?? 'ri';
    if (!/^[a-z]{2,3}$/.test(prefix)) throw new NetLabError('ERR_NETLAB_NAME', `lab prefix must be 2-3 letters: ${prefix}`);
    const id = prefix + Math.random().toString(36).slice(2, 6).padEnd(4, '0');
    await removeStaleLabs(prefix, id.length);
    register(id);
    const lab = new NetLab(id);
    try {
      const pub = await lab.addNamespace('pub');
      await runAll(pub, [
        ['ip', 'link', 'add', 'br0', 'type', 'bridge'],
        ['ip', 'addr', 'add', `${PUBLIC_ADDRESS}/24`, 'dev', 'br0'],
        ['ip', 'link', 'set', 'br0', 'up'],
        // The public side stands for the internet: with a default route there a program finds its outgoing
        // address (Chromium gathers host candidates only on the default route's interface, none without one).
        ['ip', 'route', 'add', 'default', 'dev', 'br0'],
      ]);
    } catch (err) {
      await lab.dispose();
      throw err;
    }
    return lab;
  }

  /** A site: a router doing NAT with one or more hosts on its LAN. */
  async addSite(name: string, options: SiteOptions): Promise<LabSite> {
    this.checkName(name);
    if (this.sites.has(name)) throw new NetLabError('ERR_NETLAB_NAME', `site ${name} exists`);
    const n = this.sites.size + 1;
    const router = await this.addNamespace(`r-${name}`);
    const publicAddress = `203.0.113.${10 + n}`;
    const site: LabSite = { name, router, publicAddress };
    this.sites.set(name, site);
    await run('ip', ['-n', this.ns('pub'), 'link', 'add', `w-${name}`, 'type', 'veth', 'peer', 'name', 'wan', 'netns', router]);
    await runAll(this.ns('pub'), [
      ['ip', 'link', 'set', `w-${name}`, 'master', 'br0'],
      ['ip', 'link', 'set', `w-${name}`, 'up'],
    ]);
    await runAll(router, [
      ['ip', 'addr', 'add', `${publicAddress}/24`, 'dev', 'wan'],
      ['ip', 'link', 'set', 'wan', 'up'],
      ['ip', 'link', 'add', 'lan', 'type', 'bridge'],
      ['ip', 'addr', 'add', `10.${n}.0.1/24`, 'dev', 'lan'],
      ['ip', 'link', 'set', 'lan', 'up'],
      ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'],
      ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', ...(options.nat === 'symmetric' ? ['--random-fully'] : [])],
      // Unsolicited packets to the router are dropped, as home routers do. Without this an early ICE check
      // from a peer leaves a conntrack entry for the router itself on the mapped port, and the host's own
      // packets to that peer then get a different port (the NAT turns symmetric for that peer).
      ['iptables', '-A', 'INPUT', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'NEW,INVALID', '-j', 'DROP'],
    ]);
    let k = 0;
    for (const host of options.hosts) {
      this.checkName(host);
      if (this.hosts.has(host) || host === PUBLIC) throw new NetLabError('ERR_NETLAB_NAME', `host ${host} exists`);
      const ns = await this.addNamespace(host);
      const address = `10.${n}.0.${10 + k++}`;
      await run('ip', ['-n', router, 'link', 'add', `h-${host}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await runAll(router, [
        ['ip', 'link', 'set', `h-${host}`, 'master', 'lan'],
        ['ip', 'link', 'set', `h-${host}`, 'up'],
      ]);
      await runAll(ns, [
        ['ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0'],
        ['ip', 'link', 'set', 'eth0', 'up'],
        ['ip', 'route', 'add', 'default', 'via', `10.${n}.0.1`],
      ]);
      this.hosts.set(host, { name: host, namespace: ns, address, site: name });
    }
    return site;
  }

  host(name: string): LabHost {
    const host = this.hosts.get(name);
    if (!host) throw new NetLabError('ERR_NETLAB_NAME', `no host ${name} in lab ${this.id}`);
    return host;
  }

  site(name: string): LabSite {
    const site = this.sites.get(name);
    if (!site) throw new NetLabError('ERR_NETLAB_NAME', `no site ${name} in lab ${this.id}`);
    return site;
  }

  /** The namespace of a host, or of the public side for PUBLIC. */
  namespaceOf(host: string): string {
    return host === PUBLIC ? this.ns('pub') : this.host(host).namespace;
  }

  /** Runs a command inside a host's namespace to completion. */
  exec(host: string, command: string, args: readonly string[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
    return runIn(this.namespaceOf(host), command, args, options);
  }

  /** Starts a process inside a host's namespace; it is killed by dispose() if still running. */
  spawn(host: string, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    return this.spawnIn(this.namespaceOf(host), command, args, options);
  }

  private spawnIn(ns: string, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const [cmd, full] = inNamespace(ns, command, args);
    const child = spawn(cmd, full, options);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /**
   * An executable that runs `binary` inside a host's namespace with the arguments it is given — for a
   * program that launches another by path: playwright-core's `executablePath` (Chromium), or
   * HostSupervisor's `nodePath` (the host process keeps its IPC channel: file descriptors pass through).
   */
  executable(host: string, binary: string): string {
    const file = join(this.work, `${host}-${basename(binary)}`);
    writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${this.namespaceOf(host)} ${binary} "$@"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  /**
   * Shapes both directions of the host's link, as netem would (this project's kernel has no sch_netem):
   * rate with htb on the host's eth0 and on the router's port towards it, loss with iptables' statistic
   * match, delay with linkdelay (NFQUEUE in the host's namespace holds each packet for delayMs).
   * Replaces an earlier shape of the host.
   */
  async shape(host: string, shape: Shape): Promise<void> {
    const h = this.host(host);
    await this.unshape(host);
    this.shaped.add(host);
    if (shape.rateKbit) {
      for (const [ns, dev] of [[h.namespace, 'eth0'], [this.site(h.site).router, `h-${host}`]]) {
        await runAll(ns, [
          ['tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '1'],
          ['tc', 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', `${shape.rateKbit}kbit`, 'ceil', `${shape.rateKbit}kbit`],
        ]);
      }
    }
    const rules: string[][] = [['iptables', '-N', 'shape-in'], ['iptables', '-N', 'shape-out']];
    if (shape.lossPct) {
      const p = String(shape.lossPct / 100);
      rules.push(['iptables', '-A', 'shape-in', '-m', 'statistic', '--mode', 'random', '--probability', p, '-j', 'DROP']);
      rules.push(['iptables', '-A', 'shape-out', '-m', 'statistic', '--mode', 'random', '--probability', p, '-j', 'DROP']);
    }
    if (shape.delayMs) {
      await this.startDelay(host, h.namespace, shape.delayMs);
      rules.push(['iptables', '-A', 'shape-in', '-j', 'NFQUEUE', '--queue-num', '0']);
      rules.push(['iptables', '-A', 'shape-out', '-j', 'NFQUEUE', '--queue-num', '0']);
    }
    rules.push(['iptables', '-A', 'INPUT', '-i', 'eth0', '-j', 'shape-in'], ['iptables', '-A', 'OUTPUT', '-o', 'eth0', '-j', 'shape-out']);
    await runAll(h.namespace, rules);
  }

  /** Removes the host's shaping. */
  async unshape(host: string): Promise<void> {
    if (!this.shaped.has(host)) return;
    const h = this.host(host);
    const quietly = (ns: string, command: string, args: string[]) => runIn(ns, command, args).catch(() => undefined);
    await quietly(h.namespace, 'iptables', ['-D', 'INPUT', '-i', 'eth0', '-j', 'shape-in']);
    await quietly(h.namespace, 'iptables', ['-D', 'OUTPUT', '-o', 'eth0', '-j', 'shape-out']);
    for (const chain of ['shape-in', 'shape-out']) {
      await quietly(h.namespace, 'iptables', ['-F', chain]);
      await quietly(h.namespace, 'iptables', ['-X', chain]);
    }
    await quietly(h.namespace, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']);
    await quietly(this.site(h.site).router, 'tc', ['qdisc', 'del', 'dev', `h-${host}`, 'root']);
    await this.stopDelay(host);
    this.shaped.delete(host);
  }

  /**
   * Shapes the site's access link in its router, where a real link's bottleneck queue and delay are: rate
   * with htb on the router's wan (up) and lan (down) interfaces, each with a 1000-packet FIFO (netem's
   * default limit), loss and delay (linkdelay) in the router's FORWARD chain. Only traffic routed between
   * the site and elsewhere is shaped (not between two hosts of its LAN). Unlike shape(), no packet is held
   * while it still counts against the sending socket: a router receives it as a new packet (the kernel
   * drops the sender's socket reference on IP receive), so the host's TCP small-queue limit and UDP
   * send buffer see the link as a real one, not 10 ms of delay queued inside the sending host.
   */
  async shapeSite(name: string, shape: Shape): Promise<void> {
    const site = this.site(name);
    await this.unshapeSite(name);
    this.shapedSites.add(name);
    if (shape.rateKbit) {
      // A burst of 1 ms of the rate (at least a full frame): a 1600-byte bucket at 100 Mbit/s empties in
      // 128 µs, so a qdisc timer that fires late on a busy machine leaves the link idle, which a real link is not.
      const burst = String(Math.max(1600, Math.round((shape.rateKbit * 1000) / 8 / 1000)));
      for (const dev of ['wan', 'lan']) {
        await runAll(site.router, [
          ['tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '1'],
          ['tc', 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', `${shape.rateKbit}kbit`, 'ceil', `${shape.rateKbit}kbit`, 'burst', burst, 'cburst', burst],
          ['tc', 'qdisc', 'add', 'dev', dev, 'parent', '1:1', 'handle', '10:', 'pfifo', 'limit', '1000'],
        ]);
      }
    }
    const rules: string[][] = [['iptables', '-N', 'shape-site']];
    if (shape.lossPct) rules.push(['iptables', '-A', 'shape-site', '-m', 'statistic', '--mode', 'random', '--probability', String(shape.lossPct / 100), '-j', 'DROP']);
    if (shape.delayMs) {
      await this.startDelay(`site:${name}`, site.router, shape.delayMs);
      rules.push(['iptables', '-A', 'shape-site', '-j', 'NFQUEUE', '--queue-num', '0']);
    }
    rules.push(['iptables', '-I', 'FORWARD', '-j', 'shape-site']);
    await runAll(site.router, rules);
  }

  /** Removes the site's shaping. */
  async unshapeSite(name: string): Promise<void> {
    if (!this.shapedSites.has(name)) return;
    const router = this.site(name).router;
    const quietly = (command: string, args: string[]) => runIn(router, command, args).catch(() => undefined);
    await quietly('iptables', ['-D', 'FORWARD', '-j', 'shape-site']);
    await quietly('iptables', ['-F', 'shape-site']);
    await quietly('iptables', ['-X', 'shape-site']);
    for (const dev of ['wan', 'lan']) await quietly('tc', ['qdisc', 'del', 'dev', dev, 'root']);
    await this.stopDelay(`site:${name}`);
    this.shapedSites.delete(name);
  }

  /**
   * A port forward on the host's router: TCP connections to the site's public address on `port` reach the
   * host on the same port (as a home router's forwarding rule for a server behind it). Returns that address.
   */
  async forwardTcp(host: string, port: number): Promise<string> {
    const h = this.host(host);
    const site = this.site(h.site);
    await runIn(site.router, 'iptables', ['-t', 'nat', '-A', 'PREROUTING', '-i', 'wan', '-p', 'tcp', '--dport', String(port), '-j', 'DNAT', '--to-destination', `${h.address}:${port}`]);
    return site.publicAddress;
  }

  /** Drops every packet to and from the host on its link (a cable pulled, a Wi-Fi gone). */
  async cut(host: string): Promise<void> {
    await runAll(this.host(host).namespace, [
      ['iptables', '-I', 'INPUT', '-i', 'eth0', '-j', 'DROP'],
      ['iptables', '-I', 'OUTPUT', '-o', 'eth0', '-j', 'DROP'],
    ]);
  }

  async restore(host: string): Promise<void> {
    await runAll(this.host(host).namespace, [
      ['iptables', '-D', 'INPUT', '-i', 'eth0', '-j', 'DROP'],
      ['iptables', '-D', 'OUTPUT', '-o', 'eth0', '-j', 'DROP'],
    ]);
  }

  /** The site's firewall drops UDP to and from this host beyond its LAN (TCP still works). */
  blockUdp(host: string): Promise<void> {
    return this.firewall(host, [['-p', 'udp', '-j', 'DROP']]);
  }

  /** The site's firewall lets this host out on TCP port 443 only (answers to that come back). */
  allowOnlyTcp443(host: string): Promise<void> {
    return this.firewall(host, [
      ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
      ['-o', 'wan', '-p', 'tcp', '--dport', '443', '-j', 'ACCEPT'],
      ['-j', 'DROP'],
    ]);
  }

  /** Removes the firewall rules set for this host. */
  async openFirewall(host: string): Promise<void> {
    const h = this.host(host);
    const router = this.site(h.site).router;
    const chain = `f-${host}`;
    await runIn(router, 'iptables', ['-D', 'FORWARD', '-s', h.address, '-j', chain]).catch(() => undefined);
    await runIn(router, 'iptables', ['-D', 'FORWARD', '-d', h.address, '-j', chain]).catch(() => undefined);
    await runIn(router, 'iptables', ['-F', chain]).catch(() => undefined);
    await runIn(router, 'iptables', ['-X', chain]).catch(() => undefined);
    this.filtered.delete(host);
  }

  /** Removes every namespace (with its interfaces and rules) and process this lab created. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(
      [...this.children].map((child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    for (const ns of [...this.namespaces].reverse()) await removeNamespace(ns);
    unregister(this.id);
    rmSync(this.work, { recursive: true, force: true });
  }

  private async firewall(host: string, rules: readonly string[][]): Promise<void> {
    const h = this.host(host);
    if (this.filtered.has(host)) await this.openFirewall(host);
    const router = this.site(h.site).router;
    const chain = `f-${host}`;
    await runAll(router, [
      ['iptables', '-N', chain],
      ...rules.map((rule) => ['iptables', '-A', chain, ...rule]),
      ['iptables', '-I', 'FORWARD', '-s', h.address, '-j', chain],
      ['iptables', '-I', 'FORWARD', '-d', h.address, '-j', chain],
    ]);
    this.filtered.add(host);
  }

  /** Starts linkdelay (NFQUEUE 0 of namespace `ns`, holding each packet `delayMs`) and waits until it is bound. */
  private async startDelay(key: string, ns: string, delayMs: number): Promise<void> {
    const delay = this.spawnIn(ns, await linkDelayBinary(), ['0', String(Math.round(delayMs))], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.delays.set(key, delay);
    await new Promise<void>((resolve, reject) => {
      let errors = '';
      delay.stderr!.on('data', (d) => (errors += d));
      delay.stdout!.once('data', () => resolve());
      delay.once('exit', (code) => reject(new NetLabError('ERR_NETLAB_COMMAND', `linkdelay exited with ${code}: ${errors.trim()}`)));
    });
  }

  private async stopDelay(key: string): Promise<void> {
    const delay = this.delays.get(key);
    if (!delay) return;
    this.delays.delete(key);
    const exited = new Promise((resolve) => delay.once('exit', resolve));
    delay.kill('SIGKILL');
    await exited;
  }

  private ns(suffix: string): string {
    return `${this.id}-${suffix}`;
  }

  private async addNamespace(suffix: string): Promise<string> {
    const ns = this.ns(suffix);
    // Recorded first, so a failure half-way still removes it.
    this.namespaces.push(ns);
    await run('ip', ['netns', 'add', ns]);
    await runIn(ns, 'ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  private checkName(name: string): void {
    if (!NAME.test(name)) throw new NetLabError('ERR_NETLAB_NAME', `lab names are 1-10 lower-case letters and digits: ${name}`);
  }
}
