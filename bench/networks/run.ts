/**
 * npm run bench:networks — the product and x11vnc + noVNC side by side over shaped links (issue 12):
 * the network lab puts the sharer (our host process, or x11vnc) and the helper (our viewer, or noVNC, in
 * Chromium) in two namespaces and shapes the sharer's link per profile. Per profile and system: time to
 * connect, screen latency (a patch changes colour → the viewer shows it) and frames/s and kbit/s under
 * full-screen motion — the vs-VNC bench's latency and motion scenes (playScene: warm-up, scene, pixel check),
 * bytes counted on the helper's interface — and for ours the chat delay (helper → sharer) while the
 * screen moves. Ours runs the Auto preset. Raw results go to bench/results/networks/<start time>.json (bench/resultsStore.ts); the last line
 * is the JSON summary. Needs root (namespaces).
 * Then the paths (paths.ts: the five ICE scenarios of test/netlab/paths.test.ts, each a real session whose
 * selected pair must be the scenario's), rejoin (rejoin/measure.ts: ms from the link returning after a 10 s
 * cut to "Connected" again) and files (files.ts: the engine vs scp over a 100 Mbit/s, 20 ms access link,
 * rounds taking turns; files_link_pct is our median % of the link).
 * Options: `--only screen,paths,rejoin,files` runs just those parts (default all); BENCH_TRIALS (latency
 * trials, default 15), BENCH_MOTION_S (default 10), BENCH_PROFILES (comma-separated names: slow, medium,
 * fast), BENCH_SYSTEMS (vnc,ours), BENCH_DEBUG (x11vnc's log), BENCH_REJOIN_CUTS (default 3),
 * BENCH_FILES_ROUNDS (default 5), BENCH_FILES_MB (file size, default 128), BENCH_FILES_LINK
 * (RATE_KBIT,RTT_MS of the files link instead of 100000,20), BENCH_NETLAB_PREFIX (two letters
 * starting the lab's namespace names instead of rk/rkf/rr, so two checkouts' benches can run at once).
 */
import { chromiumIn, NetLab, PUBLIC } from '../../test/support/netlab';
import { labPrefix } from './labPrefix';
import { startXvfb } from '../../test/support/xvfb';
import { VethCounters } from '../vnc/Netns';
import { buildHost, OursSystem } from '../vnc/OursSystem';
import { xvfbPid } from '../vnc/ProcessMeter';
import { ScenePlayer } from '../vnc/ScenePlayer';
import { playScene, SceneContext, SceneOptions } from '../vnc/scenes';
import { MATRIX, SystemSpec, SystemUnderTest } from '../vnc/SystemUnderTest';
import { VncSystem } from '../vnc/VncSystem';
import { saveRun } from '../resultsStore';
import type { RejoinFigures } from '../rejoin/measure';
import { FILES_LINK, filesOverLink, FilesFigures } from './files';
import { measurePaths, PathFigures } from './paths';

const WIDTH = 1920;
const HEIGHT = 1080;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const PROFILES = {
  slow: { rateKbit: 256, delayMs: 150, lossPct: 1 },
  medium: { rateKbit: 2000, delayMs: 40, lossPct: 0.5 },
  fast: { rateKbit: 100_000, delayMs: 10, lossPct: 0 },
} as const;
type ProfileName = keyof typeof PROFILES;
type SystemName = 'ours' | 'vnc';
/** Ours with the Auto preset, x11vnc as installed (websockify in front, see VncSystem.startInLab). */
const SPECS: Record<SystemName, SystemSpec> = {
  ours: MATRIX.find((s) => s.id === 'ours-auto') as SystemSpec,
  vnc: MATRIX.find((s) => s.id === 'x11vnc-default') as SystemSpec,
};

interface SystemFigures {
  connectMs?: number;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
  latencyMissed?: number;
  fps?: number;
  kbps?: number;
  chatP95Ms?: number;
  chatMs?: number[];
  errors: string[];
}

function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? undefined : Math.round(v * 10) / 10);

/** While the motion scene scrolls the screen, sends a chat line every 400 ms; the delay of each to reach the host. */
async function chatDuringMotion(system: OursSystem, player: ScenePlayer, scene: Promise<unknown>): Promise<number[]> {
  const delays: number[] = [];
  let done = false;
  const settle = () => void (done = true);
  scene.then(settle, settle);
  while (!done && !player.moving()) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; !done && player.moving(); i++) {
    const text = `chat ${i} ${Date.now()}`;
    const sent = performance.now();
    await system.viewer.page.evaluate((t) => window.benchOurs.sendChat(t), text);
    const deadline = sent + 10_000;
    while (!system.chats.some((c) => c.text === text) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const got = system.chats.find((c) => c.text === text);
    delays.push(got ? got.atMs - sent : Infinity);
    await new Promise((r) => setTimeout(r, 400));
  }
  return delays;
}

const PARTS = ['screen', 'paths', 'rejoin', 'files'] as const;
type Part = (typeof PARTS)[number];

/** `--only a,b` (or `--only=a,b`): the parts to run; all by default. */
function partsToRun(argv: readonly string[]): Set<Part> {
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (at < 0) return new Set(PARTS);
  const value = argv[at].includes('=') ? argv[at].slice('--only='.length) : argv[at + 1];
  const parts = (value ?? '').split(',').filter(Boolean);
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (parts.length === 0 || unknown.length) throw new Error(`--only takes ${PARTS.join(', ')} (comma-separated); got ${value}`);
  return new Set(parts as Part[]);
}

const median = (values: number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const startedAt = new Date();
  const parts = partsToRun(process.argv.slice(2));
  const results: Record<string, Record<SystemName, SystemFigures>> = parts.has('screen') ? await screenProfiles() : {};
  let paths: PathFigures | undefined;
  let rejoin: RejoinFigures | undefined;
  let files: FilesFigures | undefined;
  const errors: Record<string, string> = {};
  // A part that fails is reported and leaves the others' figures standing.
  const part = async (name: Part, what: string, run: () => Promise<void>) => {
    if (!parts.has(name)) return;
    log(`${name}: ${what}`);
    await run().catch((err: Error) => {
      errors[name] = err.message.split('\n')[0];
      log(`  ${name} failed: ${errors[name]}`);
    });
  };
  await part('paths', 'test/netlab/paths.test.ts', async () => void (paths = await measurePaths(log)));
  await part('rejoin', "10 s cuts of the sharer's link", async () => {
    // loaded only here: it brings the whole server and session stack
    const { measureRejoin } = await import('../rejoin/measure');
    rejoin = await measureRejoin({ cuts: Number(process.env.BENCH_REJOIN_CUTS ?? 3), cutMs: 10_000, log: (line) => log(`  ${line}`) });
  });
  await part('files', `${FILES_LINK.rateKbit! / 1000} Mbit/s, ${FILES_LINK.delayMs! * 2} ms RTT access link, ours and scp taking turns`, async () => {
    files = await filesOverLink({ rounds: Number(process.env.BENCH_FILES_ROUNDS ?? 5), bytes: Number(process.env.BENCH_FILES_MB ?? 128) * 1024 * 1024, log });
    const range = (s: FilesFigures['ours']) => `median ${s.medianPct} % (${s.minPct}–${s.maxPct} %, ${s.runs} runs)`;
    log(`files   ours: ${range(files.ours)} of the link; scp: ${range(files.scp)}`);
  });
  for (const [name, r] of Object.entries(results)) {
    log(`${name.padEnd(7)} ours: connect ${r.ours.connectMs} ms, latency p50 ${r.ours.latencyP50Ms} ms, ${r.ours.fps} fps, ${r.ours.kbps} kbit/s, chat p95 ${r.ours.chatP95Ms} ms`);
    log(`${''.padEnd(7)} vnc:  connect ${r.vnc.connectMs} ms, latency p50 ${r.vnc.latencyP50Ms} ms, ${r.vnc.fps} fps, ${r.vnc.kbps} kbit/s`);
  }
  const connects = [...Object.values(results).map((r) => r.ours.connectMs), ...Object.values(paths?.connectMs ?? {})].filter((v): v is number => v !== undefined);
  const summary = {
    bench: 'networks',
    stun_ok: paths?.ok.stun_ok ?? null,
    turn_udp_ok: paths?.ok.turn_udp_ok ?? null,
    turn_tcp_ok: paths?.ok.turn_tcp_ok ?? null,
    turns_443_ok: paths?.ok.turns_443_ok ?? null,
    connect_p50_ms: round(percentile(connects, 50)) ?? null,
    slow_chat_p95_ms: results.slow?.ours.chatP95Ms ?? null,
    slow_latency_p50_ms: results.slow?.ours.latencyP50Ms ?? null,
    vnc_slow_latency_p50_ms: results.slow?.vnc.latencyP50Ms ?? null,
    rejoin_ms: rejoin ? (round(median(rejoin.rejoinMs)) ?? null) : null,
    files_link_pct: files?.ours.medianPct ?? null,
    files_scp_link_pct: files?.scp.medianPct ?? null,
  };
  saveRun('networks', startedAt, summary, {
    parts: [...parts],
    errors,
    settings: { profiles: PROFILES, display: `${WIDTH}x${HEIGHT}`, ours: 'preset Auto' },
    results,
    paths,
    rejoin,
    files,
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

/** The screen part: ours and x11vnc + noVNC per shaped profile. */
async function screenProfiles(): Promise<Record<string, Record<SystemName, SystemFigures>>> {
  const trials = Number(process.env.BENCH_TRIALS ?? 15);
  const motionSeconds = Number(process.env.BENCH_MOTION_S ?? 10);
  const options: SceneOptions = { trials, seconds: motionSeconds, idleSeconds: 0 };
  const profiles = (process.env.BENCH_PROFILES?.split(',') ?? Object.keys(PROFILES)) as ProfileName[];
  await buildHost();
  const lab = await NetLab.create({ prefix: labPrefix('rk') });
  const display = await startXvfb(WIDTH, HEIGHT);
  const results: Record<string, Record<SystemName, SystemFigures>> = {};
  let player: ScenePlayer | undefined;
  try {
    // The sharer behind its office's router, whose access link is shaped (NetLab.shapeSite: the bottleneck
    // queue and delay in the router, as on a real link, so TCP and UDP meet the same link); the helper on the
    // public side, reached through the router's NAT (ours: ICE, the helper's host candidate; VNC: a port forward).
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['sharer'] });
    const sharer = lab.host('sharer').address;
    // every byte between sharer and helper crosses the office's port on the public bridge: rx = the helper's down
    const helperBytes = async (): Promise<VethCounters> => {
      const { stdout } = await lab.exec(PUBLIC, 'cat', ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets'].map((c) => `/sys/class/net/w-office/statistics/${c}`));
      const [downBytes, upBytes, downPackets, upPackets] = stdout.trim().split('\n').map(Number);
      return { downBytes, upBytes, downPackets, upPackets };
    };
    player = await ScenePlayer.open(display.display);
    const xvfb = xvfbPid(display.display);
    for (const name of profiles) {
      await lab.shapeSite('office', PROFILES[name]);
      log(`profile ${name}: ${JSON.stringify(PROFILES[name])}`);
      results[name] = { ours: { errors: [] }, vnc: { errors: [] } };
      for (const systemName of (process.env.BENCH_SYSTEMS?.split(',') ?? ['vnc', 'ours']) as SystemName[]) {
        const r = results[name][systemName];
        let system: SystemUnderTest | undefined;
        try {
          const started = performance.now();
          system =
            systemName === 'ours'
              ? await OursSystem.start(SPECS.ours, display.display, WIDTH, HEIGHT, { nodePath: lab.executable('sharer', process.execPath), chromiumPath: chromiumIn(lab, PUBLIC) })
              : await VncSystem.startInLab(SPECS.vnc, display.display, WIDTH, HEIGHT, {
                  spawn: (command, args) => lab.spawn('sharer', command, args, { stdio: ['ignore', 'ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore'] }),
                  address: sharer,
                  chromiumPath: chromiumIn(lab, PUBLIC),
                  listening: async (port) => (await lab.exec('sharer', 'ss', ['-Hltn'])).stdout.includes(`:${port} `),
                  expose: (port) => lab.forwardTcp('sharer', port),
                });
          r.connectMs = round(performance.now() - started);
          const ctx: SceneContext = { system, player, xvfbPid: xvfb, log, wire: helperBytes };
          const latency = await playScene(ctx, 'latency', options);
          const ms = latency.latencyMs ?? [];
          r.latencyP50Ms = round(percentile(ms, 50));
          r.latencyP95Ms = round(percentile(ms, 95));
          r.latencyMissed = latency.missed;
          const motion = playScene(ctx, 'motion', options);
          if (system instanceof OursSystem) {
            // the scene must have ended before the system is disposed, also when chatting failed
            const chats = await chatDuringMotion(system, player, motion).catch(async (err: Error) => {
              await motion.catch(() => undefined);
              throw err;
            });
            r.chatMs = chats.map((c) => round(c) ?? -1);
            r.chatP95Ms = round(percentile(chats, 95));
          }
          const m = await motion;
          r.fps = round(m.fps);
          r.kbps = round(m.costs?.downKbps);
          log(`  ${systemName}: ${JSON.stringify({ ...r, chatMs: undefined })}`);
        } catch (err) {
          r.errors.push((err as Error).message.split('\n')[0]);
          log(`  ${systemName} failed: ${r.errors.at(-1)}`);
        } finally {
          await system?.dispose().catch((err: Error) => log(`  cleanup: ${err.message}`));
        }
      }
    }
  } finally {
    await player?.dispose();
    await display.stop();
    await lab.dispose();
  }
  return results;
}

// A session part's late promise (e.g. a message posted to a panel already closed after a failed rejoin)
// must not end the run and lose the other parts' figures.
process.on('unhandledRejection', (err: Error) => log(`  unhandled: ${err?.message?.split('\n')[0] ?? err}`));

main().then(
  // libwebrtc can crash while the event loop drains: leave explicitly
  () => process.exit(0),
  (err: Error) => {
    log(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
