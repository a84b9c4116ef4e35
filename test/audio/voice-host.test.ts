/**
 * Start Talking as users go through it, end to end on one machine: the sharer's TalkController drives the
 * real host process (HostSupervisor → dist/host.js on Xvfb → VoiceService); the helper's TalkController drives
 * HelperVoice, bridged to the shipped panel (production HTML and CSP, panel bundle with RemoteViewer and
 * VoiceBridge, worklet bundle) in headless Chromium, its messages routed as HelperSession routes them.
 * Prompts answer as a user would; audio is spoken by espeak-ng into each side's virtual microphone and
 * recorded from the other side's speaker.
 */
import assert from 'assert';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostVoiceEndpoint } from '../../src/audio/HostVoiceEndpoint';
import { VoiceTexts } from '../../src/common/audio/VoiceTexts';
import { silentLogger } from '../../src/common/logger';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { buildHost } from '../host/support/buildHost';
import { startXvfb, XDisplay } from '../support/xvfb';
import { ProductPanel } from './support/productPanel';
import { TestPulseAudio, startPulseAudio } from './support/pulseaudio';
import { HEARD, dbfs, hearSentence, sayAndHear, speak } from './support/speech';
import { TalkUser as User, until } from './support/talkUser';

describe('Start Talking end to end (host process on Xvfb, helper panel in Chromium)', function () {
  this.timeout(180_000);
  let display: XDisplay;
  let pulse: TestPulseAudio;
  let panel: ProductPanel;
  let supervisor: HostSupervisor;
  let hostEndpoint: HostVoiceEndpoint;
  let helperVoice: HelperVoice;
  const alice = new User('sharer');
  const bob = new User('helper');
  let sentenceA: string;
  let sentenceB: string;
  const latencies: string[] = [];

  before(async () => {
    display = await startXvfb(640, 480);
    pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
    sentenceA = await speak(pulse.dir, 'a', 'Please open the terminal and run the build again.');
    sentenceB = await speak(pulse.dir, 'b', 'I can see the error now, it is on line forty two.');
    panel = await ProductPanel.open({ ...pulse.env, PULSE_SINK: 'browser_out' });
    helperVoice = new HelperVoice((m) => panel.post(m), { env: pulse.env });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: { ...process.env, ...pulse.env, DISPLAY: display.display } });
    hostEndpoint = new HostVoiceEndpoint(supervisor, silentLogger);
    alice.attach('Bob', hostEndpoint);
    bob.attach('Alice', helperVoice);
    let connected = false;
    // What HelperSession does with the panel's reports.
    panel.onMessage = (m) => {
      if (m.type === 'viewerSignal') supervisor.signal(m.payload);
      else if (m.type === 'viewerConnected') connected = true;
      else if (m.type === 'viewerVoicePeer' || m.type === 'viewerVoicePcm' || m.type === 'viewerVoiceError') helperVoice.receive(m);
    };
    supervisor.onSignal((payload) => panel.post({ type: 'viewerSignal', payload }));
    supervisor.start({ quality: { maxKbps: 1000, fps: 10, scale: 1 } });
    await until('the panel\'s viewer to connect', () => connected);
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

  it('Bob asks, Alice declines: Bob reads it and no audio starts', async () => {
    alice.answer = false;
    bob.controller.start();
    assert.strictEqual(bob.phase, 'asking');
    await until('Bob to read the answer', () => bob.history.includes(VoiceTexts.declinedBy('Alice')));
    assert.deepStrictEqual(alice.prompts, [VoiceTexts.askToTalk('Bob')]);
    assert.deepStrictEqual(alice.history, [VoiceTexts.youDeclined('Bob')]);
    assert.strictEqual(alice.phase, 'idle');
    assert.strictEqual(bob.phase, 'idle');
    assert.ok(!alice.controller.current.live && !bob.controller.current.live);
  });

  it('Bob asks again, Alice accepts: both hear each other, meters move, histories say so', async () => {
    alice.answer = true;
    bob.controller.start();
    await until('both to be live', () => alice.controller.current.live && bob.controller.current.live);
    assert.ok(alice.history.includes(VoiceTexts.started('Bob')) && bob.history.includes(VoiceTexts.started('Alice')));

    const toBob = await hearSentence(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(toBob.correlation >= HEARD, `Bob hears Alice (correlation ${toBob.correlation.toFixed(2)}); page: ${panel.problems.join(' | ')}`);
    latencies.push(`Alice→Bob ${toBob.latencyMs.toFixed(0)} ms`);
    const toAlice = await hearSentence(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(toAlice.correlation >= HEARD, `Alice hears Bob (correlation ${toAlice.correlation.toFixed(2)})`);
    latencies.push(`Bob→Alice ${toAlice.latencyMs.toFixed(0)} ms`);
    // The sharer's voice is a stream of its own (not lip-synced to the screen): the remote desktop still shows the screen's video.
    assert.deepStrictEqual(await panel.videoTrackKinds(), ['video']);
    assert.deepStrictEqual(panel.problems, [], 'no CSP violation or page error in the shipped panel');
  });

  it('the level meters show speech on each side', async () => {
    const seen = { aliceLocal: 0, aliceRemote: 0, bobLocal: 0, bobRemote: 0 };
    const subs = [
      alice.controller.onDidChange((v) => ((seen.aliceLocal = Math.max(seen.aliceLocal, v.local)), (seen.aliceRemote = Math.max(seen.aliceRemote, v.remote)))),
      bob.controller.onDidChange((v) => ((seen.bobLocal = Math.max(seen.bobLocal, v.local)), (seen.bobRemote = Math.max(seen.bobRemote, v.remote)))),
    ];
    await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    subs.forEach((s) => s.dispose());
    assert.ok(seen.aliceLocal > 0.5, `Alice's microphone meter (${seen.aliceLocal.toFixed(2)})`);
    assert.ok(seen.bobRemote > 0.5, `Bob's speaker meter (${seen.bobRemote.toFixed(2)})`);
    assert.ok(seen.bobLocal < 0.2, `Bob's microphone meter stays low while he is quiet (${seen.bobLocal.toFixed(2)})`);
  });

  it('Bob mutes: Alice hears silence and reads that he muted', async () => {
    bob.controller.setMuted(true);
    await until('Alice to read it', () => alice.history.includes(VoiceTexts.peerMuted('Bob', true)));
    const heard = await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(dbfs(heard.mouth) > -40, 'Bob spoke');
    assert.ok(dbfs(heard.ear) < -70, `Alice heard silence (${dbfs(heard.ear).toFixed(1)} dBFS)`);
    bob.controller.setMuted(false);
  });

  it('Alice stops: both sides go quiet and Bob reads who ended it', async () => {
    alice.controller.stop();
    await until('Bob to read it', () => bob.history.includes(VoiceTexts.stoppedBy('Alice')));
    assert.ok(alice.history.includes(VoiceTexts.stopped));
    assert.strictEqual(bob.phase, 'idle');
    await until('Bob\'s audio to stop', () => !bob.controller.current.live);
    const heard = await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(dbfs(heard.ear) < -70, `Bob hears nothing (${dbfs(heard.ear).toFixed(1)} dBFS)`);
  });

  it('an answer nobody asked for starts nothing on the sharer\'s side', async () => {
    helperVoice.send({ type: 'voicePeer', message: { type: 'talkAnswer', accept: true } });
    const heard = await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.strictEqual(alice.phase, 'idle');
    assert.ok(!alice.controller.current.live);
    assert.ok(dbfs(heard.ear) < -70, `nothing sent (${dbfs(heard.ear).toFixed(1)} dBFS)`);
  });

  it('refuses bad voice messages from the panel and from the sharer\'s side, and changes nothing', async () => {
    const errors: string[] = [];
    const sub = helperVoice.onEvent((e) => e.type === 'voiceError' && errors.push(e.message));
    helperVoice.receive({ type: 'viewerVoicePcm', pcm: 'not bytes' });
    helperVoice.receive({ type: 'viewerVoicePcm', pcm: new Uint8Array(961) });
    helperVoice.receive({ type: 'viewerVoicePeer', message: { type: 'talkAnswer' } });
    supervisor.sendService('voice', { type: 'voiceStart', input: '--server=tcp:evil' });
    await until('the errors', () => errors.length >= 3);
    sub.dispose();
    assert.match(errors.join('\n'), /invalid viewerVoicePcm/);
    assert.match(errors.join('\n'), /invalid viewerVoicePeer/);
    assert.strictEqual(alice.phase, 'idle');
    assert.strictEqual(bob.phase, 'idle');
    assert.ok(!alice.controller.current.live && !bob.controller.current.live);
  });

    it('a missing microphone gives Alice a clear message and ends the request on both sides', async () => {
    alice.settings = { ...alice.settings, input: 'usb_headset' };
    alice.controller.start();
    await until('Alice to see the error', () => alice.errors.length > 0);
    assert.match(alice.errors[0], /The audio device chosen in Remote Assist settings is not present\. \(microphone "usb_headset" not found\)/);
    await until('both idle', () => alice.phase === 'idle' && bob.phase === 'idle');
  });
});
