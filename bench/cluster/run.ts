/**
 * `npm run bench:cluster`: the assistance network as a company runs it, on this machine (root): 4 server
 * processes, 2 on each of two "machines" (network namespaces, test/cluster/ClusterLab.ts), Redis, the shared
 * store and HAProxy with the committed config (one server line per process). Simulated signed-in clients
 * (bench/server/worker.ts) connect through the balancer only, each with four mutual contacts. Measures:
 * - invitations across processes at a rising rate until the round trip's p99 passes 50 ms (the capacity);
 * - a reconnect storm: one process killed (SIGKILL), every client it held reconnects through the balancer;
 * - memory per server process.
 * Last line: {"bench":"cluster","processes":4,"clients":…,"capacity_invites_per_s":…,"invite_rtt_p99_ms_at_500":…,"failover_reconnect_p99_ms":…,"rss_mb_per_process":…}
 * Options: --clients 20000 --step-seconds 3 --max-rate 4000
 */
import type { ChildProcess } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { parseArgs } from 'util';
import { ClusterLab, HAPROXY_CONFIG } from '../../test/cluster/ClusterLab';
import { saveRun } from '../resultsStore';
import { fdLimit, percentile, rssMb, startWorkers } from '../server/proc';

const { values } = parseArgs({ options: { clients: { type: 'string' }, 'step-seconds': { type: 'string' }, 'max-rate': { type: 'string' } } });
const MACHINES = 2;
const PER_MACHINE = 2;
const PROCESSES = MACHINES * PER_MACHINE;
const RATES = [100, 200, 350, 500, 700, 1000, 1400, 2000, 2800, 4000].filter((r) => r <= Number(values['max-rate'] ?? 4000));
const STEP_S = Number(values['step-seconds'] ?? 3);
const P99_LIMIT_MS = 50;
const WORKERS = 2;
const HEALTH_TOKEN = 'bench-cluster';

const round1 = (n: number) => Math.round(n * 10) / 10;

async function signedInClients(address: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } })).text();
  return Number(/^remote_assist_signed_in_clients (\d+)/m.exec(text)?.[1] ?? 0);
}

async function main(): Promise<void> {
  const startedAt = new Date();
  // HAProxy holds two descriptors per client (client side and server side) within this process's limit
  const fdCap = Math.floor((fdLimit() - 500) / 2);
  const wanted = Number(values.clients ?? 20_000);
  const clients = Math.min(wanted, fdCap) - (Math.min(wanted, fdCap) % 2);
  const limitedBy = clients < wanted ? `the open-file limit (${fdLimit()}, hard): HAProxy needs two descriptors per client` : undefined;
  if (limitedBy) console.log(`${wanted} clients asked; ${clients} fit: ${limitedBy}`);

  // the committed config with one server line per process (it names two)
  const committed = readFileSync(HAPROXY_CONFIG, 'utf8');
  const extra = Array.from({ length: PROCESSES - 2 }, (_, i) => `    server server${i + 3} "\${RA_BACKEND_${i + 3}}"\n`).join('');
  const configDir = mkdtempSync(join(tmpdir(), 'cl-bench-'));
  const haproxyConfig = join(configDir, 'haproxy.cfg');
  writeFileSync(haproxyConfig, committed + extra);
  const lab = await ClusterLab.start({
    machines: MACHINES,
    processesPerMachine: PER_MACHINE,
    haproxyConfig,
    // every client comes through the balancer from this machine's loopback address, forwarded
    serverArgs: ['--max-connections-per-address', String(clients + 100), '--accounts-per-address', String(clients + 100), '--health-token', HEALTH_TOKEN],
  });
  const workers: ChildProcess[] = [];
  try {
    const servers = lab.servers.map((s) => ({ name: s.name, address: s.address, pid: s.process.child.pid! }));
    const baseRss = servers.map((s) => rssMb(s.pid, 'VmRSS'));
    const started = await startWorkers(lab.balancerUrl, clients, WORKERS);
    workers.push(...started.workers);
    const all = started.all;

    let startedMs = performance.now();
    await all('connect');
    const connectS = (performance.now() - startedMs) / 1000;
    const spread = await Promise.all(servers.map((s) => signedInClients(s.address)));
    console.log(`${clients} clients signed in through the balancer in ${connectS.toFixed(1)} s (${Math.round(clients / connectS)}/s); per process: ${spread.join(', ')}`);
    startedMs = performance.now();
    const complete = (await all('contacts')).reduce((n, r) => n + (r.complete as number), 0);
    console.log(`contacts: ${complete}/${clients} clients with 4 mutual contacts in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
    const idleRss = servers.map((s) => rssMb(s.pid, 'VmRSS'));
    console.log(`server RSS MB empty → with clients: ${servers.map((s, i) => `${s.name} ${baseRss[i]} → ${idleRss[i]}`).join(', ')}`);

    // the rate ramp: each step runs STEP_S seconds; the capacity is the last rate whose p99 stays within the limit
    const steps: { rate: number; completed: number; per_s: number; p50_ms: number; p99_ms: number; errors: Record<string, number> }[] = [];
    for (const rate of RATES) {
      const replies = await all('invite', { rate, seconds: STEP_S, targets: [1, -1, 2, -2], endSessions: true });
      const rtts = replies.flatMap((r) => r.rtts as number[]).sort((a, b) => a - b);
      const errors: Record<string, number> = {};
      for (const r of replies) for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
      const step = { rate, completed: rtts.length, per_s: Math.round(rtts.length / STEP_S), p50_ms: round1(percentile(rtts, 50)), p99_ms: round1(percentile(rtts, 99)), errors };
      steps.push(step);
      console.log(`invitations at ${rate}/s: ${step.completed} round trips (${step.per_s}/s), p50 ${step.p50_ms} ms, p99 ${step.p99_ms} ms; error replies so far ${JSON.stringify(errors)}`);
      // past the limit the ramp stops, but not before the 500/s step the summary reports
      if (!(step.p99_ms <= P99_LIMIT_MS) && rate >= 500) break;
    }
    const within = steps.filter((s) => s.p99_ms <= P99_LIMIT_MS);
    const capacity = within.length ? Math.max(...within.map((s) => s.per_s)) : 0;

    // the reconnect storm: the process holding the most clients dies without a word
    await all('storm');
    const counts = await Promise.all(servers.map((s) => signedInClients(s.address)));
    const victim = lab.servers[counts.indexOf(Math.max(...counts))];
    const peakRss = servers.map((s) => rssMb(s.pid, 'VmHWM'));
    lab.kill(victim);
    const survivors = servers.filter((s) => s.name !== victim.name);
    let total = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      total = (await Promise.all(survivors.map((s) => signedInClients(s.address)))).reduce((a, b) => a + b, 0);
      if (total >= clients) break;
    }
    const storm = await all('stormResult');
    const times = storm.flatMap((r) => r.times as number[]).sort((a, b) => a - b);
    const stillAway = storm.reduce((n, r) => n + (r.stillAway as number), 0);
    const failoverP99 = round1(percentile(times, 99));
    console.log(`reconnect storm: ${victim.name} killed with ${Math.max(...counts)} clients; ${times.length} reconnected through the balancer (p50 ${round1(percentile(times, 50))} ms, p99 ${failoverP99} ms, max ${round1(times.at(-1) ?? NaN)} ms); still away after a minute: ${stillAway}; signed in on the survivors: ${total}`);
    console.log(`server peak RSS MB: ${servers.map((s, i) => `${s.name} ${peakRss[i]}`).join(', ')}`);
    console.log(`load average at the end (1/5 min) on ${cpus().length} cores: ${loadavg().slice(0, 2).map((l) => l.toFixed(1)).join(' / ')}`);

    const summary = {
      bench: 'cluster',
      processes: PROCESSES,
      clients,
      capacity_invites_per_s: capacity,
      invite_rtt_p99_ms_at_500: steps.find((s) => s.rate === 500)?.p99_ms ?? null,
      failover_reconnect_p99_ms: failoverP99,
      rss_mb_per_process: Math.max(...peakRss),
    };
    saveRun('cluster', startedAt, summary, { wanted, limitedBy, connectS: round1(connectS), spread, baseRss, idleRss, peakRss, steps, storm: { victim: victim.name, clients: Math.max(...counts), reconnected: times.length, stillAway, times: times.map(round1) } });
    console.log(JSON.stringify(summary));
  } catch (err) {
    // what the balancer and the processes said last, to tell why
    console.error(`haproxy:\n${lab.balancerLog.split('\n').slice(-15).join('\n')}`);
    for (const server of lab.servers) console.error(`${server.name} (exit ${server.process.child.exitCode ?? server.process.child.signalCode}):\n${server.process.stderr().split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).slice(-5).join('\n')}`);
    throw err;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await lab.dispose();
    rmSync(configDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
