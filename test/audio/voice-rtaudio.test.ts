/**
 * Start Talking with the sharer's voice through RtAudio (audify), the backend Windows and macOS use, run here
 * through RtAudio's PulseAudio API (REMOTE_ASSIST_AUDIO=rtaudio): a real session — the host process on Xvfb,
 * the helper's shipped panel in headless Chromium — with espeak-ng speaking into the sharer's virtual
 * microphone (captured by RtAudio) and the helper's speech played by RtAudio into the sharer's speaker, whose
 * monitor is recorded; both must hold the sentence.
 */
import assert from 'assert';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostVoiceEndpoint } from '../../src/audio/HostVoiceEndpoint';
import { VoiceTexts } from '../../src/common/audio/VoiceTexts';
import { silentLogger } from '../../src/common/logger';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { HostVoiceEvent } from '../../src/protocol/voice';
import { buildHost } from '../host/support/buildHost';
import { startXvfb, XDisplay } from '../support/xvfb';
import { ProductPanel } from './support/productPanel';
import { TestPulseAudio, startPulseAudio } from './support/pulseaudio';
import { HEARD, hearSentence, speak } from './support/speech';
import { TalkUser, until } from './support/talkUser';

describe('Start Talking with the sharer on RtAudio (audify), the Windows and macOS backend', function () {
  this.timeout(120_000);
  let display: XDisplay;
  let pulse: TestPulseAudio;
  let panel: ProductPanel;
  let supervisor: HostSupervisor;
  let hostEndpoint: HostVoiceEndpoint;
  let helperVoice: HelperVoice;
  const hostEvents: HostVoiceEvent[] = [];
  // RtAudio names devices as the system describes them, as Windows and macOS do.
  const alice = new TalkUser('sharer', { input: 'sharer-microphone', output: 'sharer-speaker' });
  const bob = new TalkUser('helper');
  const latencies: string[] = [];

  before(async () => {
    display = await startXvfb(320, 240);
    pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
    panel = await ProductPanel.open({ ...pulse.env, PULSE_SINK: 'browser_out' });
    helperVoice = new HelperVoice((m) => panel.post(m), { env: pulse.env });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: { ...process.env, ...pulse.env, DISPLAY: display.display, REMOTE_ASSIST_AUDIO: 'rtaudio' } });
    hostEndpoint = new HostVoiceEndpoint(supervisor, silentLogger);
    hostEndpoint.onEvent((e) => hostEvents.push(e));
    alice.attach('Bob', hostEndpoint);
    bob.attach('Alice', helperVoice);
    let connected = false;
    panel.onMessage = (m) => {
      if (m.type === 'viewerSignal') supervisor.signal(m.payload);
      else if (m.type === 'viewerConnected') connected = true;
      else if (m.type === 'viewerVoicePeer' || m.type === 'viewerVoicePcm' || m.type === 'viewerVoiceError') helperVoice.receive(m);
    };
    supervisor.onSignal((payload) => panel.post({ type: 'viewerSignal', payload }));
    supervisor.start({ quality: { maxKbps: 500, fps: 5, scale: 1 } });
    await until("the panel's viewer to connect", () => connected);
  });

  after(async () => {
    alice.controller?.dispose();
    bob.controller?.dispose();
    await helperVoice?.dispose();
    hostEndpoint?.dispose();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    await panel?.close();
    await pulse?.stop();
    await display?.stop();
    if (latencies.length) console.log(`      mouth-to-ear: ${latencies.join(', ')}`);
  });

  it('a missing microphone gives Alice the clear message, from RtAudio\'s device list', async () => {
    alice.settings = { ...alice.settings, input: 'USB Headset (Logitech)' };
    bob.controller.start();
    await until('Alice to see the error', () => alice.errors.length > 0);
    assert.match(alice.errors[0], /The audio device chosen in Remote Assist settings is not present\. \(microphone "USB Headset \(Logitech\)" not found\)/);
    await until('both idle', () => alice.phase === 'idle' && bob.phase === 'idle');
    alice.settings = { ...alice.settings, input: 'sharer-microphone', echoCancel: true };
  });

  it('Bob asks, Alice accepts: RtAudio captures her sentence for Bob and plays his sentence to her', async () => {
    const sentenceA = await speak(pulse.dir, 'a', 'Please open the terminal and run the build again.');
    const sentenceB = await speak(pulse.dir, 'b', 'I can see the error now, it is on line forty two.');
    bob.controller.start();
    await until('both to be live', () => alice.controller.current.live && bob.controller.current.live);
    const started = hostEvents.find((e) => e.type === 'voiceStarted');
    // RtAudio offers no echo cancellation: the host says so, and Alice reads the advice.
    assert.deepStrictEqual(started, { type: 'voiceStarted', input: 'sharer-microphone', output: 'sharer-speaker', echoCancel: false });
    assert.ok(alice.history.includes(VoiceTexts.noEchoCancel), alice.history.join(' | '));

    const toBob = await hearSentence(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(toBob.correlation >= HEARD, `Bob hears Alice through RtAudio's capture (correlation ${toBob.correlation.toFixed(2)})`);
    latencies.push(`Alice→Bob ${toBob.latencyMs.toFixed(0)} ms`);
    const toAlice = await hearSentence(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(toAlice.correlation >= HEARD, `Alice hears Bob through RtAudio's playback (correlation ${toAlice.correlation.toFixed(2)})`);
    latencies.push(`Bob→Alice ${toAlice.latencyMs.toFixed(0)} ms`);
    alice.controller.stop();
    await until('Bob to read it', () => bob.history.includes(VoiceTexts.stoppedBy('Alice')));
  });
});
