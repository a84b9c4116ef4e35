/**
 * Voice benchmark: mouth-to-ear latency both directions through the product's whole path — the sharer's real
 * host process (HostSupervisor on Xvfb, VoiceService) and the helper's shipped panel in headless Chromium
 * (VoiceBridge + worklet) with HelperVoice in Node — with echo cancellation on, as users get it. Each stage's
 * cost is timed from where the sentence's onset passes it (REMOTE_ASSIST_VOICE_TRACE in the Node processes,
 * a probe in the page), and when a direction misses its target the stage that grew against
 * bench/voice/baseline.json is named. Prints a table and, last, one JSON line.
 *   npx tsx bench/voice/run.ts [rounds=20] [--shaped | --link slow] [--arrivals=FILE]
 * --no-save: keeps no raw result (bench/results/voice/<start>.json otherwise, voice-shaped/ with --shaped).
 * --arrivals: writes when each PCM message reached the panel ([ms, samples, loud]) for bench/voice/replayWorklet.ts.
 * --shaped (or --link slow): the host process and Chromium run in two NetLab namespaces (test/support/netlab, prefix
 * `vo`, created and removed by the run) on one LAN whose link to the helper is shaped to 2 Mbit/s, 80 ms round trip,
 * 0.5 % loss each way.
 */
import { readFileSync, rmSync, writeFileSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';
import { OnsetDetector } from '../../src/common/audio/OnsetDetector';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostVoiceEndpoint } from '../../src/audio/HostVoiceEndpoint';
import { TalkController } from '../../src/common/audio/TalkController';
import { silentLogger } from '../../src/common/logger';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { buildHost } from '../../test/host/support/buildHost';
import { startXvfb } from '../../test/support/xvfb';
import { chromiumIn, NetLab } from '../../test/support/netlab';
import { ProductPanel } from '../../test/audio/support/productPanel';
import { startPulseAudio } from '../../test/audio/support/pulseaudio';
import { HEARD, mouthToEar, sayAndHear, speak } from '../../test/audio/support/speech';
import { pageClockOffset } from '../pageClock';
import { saveRun } from '../resultsStore';
import { qualityFor } from '../../src/session/QualityPresets';

const TARGET_MS = 150;
const SHAPE = { rateKbit: 2000, delayMs: 40, lossPct: 0.5 };

function median(values: number[]): number | null {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor((s.length - 1) / 2)]) : null;
}

/** Wall-clock time of the first speech onset in a recording that started at `start`. */
function onsetIn(samples: Int16Array, start: number): number | undefined {
  const detector = new OnsetDetector();
  for (let i = 0; i + 480 <= samples.length; i += 480) if (detector.push(samples.subarray(i, i + 480))) return start + i / 48;
  return undefined;
}

/**
 * The points a sentence passes, in order, and the stage that ends at each:
 *  mouth → mic: capture (parec through the echo canceller, framing) on the speaker's machine;
 *  mic → panelIn: the extension → webview crossing (helper's microphone PCM);
 *  panelIn → play: the AudioWorklet source, Opus, the link, libwebrtc's jitter buffer in the host process;
 *  mic → panelOut: Opus, the link, Chromium's jitter buffer, the tap worklet (sharer's voice);
 *  panelOut → play: the webview → extension crossing;
 *  play → ear: the speaker (our pipe, pacat, the PulseAudio sink).
 */
const STAGES = {
  sharerToHelper: [['mic', 'capture'], ['panelOut', 'webrtc'], ['play', 'crossing'], ['ear', 'speaker']],
  helperToSharer: [['mic', 'capture'], ['panelIn', 'crossing'], ['play', 'webrtc'], ['ear', 'speaker']],
} as const;
type Direction = keyof typeof STAGES;

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
  const args = process.argv.slice(2);
  const shaped = args.includes('--shaped') || args.includes('--link=slow') || args.join(' ').includes('--link slow');
  const loadStart = loadavg()[0];
  const traceFile = join(tmpdir(), `ra-voice-trace-${process.pid}.jsonl`);
  writeFileSync(traceFile, '');
  process.env.REMOTE_ASSIST_VOICE_TRACE = traceFile;
  const readTrace = (since: number) =>
    readFileSync(traceFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { point: string; pid: number; at: number; value?: number })
      .filter((o) => o.at >= since)
      .map((o) => ({ ...o, point: o.point === 'speakerQueue' ? `${o.pid === process.pid ? 'helper' : 'host'}SpeakerQueue` : o.point }));
  const lab = shaped ? await NetLab.create({ prefix: 'vo' }) : undefined;
  const display = await startXvfb(640, 480);
  const pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
  let panel: ProductPanel | undefined;
  let supervisor: HostSupervisor | undefined;
  try {
    if (lab) {
      await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['sharer', 'helper'] });
      await lab.shape('helper', SHAPE);
    }
    panel = await ProductPanel.open(
      { ...pulse.env, PULSE_SINK: 'browser_out' },
      lab ? { executablePath: chromiumIn(lab, 'helper'), serve: (dir) => serveInNamespace(lab, 'helper', dir) } : {},
    );
    supervisor = new HostSupervisor({
      hostScript: await buildHost(),
      nodePath: lab?.executable('sharer', process.execPath),
      env: { ...process.env, ...pulse.env, DISPLAY: display.display },
    });
    await run(rounds, shaped, loadStart, pulse, panel, supervisor, readTrace);
  } finally {
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    await panel?.close();
    await pulse.stop();
    await display.stop();
    await lab?.dispose();
    rmSync(traceFile, { force: true });
  }
}

/** A static file server on the namespace's own loopback, where its Chromium can load the panel. */
async function serveInNamespace(lab: NetLab, host: string, dir: string): Promise<string> {
  await lab.exec(host, 'ip', ['link', 'set', 'lo', 'up']);
  const port = 8080;
  lab.spawn(host, 'python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const r = await lab.exec(host, 'python3', ['-c', `import urllib.request; urllib.request.urlopen('${origin}/')`]).then(() => true, () => false);
    if (r) return origin;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('the panel server in the namespace did not start');
}

async function run(
  rounds: number,
  shaped: boolean,
  loadStart: number,
  pulse: Awaited<ReturnType<typeof startPulseAudio>>,
  panel: ProductPanel,
  supervisor: HostSupervisor,
  readTrace: (since: number) => { point: string; at: number; value?: number }[],
): Promise<void> {
  const endpoint = new HostVoiceEndpoint(supervisor, silentLogger);
  const helperVoice = new HelperVoice((m) => panel.post(m), { env: pulse.env });
  const common = { askToTalk: async () => true, history: () => undefined, showError: (m: string) => console.error(m), log: silentLogger };
  // The product's defaults: echo cancellation on, open microphone.
  const sharer = new TalkController({ ...common, peerName: 'Bob', endpoint, settings: () => ({ input: 'sharer_mic', output: 'sharer_speaker', echoCancel: true, micMode: 'open' }) });
  const helper = new TalkController({ ...common, peerName: 'Alice', endpoint: helperVoice, settings: () => ({ input: 'helper_mic', output: 'helper_speaker', echoCancel: true, micMode: 'open' }) });
  let connected = false;
  panel.onMessage = (m) => {
    if (m.type === 'viewerSignal') supervisor.signal(m.payload);
    else if (m.type === 'viewerConnected') connected = true;
    else if (m.type === 'viewerVoicePeer' || m.type === 'viewerVoicePcm' || m.type === 'viewerVoiceError') helperVoice.receive(m);
  };
  supervisor.onSignal((payload) => panel.post({ type: 'viewerSignal', payload }));
  try {
    // The product's default screen quality (Auto) shares the link with the voice, as users get it.
    supervisor.start({ quality: qualityFor('Auto') });
    await until('the viewer to connect', () => connected);
    sharer.start();
    await until('both sides live', () => sharer.current.live && helper.current.live);
    const sentence = await speak(pulse.dir, 's', 'Remote assistance voice check, one two three four five.');
    // Warm up: the renegotiated tracks and jitter buffers settle.
    await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentence);
    await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentence);

    const latency: Record<Direction, number[]> = { sharerToHelper: [], helperToSharer: [] };
    const stageMs: Record<Direction, Record<string, number[]>> = { sharerToHelper: {}, helperToSharer: {} };
    const buffers: Record<string, number[]> = {};
    const correlations: number[] = [];
    /** Each round as printed, kept with the run (bench/results/voice). */
    const roundLog: Record<string, unknown>[] = [];
    const startedAt = new Date();
    // The page's onsets are on its clock: calibrated as bench/vnc does, and the uncertainty kept with the run.
    const clock = await pageClockOffset(() => panel.now());
    console.log(`panel clock calibrated: offset ${clock.offsetMs.toFixed(2)} ms ±${clock.uncertaintyMs.toFixed(2)} ms`);
    /** Rounds whose ear recording did not match the mouth (not understood), per direction: counted, never hidden. */
    const lost: Record<Direction, number> = { sharerToHelper: 0, helperToSharer: 0 };
    /** Stage times below zero (a clock or probe fault): kept in the medians and counted. */
    let negativeStages = 0;
    let jb = await panel.audioReceiveTotals();
    const rtpStart = jb;
    /** The worklet's running count of underruns (it ran dry while playing) at the first and last report. */
    const underruns: { first?: number; last?: number } = {};
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    for (let i = 0; i < rounds; i++) {
      for (const [key, feed, mouth, ear] of [
        ['sharerToHelper', 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor'],
        ['helperToSharer', 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor'],
      ] as const) {
        const roundStart = performance.timeOrigin + performance.now();
        await panel.takeVoiceOnsets();
        const heard = await sayAndHear(pulse, feed, mouth, ear, sentence);
        const at: Record<string, number | undefined> = { mouth: onsetIn(heard.mouth, heard.mouthStart), ear: onsetIn(heard.ear, heard.earStart) };
        const values: Record<string, number[]> = {};
        const pageOnsets = (await panel.takeVoiceOnsets()).map((o) => ({ ...o, at: o.at - clock.offsetMs }));
        for (const o of [...readTrace(roundStart), ...pageOnsets]) {
          if (o.value === undefined) at[o.point] ??= o.at;
          else (values[o.point] ??= []).push(o.value);
        }
        if (values.workletUnderruns?.length) {
          underruns.first ??= Math.min(...values.workletUnderruns);
          underruns.last = Math.max(...values.workletUnderruns);
        }
        if (key === 'sharerToHelper') {
          const now = await panel.audioReceiveTotals();
          values.panelJitterBuffer = [((now.jitterBufferDelay - jb.jitterBufferDelay) / Math.max(1, now.emitted - jb.emitted)) * 1000];
          jb = now;
        }
        // Buffers that serve this direction.
        const mine = key === 'sharerToHelper' ? ['panelJitterBuffer', 'helperSpeakerQueue'] : ['panelInJitter', 'workletQueue', 'workletTarget', 'hostJitterBuffer', 'hostSpeakerQueue'];
        const bufferText = mine.map((k) => {
          const m = median(values[k] ?? []);
          if (m !== null) (buffers[k] ??= []).push(m);
          return `${k} ${m ?? '?'}`;
        });
        const stageText = STAGES[key].map(([point, stage], n) => {
          const from = at[n === 0 ? 'mouth' : STAGES[key][n - 1][0]];
          const to = at[point];
          if (from === undefined || to === undefined) return `${stage} ?`;
          (stageMs[key][stage] ??= []).push(to - from);
          if (to - from < 0) negativeStages++;
          return `${stage} ${(to - from).toFixed(0)}`;
        });
        const match = mouthToEar(heard.mouth, heard.mouthStart, heard.ear, heard.earStart);
        correlations.push(match.correlation);
        if (match.correlation >= HEARD) latency[key].push(match.latencyMs);
        else lost[key]++;
        roundLog.push({ direction: key, round: i + 1, latencyMs: Math.round(match.latencyMs), correlation: Math.round(match.correlation * 100) / 100, stages: stageText, buffers: bufferText });
        console.log(
          `${key.padEnd(15)} round ${String(i + 1).padStart(2)}: ${match.latencyMs.toFixed(0).padStart(4)} ms (correlation ${match.correlation.toFixed(2)}) ` +
            `${stageText.join(' | ')}  [${bufferText.join(', ')}]`,
        );
      }
    }
    const arrivalsFile = process.argv.find((a) => a.startsWith('--arrivals='))?.slice('--arrivals='.length);
    if (arrivalsFile) writeFileSync(arrivalsFile, JSON.stringify(await panel.takeArrivals()));
    const cpu = process.cpuUsage(cpuStart);
    const rtpEnd = await panel.audioReceiveTotals();
    const rtpSeconds = (performance.now() - wallStart) / 1000;
    const stages = (key: Direction) => Object.fromEntries(STAGES[key].map(([, stage]) => [`${stage}Ms`, median(stageMs[key][stage] ?? [])]));
    const summary = {
      bench: 'voice',
      link: shaped ? `${SHAPE.rateKbit} kbit/s, ${SHAPE.delayMs * 2} ms RTT, ${SHAPE.lossPct} % loss` : 'loopback',
      echoCancel: true,
      rounds,
      targetMs: TARGET_MS,
      sharerToHelperMedianMs: median(latency.sharerToHelper),
      helperToSharerMedianMs: median(latency.helperToSharer),
      understoodRounds: latency.sharerToHelper.length + latency.helperToSharer.length,
      /** Rounds not understood (correlation below HEARD), per direction: out of the medians, counted here. */
      lostRounds: lost,
      /** Mouth-to-ear samples below zero among the understood (a clock fault): in the medians, counted here. */
      negativeLatencies: [...latency.sharerToHelper, ...latency.helperToSharer].filter((ms) => ms < 0).length,
      negativeStages,
      quality: 'auto',
      clockUncertaintyMs: Math.round(clock.uncertaintyMs * 100) / 100,
      minCorrelation: Math.round(Math.min(...correlations) * 100) / 100,
      sharerToHelperStages: stages('sharerToHelper'),
      helperToSharerStages: stages('helperToSharer'),
      buffersMedianMs: Object.fromEntries(Object.entries(buffers).map(([k, v]) => [k, median(v)])),
      /** Times the panel's microphone worklet ran dry while playing (each one a gap in the helper's voice). */
      workletUnderruns: underruns.last !== undefined ? underruns.last - (underruns.first ?? 0) : null,
      /** Opus packets a second each way (50: 20 ms packets, 100: 10 ms), counted in the panel. */
      audioPacketsPerSecond: {
        sharerToHelper: Math.round((rtpEnd.packetsReceived - rtpStart.packetsReceived) / rtpSeconds),
        helperToSharer: Math.round((rtpEnd.packetsSent - rtpStart.packetsSent) / rtpSeconds),
      },
      /** The helper's extension-side voice (HelperVoice, parec/pacat pipes) and the test's recorders share this process. */
      helperNodeCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 1000) / 10,
      loadAverage1mStart: Math.round(loadStart * 10) / 10,
      loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
    };
    console.log(`not understood: sharer→helper ${lost.sharerToHelper} of ${rounds}, helper→sharer ${lost.helperToSharer} of ${rounds}; negative samples: ${summary.negativeLatencies} mouth-to-ear, ${negativeStages} stage times`);
    console.log(`median mouth-to-ear: sharer→helper ${summary.sharerToHelperMedianMs} ms, helper→sharer ${summary.helperToSharerMedianMs} ms (target ≤ ${TARGET_MS} ms)`);
    if (!shaped) for (const key of ['sharerToHelper', 'helperToSharer'] as const) explainMiss(key, summary[`${key}MedianMs`], summary[`${key}Stages`]);
    if (!process.argv.includes('--no-save')) saveRun(shaped ? 'voice-shaped' : 'voice', startedAt, summary, { rounds: roundLog });
    console.log(JSON.stringify(summary));
  } finally {
    sharer.dispose();
    helper.dispose();
    await helperVoice.dispose();
    endpoint.dispose();
  }
}

/** A direction over its target: which stage grew most against the baseline (bench/voice/baseline.json). */
function explainMiss(key: Direction, medianMs: number | null, stages: Record<string, number | null>): void {
  if (medianMs !== null && medianMs <= TARGET_MS) return;
  const baseline = (JSON.parse(readFileSync(join(__dirname, 'baseline.json'), 'utf8')) as Record<Direction, Record<string, number>>)[key];
  const growth = Object.entries(stages)
    .map(([stage, ms]) => ({ stage, ms: ms ?? NaN, grew: (ms ?? NaN) - (baseline[stage] ?? 0) }))
    .filter((g) => !Number.isNaN(g.grew))
    .sort((a, b) => b.grew - a.grew);
  const text = growth.map((g) => `${g.stage.replace(/Ms$/, '')} ${g.ms} ms (${g.grew >= 0 ? '+' : ''}${g.grew} vs ${baseline[g.stage]})`).join(', ');
  console.log(`${key} missed ${TARGET_MS} ms (median ${medianMs ?? 'none heard'}): grew most: ${growth[0]?.stage.replace(/Ms$/, '') ?? '?'} — ${text}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
