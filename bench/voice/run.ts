/**
 * Voice benchmark: mouth-to-ear latency on loopback, both directions, through the product's path with the
 * helper in headless Chromium (wrtc host voice ⇄ Chromium VoiceBridge ⇄ HelperVoice), plus the CPU the
 * sharer's side spends per second of talk. Prints a table and, last, one JSON line.
 *   npx tsx bench/voice/run.ts [rounds=6]
 */
import SimplePeer from 'simple-peer';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostVoice } from '../../src/host/audio/HostVoice';
import { loadWrtcAudio } from '../../src/host/audio/WrtcAudio';
import { ChannelPort } from '../../src/host/peer/ChannelPort';
import { HostVoiceEvent, VOICE_CHANNEL } from '../../src/protocol/voice';
import { openPanelPage } from '../../test/audio/support/panelPage';
import { startPulseAudio } from '../../test/audio/support/pulseaudio';
import { mouthToEar, sayAndHear, speak } from '../../test/audio/support/speech';

const TARGET_MS = 250;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

async function waitFor(events: HostVoiceEvent[], type: HostVoiceEvent['type']): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!events.some((e) => e.type === type)) {
    if (Date.now() > deadline) throw new Error(`no ${type}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 6);
  const pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
  const page = await openPanelPage({ ...pulse.env, PULSE_SINK: 'browser_out' });
  const sharerEvents: HostVoiceEvent[] = [];
  const helperEvents: HostVoiceEvent[] = [];
  const peer = new SimplePeer({ initiator: true, trickle: true, wrtc: loadWrtcAudio() as unknown as SimplePeer.Options['wrtc'] });
  const pc = (peer as unknown as { _pc: RTCPeerConnection })._pc;
  const port = new ChannelPort(pc.createDataChannel(VOICE_CHANNEL.label, { negotiated: true, id: VOICE_CHANNEL.id, ordered: true }));
  const sharer = new HostVoice(peer, port, (e) => sharerEvents.push(e), { env: pulse.env });
  const helper = new HelperVoice((m) => page.toPanel(m), { env: pulse.env });
  helper.onEvent((e) => helperEvents.push(e));
  page.onPanel((e) => helper.receive(e));
  peer.on('signal', (d) => page.signal(d));
  page.onSignal((d) => peer.signal(d as SimplePeer.SignalData));
  try {
    await Promise.all([page.connected, new Promise((r) => peer.once('connect', r))]);
    await sharer.handle({ type: 'voiceStart', input: 'sharer_mic', output: 'sharer_speaker', echoCancel: false });
    await helper.handle({ type: 'voiceStart', input: 'helper_mic', output: 'helper_speaker', echoCancel: false });
    await Promise.all([waitFor(sharerEvents, 'voiceStarted'), waitFor(helperEvents, 'voiceStarted')]);
    const sentence = await speak(pulse.dir, 's', 'Remote assistance voice check, one two three four five.');
    // Warm up: the renegotiated tracks and jitter buffers settle.
    await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentence);
    await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentence);

    const results = { sharerToHelper: [] as number[], helperToSharer: [] as number[], correlations: [] as number[] };
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    for (let i = 0; i < rounds; i++) {
      for (const [key, feed, mouth, ear] of [
        ['sharerToHelper', 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor'],
        ['helperToSharer', 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor'],
      ] as const) {
        const heard = await sayAndHear(pulse, feed, mouth, ear, sentence);
        const match = mouthToEar(heard.mouth, heard.mouthStart, heard.ear, heard.earStart);
        results.correlations.push(match.correlation);
        if (match.correlation >= 0.7) results[key].push(match.latencyMs);
        console.log(`${key.padEnd(15)} round ${i + 1}: ${match.latencyMs.toFixed(0).padStart(4)} ms  (correlation ${match.correlation.toFixed(2)})`);
      }
    }
    const cpu = process.cpuUsage(cpuStart);
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100;
    const summary = {
      bench: 'voice',
      rounds,
      targetMs: TARGET_MS,
      sharerToHelperMedianMs: Math.round(median(results.sharerToHelper)),
      helperToSharerMedianMs: Math.round(median(results.helperToSharer)),
      sharerToHelperMaxMs: Math.round(Math.max(...results.sharerToHelper)),
      helperToSharerMaxMs: Math.round(Math.max(...results.helperToSharer)),
      understoodRounds: results.sharerToHelper.length + results.helperToSharer.length,
      minCorrelation: Math.round(Math.min(...results.correlations) * 100) / 100,
      /** Both Node sides (host voice + helper voice) share this process; Chromium and PulseAudio are apart. */
      nodeCpuPercent: Math.round(cpuPercent * 10) / 10,
      loadAverage: (await import('os')).loadavg()[0],
    };
    console.log(`median mouth-to-ear: sharer→helper ${summary.sharerToHelperMedianMs} ms, helper→sharer ${summary.helperToSharerMedianMs} ms (target ≤ ${TARGET_MS} ms)`);
    console.log(JSON.stringify(summary));
  } finally {
    await helper.dispose();
    await sharer.dispose();
    port.dispose();
    peer.destroy();
    await page.close();
    await pulse.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
