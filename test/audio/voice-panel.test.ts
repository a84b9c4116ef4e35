/**
 * Start Talking with the helper in a real browser, as in the product: the sharer's host voice on a wrtc peer
 * in Node; the helper's panel page in headless Chromium (simple-peer + VoiceBridge + AudioWorklet); the helper's
 * microphone and speaker opened in Node by HelperVoice, as the extension does, and bridged to the page.
 */
import assert from 'assert';
import SimplePeer from 'simple-peer';
import { HelperVoice } from '../../src/audio/HelperVoice';
import { HostVoice } from '../../src/host/audio/HostVoice';
import { loadWrtcAudio } from '../../src/host/audio/WrtcAudio';
import { ChannelPort } from '../../src/host/peer/ChannelPort';
import { HostVoiceEvent, VOICE_CHANNEL } from '../../src/protocol/voice';
import { PanelPage, openPanelPage } from './support/panelPage';
import { TestPulseAudio, startPulseAudio } from './support/pulseaudio';
import { HEARD, dbfs, hearSentence, sayAndHear, speak } from './support/speech';

class Events {
  readonly list: HostVoiceEvent[] = [];
  push = (e: HostVoiceEvent) => this.list.push(e);
  async next<T extends HostVoiceEvent['type']>(type: T, timeoutMs = 20_000): Promise<Extract<HostVoiceEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.list.findIndex((e) => e.type === type);
      if (i >= 0) return this.list.splice(i, 1)[0] as Extract<HostVoiceEvent, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} event; got ${JSON.stringify(this.list.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('voice with the helper in the panel (headless Chromium)', function () {
  this.timeout(150_000);
  let pulse: TestPulseAudio;
  let page: PanelPage;
  let sharerPeer: SimplePeer.Instance;
  let sharerPort: ChannelPort;
  let sharer: HostVoice;
  let helper: HelperVoice;
  const sharerEvents = new Events();
  const helperEvents = new Events();
  let sentenceA: string;
  let sentenceB: string;
  const latencies: number[] = [];

  before(async () => {
    pulse = await startPulseAudio(['sharer', 'helper'], 'load-module module-null-sink sink_name=browser_out');
    sentenceA = await speak(pulse.dir, 'a', 'Please open the terminal and run the build again.');
    sentenceB = await speak(pulse.dir, 'b', 'I can see the error now, it is on line forty two.');
    page = await openPanelPage({ ...pulse.env, PULSE_SINK: 'browser_out' });
    sharerPeer = new SimplePeer({ initiator: true, trickle: true, wrtc: loadWrtcAudio() as unknown as SimplePeer.Options['wrtc'] });
    const pc = (sharerPeer as unknown as { _pc: RTCPeerConnection })._pc;
    sharerPort = new ChannelPort(pc.createDataChannel(VOICE_CHANNEL.label, { negotiated: true, id: VOICE_CHANNEL.id, ordered: true }));
    sharer = new HostVoice(sharerPeer, sharerPort, sharerEvents.push, { env: pulse.env });
    helper = new HelperVoice((m) => page.toPanel(m), { env: pulse.env });
    helper.onEvent(helperEvents.push);
    page.onPanel((e) => helper.receive(e));
    sharerPeer.on('signal', (d) => page.signal(d));
    page.onSignal((d) => sharerPeer.signal(d as SimplePeer.SignalData));
    await Promise.all([page.connected, new Promise((r) => sharerPeer.once('connect', r))]);
    const deadline = Date.now() + 10_000;
    while (!sharerPort.isOpen) {
      if (Date.now() > deadline) throw new Error('voice channel did not open');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  after(async () => {
    await helper?.dispose();
    await sharer?.dispose();
    sharerPort?.dispose();
    sharerPeer?.destroy();
    await page?.close();
    await pulse?.stop();
    if (latencies.length) console.log(`      mouth-to-ear latency via Chromium: ${latencies.map((l) => l.toFixed(0)).join(' ms, ')} ms`);
  });

  it('the sharer asks, the helper accepts, and each hears the other', async () => {
    await sharer.handle({ type: 'voicePeer', message: { type: 'talkRequest' } });
    assert.deepStrictEqual((await helperEvents.next('voicePeer')).message, { type: 'talkRequest' });
    await helper.handle({ type: 'voicePeer', message: { type: 'talkAnswer', accept: true } });
    await helper.handle({ type: 'voiceStart', input: 'helper_mic', output: 'helper_speaker', echoCancel: false });
    await helperEvents.next('voiceStarted');
    assert.deepStrictEqual((await sharerEvents.next('voicePeer')).message, { type: 'talkAnswer', accept: true });
    await sharer.handle({ type: 'voiceStart', input: 'sharer_mic', output: 'sharer_speaker', echoCancel: false });
    await sharerEvents.next('voiceStarted');

    const toHelper = await hearSentence(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(toHelper.correlation >= HEARD, `helper hears the sharer (correlation ${toHelper.correlation.toFixed(2)}); page log: ${page.log.join(' | ')}`);
    latencies.push(toHelper.latencyMs);
    const toSharer = await hearSentence(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(toSharer.correlation >= HEARD, `sharer hears the helper (correlation ${toSharer.correlation.toFixed(2)}); page log: ${page.log.join(' | ')}`);
    latencies.push(toSharer.latencyMs);
    const levels = helperEvents.list.filter((e) => e.type === 'voiceLevel');
    assert.ok(levels.some((l) => l.type === 'voiceLevel' && l.local > 0.3) && levels.some((l) => l.type === 'voiceLevel' && l.remote > 0.3), 'the helper\'s meters moved both ways');
  });

  it('the helper\'s mute reaches the sharer as silence', async () => {
    await helper.handle({ type: 'voiceMute', muted: true });
    const heard = await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(dbfs(heard.mouth) > -40, 'the helper spoke');
    assert.ok(dbfs(heard.ear) < -70, `the sharer heard silence (${dbfs(heard.ear).toFixed(1)} dBFS)`);
    await helper.handle({ type: 'voiceMute', muted: false });
  });

  it('Stop Talking on the helper\'s side ends playback there', async () => {
    await helper.handle({ type: 'voicePeer', message: { type: 'talkStop' } });
    await helper.handle({ type: 'voiceStop' });
    await helperEvents.next('voiceStopped');
    assert.deepStrictEqual((await sharerEvents.next('voicePeer')).message, { type: 'talkStop' });
    const heard = await sayAndHear(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(dbfs(heard.ear) < -80, `the helper's speaker is silent (${dbfs(heard.ear).toFixed(1)} dBFS)`);
  });

  it('rejects bad messages from the page and from the sharer, and changes nothing', async () => {
    helperEvents.list.length = 0;
    helper.receive({ type: 'viewerVoicePcm', pcm: 'not base64!' });
    helper.receive({ type: 'viewerVoicePeer', message: { type: 'talkAnswer' } });
    sharerPort.channel.send('{"type":"talkRequest","extra":' + '1'.repeat(300) + '}');
    const errors = [await helperEvents.next('voiceError'), await helperEvents.next('voiceError'), await helperEvents.next('voiceError')];
    const text = errors.map((e) => e.message).join('\n');
    assert.match(text, /invalid viewerVoicePcm/);
    assert.match(text, /invalid viewerVoicePeer/);
    assert.match(text, /the sharer sent an invalid voice message: message exceeds 256 bytes/);
    assert.ok(!helperEvents.list.some((e) => e.type === 'voicePeer' || e.type === 'voiceStarted'));
  });
});
