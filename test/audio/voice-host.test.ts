/**
 * Start Talking through the real host process: HostSupervisor forks dist/host.js on an Xvfb display, its
 * VoiceService answers the extension's commands; the helper is the panel page in headless Chromium with the
 * helper's audio in Node (HelperVoice). The sharer's voice goes host → Chromium → helper's speaker.
 */
import assert from 'assert';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostSupervisor } from '../../src/host/supervisor';
import { parseMessage } from '../../src/protocol/validate';
import { HostVoiceCommand, HostVoiceEvent, VOICE_SERVICE } from '../../src/protocol/voice';
import { startXvfb, XDisplay } from '../support/xvfb';
import { buildHost } from '../host/support/buildHost';
import { PanelPage, openPanelPage } from './support/panelPage';
import { TestPulseAudio, startPulseAudio } from './support/pulseaudio';
import { dbfs, hearSentence, sayAndHear, speak } from './support/speech';

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('voice through the host process (HostSupervisor, Xvfb, Chromium helper)', function () {
  this.timeout(150_000);
  let display: XDisplay;
  let pulse: TestPulseAudio;
  let page: PanelPage;
  let supervisor: HostSupervisor;
  let helper: HelperVoice;
  const hostEvents: HostVoiceEvent[] = [];
  const helperEvents: HostVoiceEvent[] = [];
  const hostErrors: string[] = [];
  let connected = false;
  let sentence: string;

  const toHost = (command: HostVoiceCommand) => supervisor.sendService(VOICE_SERVICE, command);

  before(async () => {
    display = await startXvfb(640, 480);
    pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
    sentence = await speak(pulse.dir, 'a', 'Please open the terminal and run the build again.');
    page = await openPanelPage({ ...pulse.env, PULSE_SINK: 'browser_out' });
    helper = new HelperVoice((m) => page.toPanel(m), (e) => helperEvents.push(e), { env: pulse.env });
    page.onPanel((e) => helper.receive(e));
    const env: NodeJS.ProcessEnv = { ...process.env, ...pulse.env, DISPLAY: display.display };
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env });
    supervisor.onSignal((payload) => page.signal(payload));
    page.onSignal((payload) => supervisor.signal(payload as Record<string, unknown>));
    supervisor.onConnected(() => (connected = true));
    supervisor.onError((e) => hostErrors.push(e.message));
    // The host is a separate process: its events are validated here as the extension does.
    supervisor.onService(({ service, message }) => {
      if (service === VOICE_SERVICE) hostEvents.push(parseMessage(HostVoiceEvent, message));
    });
    supervisor.start({ quality: { maxKbps: 1000, fps: 10, scale: 1 } });
    await until('host and page to connect', () => connected);
    await page.connected;
  });

  after(async () => {
    await helper?.dispose();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    await page?.close();
    await pulse?.stop();
    await display?.stop();
  });

  it('the helper asks, the sharer accepts, and the helper hears the sharer', async () => {
    await helper.handle({ type: 'voicePeer', message: { type: 'talkRequest' } });
    await until('the host to report the request', () => hostEvents.some((e) => e.type === 'voicePeer'));
    assert.deepStrictEqual(hostEvents.find((e) => e.type === 'voicePeer'), { type: 'voicePeer', message: { type: 'talkRequest' } });
    toHost({ type: 'voicePeer', message: { type: 'talkAnswer', accept: true } });
    toHost({ type: 'voiceStart', input: 'sharer_mic', output: 'sharer_speaker', echoCancel: false });
    await until('the host to start talking', () => hostEvents.some((e) => e.type === 'voiceStarted'));
    await until('the helper to get the answer', () => helperEvents.some((e) => e.type === 'voicePeer'));
    await helper.handle({ type: 'voiceStart', input: 'helper_mic', output: 'helper_speaker', echoCancel: false });

    const heard = await hearSentence(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentence);
    assert.ok(heard.correlation >= 0.7, `helper hears the sharer (correlation ${heard.correlation.toFixed(2)}); host errors: ${hostErrors.join(' | ')}; page: ${page.log.join(' | ')}`);
    console.log(`      mouth-to-ear via the host process and Chromium: ${heard.latencyMs.toFixed(0)} ms`);
    await until('the host meter', () => hostEvents.some((e) => e.type === 'voiceLevel' && e.local > 0.3));
  });

  it('the sharer\'s Stop Talking silences the host', async () => {
    toHost({ type: 'voiceStop' });
    await until('the host to stop', () => hostEvents.some((e) => e.type === 'voiceStopped'));
    const heard = await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentence);
    assert.ok(dbfs(heard.ear) < -70, `helper hears nothing (${dbfs(heard.ear).toFixed(1)} dBFS)`);
  });

  it('a bad voice command to the host is refused with a clear error', async () => {
    supervisor.sendService(VOICE_SERVICE, { type: 'voiceStart', input: '--server=tcp:evil' });
    await until('the host to refuse', () => hostEvents.some((e) => e.type === 'voiceError'));
    assert.match(JSON.stringify(hostEvents.find((e) => e.type === 'voiceError')), /invalid voiceStart/);
    assert.ok(!hostEvents.slice(-3).some((e) => e.type === 'voiceStarted'));
  });
});
