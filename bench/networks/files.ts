/**
 * The files part of `npm run bench:networks`: a file from the sharer's host, behind its office's NAT router
 * whose access link is shaped to 100 Mbit/s and 20 ms RTT (NetLab.shapeSite), to the lab's public side, with the product's engine
 * on a real data channel (test/support/filesLink) and with scp (its defaults) to an sshd on the public side — the same link, taking turns round by round so both meet the same machine load. Each file is
 * checked by SHA-256. Rates are file bytes per second, as % of the link's 100 Mbit/s.
 */
import { promises as fs } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';
import { ScpPeer } from '../files/ScpPeer';
import { transferOverLab } from '../../test/support/filesLink';
import { NetLab, PUBLIC, PUBLIC_ADDRESS, Shape } from '../../test/support/netlab';
import { makeFile, sha256File } from '../../test/files/support/files';
import { labPrefix } from './labPrefix';

/** The link; BENCH_FILES_LINK=RATE_KBIT,RTT_MS (e.g. 10000,50) measures another. */
export const FILES_LINK: Shape = linkFromEnv(process.env.BENCH_FILES_LINK) ?? { rateKbit: 100_000, delayMs: 10 };
const LINK_BYTES_PER_S = (FILES_LINK.rateKbit! * 1000) / 8;

function linkFromEnv(value: string | undefined): Shape | undefined {
  if (!value) return undefined;
  const [rateKbit, rttMs] = value.split(',').map(Number);
  if (!(rateKbit > 0) || !(rttMs >= 0)) throw new Error(`BENCH_FILES_LINK takes RATE_KBIT,RTT_MS: ${value}`);
  return { rateKbit, delayMs: rttMs / 2 };
}

export interface FilesRound {
  readonly system: 'ours' | 'scp';
  readonly seconds?: number;
  readonly linkPct?: number;
  readonly mbPerS?: number;
  readonly sha256Ok?: boolean;
  readonly udpDrops?: number;
  /** Ours: ms the receiver took to save the file after its last byte (flush, move into place). */
  readonly commitMs?: number;
  readonly error?: string;
  readonly loadavg: number;
}

export interface FilesFigures {
  readonly bytes: number;
  readonly link: Shape;
  readonly rounds: FilesRound[];
  /** Median and the lowest/highest run, % of the link. */
  readonly ours: Spread;
  readonly scp: Spread;
}
export interface Spread {
  readonly medianPct?: number;
  readonly minPct?: number;
  readonly maxPct?: number;
  readonly runs: number;
}

function spread(rounds: FilesRound[], system: FilesRound['system']): Spread {
  const pct = rounds.filter((r) => r.system === system && r.linkPct !== undefined && r.sha256Ok).map((r) => r.linkPct!).sort((a, b) => a - b);
  if (pct.length === 0) return { runs: 0 };
  const mid = pct.length / 2;
  const median = pct.length % 2 ? pct[Math.floor(mid)] : (pct[mid - 1] + pct[mid]) / 2;
  return { medianPct: Math.round(median * 10) / 10, minPct: pct[0], maxPct: pct[pct.length - 1], runs: pct.length };
}

const load1 = () => Math.round(loadavg()[0] * 100) / 100;
const pctOf = (bytes: number, seconds: number) => Math.round(((bytes / seconds) / LINK_BYTES_PER_S) * 1000) / 10;

/** Runs `rounds` rounds of ours-then-scp (alternating which goes first) over a fresh lab's shaped link. */
export async function filesOverLink(options: { rounds: number; bytes: number; log: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<FilesFigures> {
  const { rounds, bytes, log } = options;
  const dir = await fs.mkdtemp(join(tmpdir(), 'ra-bench-netfiles-'));
  const lab = await NetLab.create({ prefix: `${labPrefix('rk')}f` });
  const results: FilesRound[] = [];
  let scp: ScpPeer | undefined;
  try {
    // The sharer behind its office's shaped access link; the far end on the lab's public side.
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['sharer'] });
    await lab.shapeSite('office', FILES_LINK);
    const file = join(dir, 'payload.bin');
    const hash = await makeFile(file, bytes);
    const inbox = join(dir, 'inbox');
    await fs.mkdir(inbox);
    const inNs = (host: string) => (command: string, args: string[]): [string, string[]] => ['ip', ['netns', 'exec', lab.namespaceOf(host), command, ...args]];
    const started = await ScpPeer.start({ address: PUBLIC_ADDRESS, serverCommand: inNs(PUBLIC), clientCommand: inNs('sharer') });
    scp = started.peer;
    if (!scp) log(`  no scp peer: ${started.reason}`);
    const timeoutMs = Math.max(60_000, (bytes / LINK_BYTES_PER_S) * 10_000);
    const runOurs = async (): Promise<FilesRound> => {
      try {
        const t = await transferOverLab(lab, { from: 'sharer', to: PUBLIC, file, inbox, timeoutMs, env: options.env });
        const sha256Ok = (await sha256File(t.savedPath)) === hash;
        await fs.rm(t.savedPath);
        return { system: 'ours', seconds: t.seconds, linkPct: pctOf(bytes, t.seconds), mbPerS: Math.round((bytes / t.seconds / 1e5)) / 10, sha256Ok, udpDrops: t.udpDrops, commitMs: t.commitMs === undefined ? undefined : Math.round(t.commitMs), loadavg: load1() };
      } catch (err) {
        return { system: 'ours', error: (err as Error).message, loadavg: load1() };
      }
    };
    const runScp = async (): Promise<FilesRound> => {
      const saved = join(inbox, 'scp-copy.bin');
      try {
        const { seconds } = await scp!.copy(file, saved);
        const sha256Ok = (await sha256File(saved)) === hash;
        return { system: 'scp', seconds, linkPct: pctOf(bytes, seconds), mbPerS: Math.round((bytes / seconds / 1e5)) / 10, sha256Ok, loadavg: load1() };
      } catch (err) {
        return { system: 'scp', error: (err as Error).message, loadavg: load1() };
      } finally {
        await fs.rm(saved, { force: true });
      }
    };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [runOurs, runScp] : [runScp, runOurs];
      for (const run of order) {
        if (run === runScp && !scp) continue;
        const r = await run();
        results.push(r);
        log(`  files round ${round + 1}: ${JSON.stringify(r)}`);
      }
    }
  } finally {
    await scp?.dispose();
    await lab.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return { bytes, link: FILES_LINK, rounds: results, ours: spread(results, 'ours'), scp: spread(results, 'scp') };
}
