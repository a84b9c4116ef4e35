/**
 * `npm run bench:cluster`: the assistance network as a company runs it, on this machine (root): 4 server
 * processes, 2 on each of two "machines" (network namespaces, test/cluster/ClusterLab.ts), Redis, the shared
 * store and HAProxy with the committed config (one server line per process). Simulated signed-in clients
 * (bench/server/worker.ts) connect through the balancers only, each with four mutual contacts. One HAProxy
 * holds two descriptors per client and this machine's hard open-file limit is 20,000 per process, so, as a
 * company beyond one balancer's capacity does, several HAProxy instances run the same config and the clients
 * are spread over them (as DNS round-robin would), ~7,000 each; so are the load processes. Measures:
 * - invitations across processes (sender and receiver signed in on different processes, from the servers'
 *   sign-in logs) at a rising rate until the round trip's p99 passes 50 ms (the capacity);
 * - a reconnect storm: one process killed (SIGKILL), every client it held reconnects through its balancer
 *   and signs in with its device token (time from the kill to signed in again);
 * - memory per server process.
 * Last line: {"bench":"cluster","processes":4,"clients":…,"capacity_invites_per_s":…,"invite_rtt_p99_ms_at_500":…,"failover_reconnect_p99_ms":…,"rss_mb_per_process":…}
 * Options: --clients 20000 --step-seconds 3 --max-rate 4000 [--balancers N (default: one per 7,000 clients)]
 *   [--profile DIR: the server processes' V8 CPU profiles]
 */
import type { ChildProcess } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { parseArgs } from 'util';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import { ClusterLab, HAPROXY_CONFIG, logEvents } from '../../test/cluster/ClusterLab';
import { saveRun } from '../resultsStore';
import { cpuByRole, cpuSince, fdLimit, percentile, RAMP_RATES, rateRamp, rssMb, startWorkers } from '../server/proc';

const { values } = parseArgs({ options: { clients: { type: 'string' }, 'step-seconds': { type: 'string' }, 'max-rate': { type: 'string' }, balancers: { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(`npm run bench:cluster -- [--clients 20000] [--step-seconds 3] [--max-rate 4000] [--balancers N] [--profile DIR]
  --clients N        signed-in clients (default 20,000; 2,000 runs in a few minutes while iterating)
  --step-seconds S   length of each step of the invitation rate ramp
  --max-rate R       the ramp's last rate (invitations/s across processes)
  --balancers N      HAProxy instances (default: one per 7,000 clients)
  --profile DIR      V8 CPU profiles of the server processes (written as they exit)
Prints CPU ms per sign-in, per invitation and per reconnect by role (server, PostgreSQL, Redis, HAProxy, load).`);
  process.exit(0);
}
const MACHINES = 2;
const PER_MACHINE = 2;
const PROCESSES = MACHINES * PER_MACHINE;
/** The ramp starts below bench:server's: on 2 cores shared by everything the first steps tell whether any rate stays within the limit. */
const RATES = [25, 50, ...RAMP_RATES].filter((r) => r <= Number(values['max-rate'] ?? 4000));
const STEP_S = Number(values['step-seconds'] ?? 3);
const P99_LIMIT_MS = 50;
/** Clients per balancer and per load process: well within one process's descriptors, with room for a storm's new sockets beside the old. */
const CLIENTS_PER_BALANCER = 7_000;
const CLIENTS_PER_WORKER = 7_000;
const HEALTH_TOKEN = 'bench-cluster';
/** PostgreSQL 15 reports a backend's statistics once it is idle this long at most (PGSTAT_IDLE_INTERVAL, 10 s). */
const PG_STATS_FLUSH_MS = 11_000;

const round1 = (n: number) => Math.round(n * 10) / 10;

async function signedInClients(address: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } })).text();
  return Number(/^remote_assist_signed_in_clients (\d+)/m.exec(text)?.[1] ?? 0);
}

/** How many log lines there are of each event. */
function countEvents(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const event = /"event":"([^"]+)"/.exec(line)?.[1] ?? /"msg":"([^"]{0,60})/.exec(line)?.[1] ?? 'other';
    counts[event] = (counts[event] ?? 0) + 1;
  }
  return counts;
}

/**
 * Counts of the shared engines' work so far: PostgreSQL's committed and rolled-back transactions (pg_stat_database, flushed
 * by each backend within a second or so) and Redis's processed commands (INFO stats).
 */
async function roundTripCounters(lab: ClusterLab): Promise<{ read: () => Promise<{ postgres: number; redis: number }>; close: () => Promise<void> }> {
  const pg = new PgClient({ connectionString: lab.databaseUrl });
  await pg.connect();
  const redis = new Redis(lab.redisUrl, { lazyConnect: true });
  await redis.connect();
  return {
    read: async () => {
      // the statistics of this backend's own reads are flushed too (and the others' pending ones are taken as they are)
      const { rows } = await pg.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
      const info = await redis.info('stats');
      return { postgres: Number(rows[0].n), redis: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0) };
    },
    close: async () => {
      await pg.end();
      redis.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const clients = Number(values.clients ?? 20_000) & ~1;
  // HAProxy holds two descriptors per client (client side and server side) within its process's limit
  const perBalancerMax = Math.floor((fdLimit() - 500) / 2);
  const balancers = Number(values.balancers ?? Math.ceil(clients / Math.min(CLIENTS_PER_BALANCER, perBalancerMax)));
  if (clients / balancers > perBalancerMax) throw new Error(`${balancers} balancer(s) cannot hold ${clients} clients: at most ${perBalancerMax} each`);
  const workerCount = Math.max(2, Math.ceil(clients / CLIENTS_PER_WORKER));
  console.log(`${clients} clients over ${balancers} HAProxy instance(s) (open-file limit ${fdLimit()}: at most ${perBalancerMax} clients each) and ${workerCount} load processes`);

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
    balancers,
    // names and a subnet of the bench's own: the cluster tests (cl…, 10.77.0.0/24) may run meanwhile
    network: { prefix: 'cb', subnet: '10.78.0' },
    nodeArgs: values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [],
    // every client comes through the balancer from this machine's loopback address, forwarded
    serverArgs: ['--max-connections-per-address', String(clients + 100), '--accounts-per-address', String(clients + 100), '--health-token', HEALTH_TOKEN],
  });
  const workers: ChildProcess[] = [];
  let counters: Awaited<ReturnType<typeof roundTripCounters>> | undefined;
  try {
    const servers = lab.servers.map((s) => ({ name: s.name, address: s.address, pid: s.process.child.pid! }));
    const baseRss = servers.map((s) => rssMb(s.pid, 'VmRSS'));
    const started = await startWorkers(lab.balancerUrls, clients, workerCount);
    workers.push(...started.workers);
    const all = started.all;

    // where the CPU goes, phase by phase: the server processes, the load processes, PostgreSQL, Redis, HAProxy
    const roles = { server: servers.map((s) => s.pid), load: started.workers.map((w) => w.pid!) };
    const cpu: Record<string, Record<string, number>> = {};
    // and the round trips behind it: PostgreSQL transactions (each statement outside one is one) and Redis commands
    const trips: Record<string, { postgres: number; redis: number }> = {};
    counters = await roundTripCounters(lab);
    let cpuBefore = cpuByRole(roles);
    const readTrips = counters.read;
    let tripsBefore = await readTrips();
    const cpuPhase = async (phase: string, units: number, unit: string) => {
      cpu[phase] = cpuSince(cpuBefore, cpuByRole(roles));
      cpu[phase] = Object.fromEntries(Object.entries(cpu[phase]).map(([role, ms]) => [role, Math.round(ms)]));
      // PostgreSQL's backends report their counts when they go idle, within its idle interval: the phase's last ones are waited for
      // (the idle cluster's own CPU meanwhile counts in no phase)
      await new Promise((resolve) => setTimeout(resolve, PG_STATS_FLUSH_MS));
      cpuBefore = cpuByRole(roles);
      const tripsNow = await readTrips();
      trips[phase] = { postgres: round1((tripsNow.postgres - tripsBefore.postgres) / Math.max(1, units)), redis: round1((tripsNow.redis - tripsBefore.redis) / Math.max(1, units)) };
      tripsBefore = tripsNow;
      console.log(`CPU ms ${phase} per ${unit}: ${Object.entries(cpu[phase]).filter(([, ms]) => ms > 0).map(([role, ms]) => `${role} ${(ms / Math.max(1, units)).toFixed(2)}`).join(', ')}; round trips: PostgreSQL ${trips[phase].postgres}, Redis ${trips[phase].redis}`);
    };

    let startedMs = performance.now();
    await all('connect');
    const connectS = (performance.now() - startedMs) / 1000;
    await cpuPhase('connect', clients, 'sign-in');
    const spread = await Promise.all(servers.map((s) => signedInClients(s.address)));
    console.log(`${clients} clients signed in through ${balancers} balancer(s) in ${connectS.toFixed(1)} s (${Math.round(clients / connectS)}/s); per process: ${spread.join(', ')}`);
    startedMs = performance.now();
    const complete = (await all('contacts')).reduce((n, r) => n + (r.complete as number), 0);
    const contactsS = (performance.now() - startedMs) / 1000;
    await cpuPhase('contacts', clients * 2, 'contact handshake');
    console.log(`contacts: ${complete}/${clients} clients with 4 mutual contacts in ${contactsS.toFixed(1)} s`);
    const idleRss = servers.map((s) => rssMb(s.pid, 'VmRSS'));
    console.log(`server RSS MB empty → with clients: ${servers.map((s, i) => `${s.name} ${baseRss[i]} → ${idleRss[i]}`).join(', ')}`);

    // where each client signed in (the servers' logs): invitations go only to contacts on another process
    const placement: number[] = new Array<number>(clients).fill(-1);
    lab.servers.forEach((server, i) => {
      for (const line of logEvents(server, 'signIn.ok')) placement[Number(String(line.alias).slice(1))] = i;
    });
    await all('place', { placement });

    // the rate ramp: each step runs STEP_S seconds; the capacity is the highest rate whose p99 stays within the limit
    await new Promise((resolve) => setTimeout(resolve, PG_STATS_FLUSH_MS));
    cpuBefore = cpuByRole(roles);
    tripsBefore = await readTrips();
    const { steps, capacity } = await rateRamp(all, { rates: RATES, stepS: STEP_S, limitMs: P99_LIMIT_MS, invite: { targets: [1, -1], crossOnly: true } });
    await cpuPhase('ramp', steps.reduce((n, s) => n + s.completed, 0), 'invitation');

    // the reconnect storm: the process holding the most clients dies without a word
    await all('storm');
    const counts = await Promise.all(servers.map((s) => signedInClients(s.address)));
    const victim = lab.servers[counts.indexOf(Math.max(...counts))];
    const peakRss = servers.map((s) => rssMb(s.pid, 'VmHWM'));
    const killedAt = Date.now();
    lab.kill(victim);
    const survivors = servers.filter((s) => s.name !== victim.name);
    let total = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      total = (await Promise.all(survivors.map((s) => signedInClients(s.address)))).reduce((a, b) => a + b, 0);
      if (total >= clients) break;
    }
    const storm = await all('stormResult');
    await cpuPhase('storm', Math.max(...counts), 'reconnect');
    // from the kill to each client signed in again (wall clock, shared by the processes)
    const times = storm.flatMap((r) => (r.signedInAt as number[]).map((t) => t - killedAt)).sort((a, b) => a - b);
    const stillAway = storm.reduce((n, r) => n + (r.stillAway as number), 0);
    const failoverP99 = round1(percentile(times, 99));
    console.log(`reconnect storm: ${victim.name} killed with ${Math.max(...counts)} clients; ${times.length} signed in again through the balancers (from the kill: p50 ${round1(percentile(times, 50))} ms, p99 ${failoverP99} ms, max ${round1(times.at(-1) ?? NaN)} ms); still away after a minute: ${stillAway}; signed in on the survivors: ${total}`);
    // the balancers' health-check transitions: a survivor marked down while busy closes its clients too (shutdown-sessions)
    const transitions = lab.balancerLog.split('\n').filter((line) => /is (DOWN|UP)\b/.test(line));
    console.log(`balancer health-check transitions (${transitions.length}):\n${transitions.join('\n')}`);
    // the server processes' own closes of connections that stopped answering
    console.log(`server log warnings and errors by event: ${JSON.stringify(countEvents(lab.servers.flatMap((s) => s.process.stderr().split('\n')).filter((l) => /"level":"(warn|error)"/.test(l))))}`);
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
    saveRun('cluster', startedAt, summary, {
      balancers,
      workers: workerCount,
      connectS: round1(connectS),
      contactsS: round1(contactsS),
      spread,
      cpu,
      trips,
      baseRss,
      idleRss,
      peakRss,
      steps,
      storm: { victim: victim.name, clients: Math.max(...counts), reconnected: times.length, stillAway, signedInOnSurvivors: total, balancerTransitions: transitions, times: times.map(round1) },
    });
    console.log(JSON.stringify(summary));
  } catch (err) {
    // what the balancer and the processes said last, to tell why
    console.error(`haproxy:\n${lab.balancerLog.split('\n').slice(-15).join('\n')}`);
    for (const server of lab.servers) console.error(`${server.name} (exit ${server.process.child.exitCode ?? server.process.child.signalCode}):\n${server.process.stderr().split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).slice(-5).join('\n')}`);
    throw err;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await counters?.close();
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
