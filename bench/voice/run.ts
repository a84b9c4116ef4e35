/**
 * Voice benchmark: mouth-to-ear latency on loopback, both directions, through the product's whole path —
 * the sharer's real host process (HostSupervisor on Xvfb, VoiceService) and the helper's shipped panel in
 * headless Chromium (VoiceBridge + worklet) with HelperVoice in Node — plus the Node CPU of the helper's
 * side and the host process's. Prints a table and, last, one JSON line.
 *   npx tsx bench/voice/run.ts [rounds=6]
 */
import { readFileSync, writeFileSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';
import { OnsetDetector } from '../../src/audio/OnsetDetector';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostVoiceEndpoint } from '../../src/audio/HostVoiceEndpoint';
import { TalkController } from '../../src/audio/TalkController';
import { silentLogger } from '../../src/common/logger';
import { HostSupervisor } from '../../src/host/supervisor';
import { buildHost } from '../../test/host/support/buildHost';
import { startXvfb } from '../../test/support/xvfb';
import { ProductPanel } from '../../test/audio/support/productPanel';
import { startPulseAudio } from '../../test/audio/support/pulseaudio';
import { HEARD, mouthToEar, sayAndHear, speak } from '../../test/audio/support/speech';

const TARGET_MS = 250;

function median(values: number[]): number | null {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor((s.length - 1) / 2)]) : null;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wall-clock time of the first speech onset in a recording that started at `start`. */
function onsetIn(samples: Int16Array, start: number): number | undefined {
  const detector = new OnsetDetector();
  for (let i = 0; i + 480 <= samples.length; i += 480) if (detector.push(samples.subarray(i, i + 480))) return start + i / 48;
  return undefined;
}

const STAGES = {
  sharerToHelper: ['mouth', 'mic', 'panelOut', 'play', 'ear'],
  helperToSharer: ['mouth', 'mic', 'panelIn', 'play', 'ear'],
} as const;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 6);
  const traceFile = join(tmpdir(), `ra-voice-trace-${process.pid}.jsonl`);
  writeFileSync(traceFile, '');
  process.env.REMOTE_ASSIST_VOICE_TRACE = traceFile;
  const readTrace = (since: number) =>
    readFileSync(traceFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { point: string; pid: number; at: number; value?: number }).map((o) => ({ ...o, point: o.point === 'speakerQueue' ? `${o.pid === process.pid ? 'helper' : 'host'}SpeakerQueue` : o.point })).filter((o) => o.at >= since);
  const display = await startXvfb(640, 480);
  const pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
  const panel = await ProductPanel.open({ ...pulse.env, PULSE_SINK: 'browser_out' });
  const supervisor = new HostSupervisor({ hostScript: await buildHost(), env: { ...process.env, ...pulse.env, DISPLAY: display.display } });
  const endpoint = new HostVoiceEndpoint(supervisor, silentLogger);
  const helperVoice = new HelperVoice((m) => panel.post(m), { env: pulse.env });
  const common = { askToTalk: async () => true, history: () => undefined, showError: (m: string) => console.error(m), log: silentLogger };
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
    supervisor.start({ quality: { maxKbps: 1000, fps: 10, scale: 1 } });
    await until('the viewer to connect', () => connected);
    sharer.start();
    await until('both sides live', () => sharer.current.live && helper.current.live);
    const sentence = await speak(pulse.dir, 's', 'Remote assistance voice check, one two three four five.');
    // Warm up: the renegotiated tracks and jitter buffers settle.
    await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentence);
    await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentence);

    const results = { sharerToHelper: [] as number[], helperToSharer: [] as number[], correlations: [] as number[], jitterBufferMs: [] as number[] };
    let jb = await panel.audioReceiveTotals();
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
        const onsets = [...readTrace(roundStart), ...(await panel.takeVoiceOnsets())];
        const at: Record<string, number | undefined> = { mouth: onsetIn(heard.mouth, heard.mouthStart), ear: onsetIn(heard.ear, heard.earStart) };
        const values: Record<string, number[]> = {};
        for (const o of onsets) {
          if (o.value === undefined) at[o.point] ??= o.at;
          else (values[o.point] ??= []).push(o.value);
        }
        const valueText = Object.entries(values).map(([k, v]) => `${k} ${median(v)}`).join(', ');
        const stages = STAGES[key].slice(1).map((p, i) => {
          const a = at[STAGES[key][i]];
          const b = at[p];
          return `${p} ${a !== undefined && b !== undefined ? (b - a).toFixed(0) : '?'}`;
        });
        const match = mouthToEar(heard.mouth, heard.mouthStart, heard.ear, heard.earStart);
        results.correlations.push(match.correlation);
        if (match.correlation >= HEARD) results[key].push(match.latencyMs);
        let extra = '';
        if (key === 'sharerToHelper') {
          // The helper's WebRTC jitter buffer over this round: the largest share of mouth-to-ear.
          const now = await panel.audioReceiveTotals();
          const ms = ((now.jitterBufferDelay - jb.jitterBufferDelay) / Math.max(1, now.emitted - jb.emitted)) * 1000;
          jb = now;
          results.jitterBufferMs.push(ms);
          extra = `, panel jitter buffer ${ms.toFixed(0)} ms`;
        }
        console.log(`${key.padEnd(15)} round ${i + 1}: ${match.latencyMs.toFixed(0).padStart(4)} ms  (correlation ${match.correlation.toFixed(2)}${extra}) ${stages.join(' | ')} [${valueText}]`);
      }
    }
    const cpu = process.cpuUsage(cpuStart);
    const summary = {
      bench: 'voice',
      rounds,
      targetMs: TARGET_MS,
      sharerToHelperMedianMs: median(results.sharerToHelper),
      helperToSharerMedianMs: median(results.helperToSharer),
      understoodRounds: results.sharerToHelper.length + results.helperToSharer.length,
      minCorrelation: Math.round(Math.min(...results.correlations) * 100) / 100,
      panelJitterBufferMedianMs: median(results.jitterBufferMs),
      /** The helper's extension-side voice (HelperVoice, parec/pacat pipes) and the test's recorders share this process. */
      helperNodeCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 1000) / 10,
      loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
    };
    console.log(`median mouth-to-ear: sharer→helper ${summary.sharerToHelperMedianMs} ms, helper→sharer ${summary.helperToSharerMedianMs} ms (target ≤ ${TARGET_MS} ms)`);
    console.log(JSON.stringify(summary));
  } finally {
    sharer.dispose();
    helper.dispose();
    await helperVoice.dispose();
    endpoint.dispose();
    await supervisor.stop().catch(() => undefined);
    supervisor.dispose();
    await panel.close();
    await pulse.stop();
    await display.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
