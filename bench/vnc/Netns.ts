/**
 * Two network namespaces joined by a veth pair with MTU 1500: the sharer's side (Xvfb, the VNC servers,
 * our host process and this bench process) and the viewer's side (each viewer's Chromium). Every byte
 * between sharer and viewer crosses the veth, so one counter — the sharer end's interface statistics —
 * counts every system alike, both directions, as Ethernet frames (IP packet + 14 bytes). Needs root.
 */
import { execFileSync, spawn } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * BENCH_NETNS: a prefix of the namespaces' and interfaces' names (default "rb"), so two checkouts on one
 * machine run side by side instead of deleting each other's namespaces at start.
 */
const PREFIX = process.env.BENCH_NETNS ?? 'rb';
if (!/^[a-z][a-z0-9]{0,7}$/.test(PREFIX)) throw new Error(`BENCH_NETNS must be 1-8 lowercase letters or digits, starting with a letter (got "${PREFIX}")`);
export const SHARER_NS = `${PREFIX}-sharer`;
export const VIEWER_NS = `${PREFIX}-viewer`;
const SHARER_IF = `${PREFIX}-s0`;
const VIEWER_IF = `${PREFIX}-v0`;
export const SHARER_ADDR = '10.213.7.1';
export const VIEWER_ADDR = '10.213.7.2';
export const MTU = 1500;
/** Set on the re-executed bench inside the sharer's namespace. */
const INSIDE = 'BENCH_NETNS_INSIDE';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function teardown(): void {
  for (const ns of [SHARER_NS, VIEWER_NS]) {
    try {
      ip('netns', 'del', ns); // deleting a namespace removes its end of the veth, and with it the pair
    } catch {
      // not there
    }
  }
}

function setup(): void {
  teardown(); // a run that was killed may have left them
  ip('netns', 'add', SHARER_NS);
  ip('netns', 'add', VIEWER_NS);
  ip('link', 'add', SHARER_IF, 'netns', SHARER_NS, 'mtu', String(MTU), 'type', 'veth', 'peer', 'name', VIEWER_IF, 'netns', VIEWER_NS, 'mtu', String(MTU));
  for (const [ns, dev, addr] of [
    [SHARER_NS, SHARER_IF, SHARER_ADDR],
    [VIEWER_NS, VIEWER_IF, VIEWER_ADDR],
  ]) {
    ip('-n', ns, 'addr', 'add', `${addr}/30`, 'dev', dev);
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}

export function insideSharerNamespace(): boolean {
  return process.env[INSIDE] === '1';
}

/**
 * Builds the namespaces, runs this same command inside the sharer's one and removes them afterwards (also
 * on Ctrl+C). Resolves with the child's exit code.
 */
export function runInsideNamespaces(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error('npm run bench needs root: it puts sharer and viewer in two network namespaces joined by a veth pair');
  setup();
  const child = spawn('ip', ['netns', 'exec', SHARER_NS, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, [INSIDE]: '1' },
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      teardown();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** A Chromium that starts in the viewer's namespace (Playwright's executablePath; pipes pass through). */
export function viewerChromium(): string {
  const file = path.join(os.tmpdir(), `rb-bench-chromium-${process.pid}.sh`);
  writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${VIEWER_NS} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
  return file;
}

export interface VethCounters {
  /** Sharer → viewer, Ethernet frames (IP packets + 14 bytes each). */
  readonly downBytes: number;
  readonly upBytes: number;
  readonly downPackets: number;
  readonly upPackets: number;
}

/** Cumulative counters of the sharer's end of the veth (read inside the sharer's namespace). */
export function vethCounters(): VethCounters {
  const read = (name: string): number => Number(readFileSync(`/sys/class/net/${SHARER_IF}/statistics/${name}`, 'utf8'));
  return { downBytes: read('tx_bytes'), upBytes: read('rx_bytes'), downPackets: read('tx_packets'), upPackets: read('rx_packets') };
}

/** The veth's MTU as the kernel has it (recorded with the results). */
export function vethMtu(): number {
  return Number(readFileSync(`/sys/class/net/${SHARER_IF}/mtu`, 'utf8'));
}
