/**
 * The path part of `npm run bench:networks`: runs test/netlab/paths.test.ts — the five issue-12 scenarios
 * (STUN behind endpoint-independent NAT, TURN/UDP behind symmetric NAT, TURN/TCP with UDP blocked, TURNS on
 * 443 only, same LAN), each a real session through the lab and coturn whose selected candidate pair (from
 * getStats on both sides) must be the scenario's — and reads which passed (mocha's JSON report) and the
 * connect times and pairs it records (test-results/netlab/connect-times.json).
 */
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
/** The test's titles, by the summary key they answer. */
const SCENARIOS = {
  stun_ok: /direct through STUN/,
  turn_udp_ok: /TURN over UDP/,
  turn_tcp_ok: /TURN over TCP/,
  turns_443_ok: /TURN over TLS on 443/,
  lan_ok: /same LAN/,
} as const;
export type PathKey = keyof typeof SCENARIOS;

export interface PathFigures {
  readonly ok: Record<PathKey, boolean>;
  readonly connectMs: Record<string, number>;
  readonly paths: Record<string, unknown>;
  readonly failures: string[];
}

interface MochaReport {
  passes: { fullTitle: string }[];
  failures: { fullTitle: string; err: { message?: string } }[];
}

export async function measurePaths(log: (line: string) => void): Promise<PathFigures> {
  const work = mkdtempSync(join(tmpdir(), 'ra-bench-paths-'));
  const report = join(work, 'mocha.json');
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), 'test/netlab/paths.test.ts', '--reporter', 'json', '--reporter-option', `output=${report}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('exit', resolve);
    });
    const mocha = JSON.parse(readFileSync(report, 'utf8')) as MochaReport;
    const passed = (pattern: RegExp) => mocha.passes.some((t) => pattern.test(t.fullTitle));
    const ok = Object.fromEntries(Object.entries(SCENARIOS).map(([key, pattern]) => [key, passed(pattern)])) as Record<PathKey, boolean>;
    const recorded = JSON.parse(readFileSync(join(ROOT, 'test-results', 'netlab', 'connect-times.json'), 'utf8')) as { connect_ms: Record<string, number>; paths: Record<string, unknown> };
    const failures = mocha.failures.map((t) => `${t.fullTitle}: ${t.err.message?.split('\n')[0]}`);
    log(`  paths (mocha exit ${code}): ${JSON.stringify(ok)}; connect ms ${JSON.stringify(recorded.connect_ms)}`);
    for (const f of failures) log(`  failed: ${f}`);
    return { ok, connectMs: recorded.connect_ms, paths: recorded.paths, failures };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
