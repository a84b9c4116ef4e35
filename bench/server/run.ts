/**
 * `npm run bench:server`: the real server process, serving wss:// with its LAN certificate (clients pin it),
 * against N simulated signed-in clients (each with four contacts) held by separate load processes. Measures:
 * - the server's memory and the connection (TLS + sign-in) rate;
 * - the round trip of an invitation through the signaling relay (invite sent → delivered → accepted →
 *   session seen by the sharer → the sharer's signal relayed to the helper → the helper's answer relayed back);
 * - a rate ramp: such round trips (sessions ended at once) at a rising rate until p99 passes 50 ms (the capacity);
 * - the round trip at a sustained rate, the sessions then left open as real ones are;
 * - a token-reconnect storm: every client drops its connection at once and signs in again with its device
 *   token (time from its drop to signed in again).
 * Last line: {"bench":"server","clients":…,"rss_mb":…,"invites_per_s":…,"invite_rtt_p50_ms":…,"invite_rtt_p99_ms":…,
 *   "tls":true,"relay_in_rtt":true,"capacity_invites_per_s":…,"reconnect_p50_ms":…,"reconnect_p99_ms":…}
 * Options: --clients 10000 --rate 500 --seconds 10 --step-seconds 3 [--profile DIR]
 */
import { spawn, type ChildProcess } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { parseArgs } from 'util';
import { build } from 'esbuild';
import NODE_EXTERNALS from '../../scripts/node-externals.json';
import { generateLanCertificate } from '../../src/server/LanCertificate';
import { cpuMs, errorTotals, fdLimit, percentile, RAMP_RATES, rateRamp, rssMb, startWorkers } from './proc';
import { saveRun } from '../resultsStore';

const ROOT = join(__dirname, '..', '..');
const { values } = parseArgs({
  options: { clients: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, 'step-seconds': { type: 'string' }, profile: { type: 'string' } },
});
const clients = Number(values.clients ?? 10_000);
const rate = Number(values.rate ?? 500);
const seconds = Number(values.seconds ?? 10);
const STEP_S = Number(values['step-seconds'] ?? 3);
const P99_LIMIT_MS = 50;
const round1 = (n: number) => Math.round(n * 10) / 10;
/**
 * Every simulated client comes from loopback: the per-address limits are raised to let them all in, twice over for the
 * storm (the server may not have seen every old socket close yet when its new one arrives).
 */
const LOAD_FROM_ONE_ADDRESS = ['--max-connections-per-address', String(2 * clients + 100), '--accounts-per-address', String(clients + 100)];
const WORKERS = 2; // sharers on one, helpers on the other: every round trip crosses processes

async function main(): Promise<void> {
  const startedAt = new Date();
  if (fdLimit() < clients + 256) throw new Error(`open file limit ${fdLimit()} is too low for ${clients} clients: run \`ulimit -n ${clients + 1024}\` first`);
  const bundle = join(ROOT, 'dist/bench-server/server.js');
  await build({ entryPoints: [join(ROOT, 'src/server/main.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', external: NODE_EXTERNALS, logLevel: 'silent' });
  const data = mkdtempSync(join(tmpdir(), 'ra-bench-server-'));
  const children: ChildProcess[] = [];
  try {
    // --profile DIR writes the server's V8 CPU profile there, to find what limits the figures
    const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
    // wss:// with the LAN certificate the server makes for a team, which the clients trust (pin)
    const certificate = await generateLanCertificate('127.0.0.1');
    const tls = ['--tls-cert', join(data, 'cert.pem'), '--tls-key', join(data, 'key.pem')];
    writeFileSync(tls[1], certificate.cert);
    writeFileSync(tls[3], certificate.key, { mode: 0o600 });
    const server = spawn(process.execPath, [...profile, bundle, '--port', '0', '--data', data, ...tls, ...LOAD_FROM_ONE_ADDRESS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let serverLog = '';
    server.stderr!.on('data', (chunk: Buffer) => (serverLog = (serverLog + chunk.toString()).slice(-4096)));
    server.once('exit', (code, signal) => code !== 0 && signal !== 'SIGTERM' && console.error(`server exited (${code ?? signal}):\n${serverLog}`));
    children.push(server);
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        const line = chunk.toString().split('\n').find((l) => l.startsWith('{"listening"'));
        if (line) resolve((JSON.parse(line) as { listening: string }).listening);
      });
      server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const baseRss = rssMb(server.pid!, 'VmRSS');

    if (!url.startsWith('wss://')) throw new Error(`the server listens at ${url}, not wss://`);
    const { workers, all } = await startWorkers([url], clients, WORKERS, certificate.cert);
    children.push(...workers);

    let started = performance.now();
    await all('connect');
    const connectS = (performance.now() - started) / 1000;
    const connectRate = Math.round(clients / connectS);
    console.log(`connected and signed in ${clients} clients in ${connectS.toFixed(1)} s (${connectRate}/s)`);

    started = performance.now();
    const contactReplies = await all('contacts');
    const complete = contactReplies.reduce((n, r) => n + (r.complete as number), 0);
    console.log(`contacts: ${complete}/${clients} clients with 4 mutual contacts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const idleRss = rssMb(server.pid!, 'VmRSS');
    console.log(`server RSS: ${baseRss} MB empty, ${idleRss} MB with ${clients} signed-in clients (${Math.round(((idleRss - baseRss) * 1024) / clients)} KB per client)`);

    // the ramp first: its sessions end at once, those of the sustained rate stay open
    const ramp = await rateRamp(all, { rates: RAMP_RATES, stepS: STEP_S, limitMs: P99_LIMIT_MS, invite: { targets: [1, -1], relay: true } });
    console.log(`capacity (p99 of the round trip with the relay ≤ ${P99_LIMIT_MS} ms): ${ramp.capacity} invitations/s`);

    started = performance.now();
    const cpuBefore = cpuMs(server.pid!);
    const workerCpuBefore = workers.map((w) => cpuMs(w.pid!));
    // fewer sharers than invitations (a small run): each must end its session to invite again
    const inviteReplies = await all('invite', { rate, seconds, targets: [1, -1], relay: true, endSessions: rate * seconds > clients / 2 });
    const serverCpuMs = cpuMs(server.pid!) - cpuBefore;
    const workerCpuMs = workers.map((w, i) => Math.round(cpuMs(w.pid!) - workerCpuBefore[i]));
    const sent = inviteReplies.reduce((n, r) => n + (r.sent as number), 0);
    const rtts = inviteReplies.flatMap((r) => r.rtts as number[]).sort((a, b) => a - b);
    const errors = errorTotals(inviteReplies);
    // completed round trips over the sending time, or until the last one completed if the server fell behind
    const spanS = Math.max(...inviteReplies.map((r) => (r.spanMs as number) ?? 0)) / 1000;
    const invitesPerS = Math.round(rtts.length / Math.max(seconds, spanS));
    const peakRss = rssMb(server.pid!, 'VmHWM');
    console.log(`invitations: ${sent} sent at ${rate}/s for ${seconds} s, ${rtts.length} completed round trips (${invitesPerS}/s); error replies over the run: ${JSON.stringify(errors)}`);
    console.log(`server CPU during the invitations: ${Math.round(serverCpuMs)} ms (${(serverCpuMs / Math.max(1, rtts.length)).toFixed(2)} ms per invitation round trip); load processes: ${workerCpuMs.join(' + ')} ms`);
    console.log(`invite round trip ms: p50 ${percentile(rtts, 50).toFixed(1)}, p90 ${percentile(rtts, 90).toFixed(1)}, p99 ${percentile(rtts, 99).toFixed(1)}, max ${rtts.at(-1)?.toFixed(1)}`);
    console.log(`server peak RSS: ${peakRss} MB`);

    // the token-reconnect storm: every client drops at once and signs in again with its device token
    started = performance.now();
    await all('drop');
    const storm = await all('stormResult');
    const times = storm.flatMap((r) => r.times as number[]).sort((a, b) => a - b);
    const stillAway = storm.reduce((n, r) => n + (r.stillAway as number), 0);
    const stormErrors = errorTotals(storm);
    console.log(`reconnect storm: ${times.length}/${clients} clients signed in again with their token in ${((performance.now() - started) / 1000).toFixed(1)} s (p50 ${round1(percentile(times, 50))} ms, p99 ${round1(percentile(times, 99))} ms, max ${round1(times.at(-1) ?? NaN)} ms); still away after a minute: ${stillAway}; error replies over the run: ${JSON.stringify(stormErrors)}`);
    // the machine may be shared: say how busy it was, since the round trip tail depends on it
    console.log(`load average at the end (1/5 min) on ${cpus().length} cores: ${loadavg().slice(0, 2).map((l) => l.toFixed(1)).join(' / ')}`);
    for (const w of workers) w.send({ op: 'exit' });
    const summary = {
      bench: 'server',
      clients,
      rss_mb: peakRss,
      invites_per_s: invitesPerS,
      invite_rtt_p50_ms: Number(percentile(rtts, 50).toFixed(1)),
      invite_rtt_p99_ms: Number(percentile(rtts, 99).toFixed(1)),
      tls: true,
      relay_in_rtt: true,
      capacity_invites_per_s: ramp.capacity,
      reconnect_p50_ms: round1(percentile(times, 50)),
      reconnect_p99_ms: round1(percentile(times, 99)),
    };
    saveRun('server', startedAt, summary, { rate, seconds, stepS: STEP_S, connectS: round1(connectS), ramp: ramp.steps, errors, storm: { reconnected: times.length, stillAway, errors: stormErrors, times: times.map(round1) } });
    console.log(JSON.stringify(summary));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(data, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
