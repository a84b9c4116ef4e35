/** The voice engine's own rules: framing, meter, mute / push-to-talk, and the Start Talking handshake. */
import assert from 'assert';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AudioError } from '../../src/common/audio/AudioError';
import { FRAME_BYTES, FRAME_SAMPLES } from '../../src/common/audio/AudioFormat';
import { LevelMeter, frameDbfs } from '../../src/common/audio/LevelMeter';
import { MicGate } from '../../src/common/audio/MicGate';
import { PcmFramer } from '../../src/common/audio/PcmFramer';
import { VoiceCallState, VoiceCallStateError } from '../../src/common/audio/VoiceCallState';
import { VOICE_SETTING_KEYS, readVoiceSettings } from '../../src/audio/voiceSettings';
import type { TalkView } from '../../src/common/audio/TalkController';
import { meter, statusText } from '../../src/audio/VoiceStatus';
import { resampleLinear } from '../../src/host/audio/AudioTrackReceiver';
import { parseMessage } from '../../src/protocol/validate';
import { HostVoiceCommand, PanelVoiceCommand, PanelVoiceEvent, VOICE_FRAME_BYTES, VOICE_PCM_MAX_BYTES, VoicePeerMessage } from '../../src/protocol/voice';
import { HEARD, mouthToEar, speak } from './support/speech';

function tone(amplitude: number): Int16Array {
  const f = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < f.length; i++) f[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000));
  return f;
}

describe('voice engine', () => {
  it('cuts any chunking of the byte stream into whole 10 ms frames, in fresh buffers', () => {
    const bytes = Buffer.alloc(FRAME_BYTES * 3 + 100);
    for (let i = 0; i < bytes.length / 2; i++) bytes.writeInt16LE((i % 2000) - 1000, i * 2);
    const framer = new PcmFramer();
    const frames = [...framer.push(bytes.subarray(0, 7)), ...framer.push(bytes.subarray(7, 2000)), ...framer.push(bytes.subarray(2000))];
    assert.strictEqual(frames.length, 3);
    for (const [k, frame] of frames.entries()) {
      assert.strictEqual(frame.byteOffset, 0);
      assert.strictEqual(frame.buffer.byteLength, FRAME_BYTES);
      assert.strictEqual(frame[0], ((k * FRAME_SAMPLES) % 2000) - 1000);
    }
    assert.strictEqual(framer.push(Buffer.alloc(FRAME_BYTES - 100)).length, 1, 'the 100-byte remainder carried over');
  });

  it('meters loudness in dBFS with a fast attack and a slow release', () => {
    assert.ok(Math.abs(frameDbfs(tone(32767 / 2)) - -9.03) < 0.1);
    const meter = new LevelMeter();
    assert.strictEqual(meter.update(new Int16Array(FRAME_SAMPLES)), 0);
    const loud = meter.update(tone(16000));
    assert.ok(loud > 0.8, `attack at once (${loud})`);
    const after = meter.update(new Int16Array(FRAME_SAMPLES));
    assert.ok(after < loud && after > loud - 0.05, `release slowly (${after})`);
  });

  it('mutes and gates push-to-talk to digital silence', () => {
    const gate = new MicGate('open');
    const frame = tone(10000);
    assert.strictEqual(gate.apply(frame), frame);
    gate.setMuted(true);
    assert.ok(gate.apply(frame).every((s) => s === 0));
    gate.setMuted(false);
    gate.setMode('pushToTalk');
    assert.ok(gate.apply(frame).every((s) => s === 0), 'silent until the key is held');
    gate.setTalkHeld(true);
    assert.strictEqual(gate.apply(frame), frame);
    gate.setMuted(true);
    assert.ok(gate.apply(frame).every((s) => s === 0), 'mute wins over the key');
  });

  it('resamples the decoder\'s fallback rate to 48 kHz', () => {
    const out = resampleLinear([0, 100, 200, 300], 16_000, 48_000);
    assert.strictEqual(out.length, 12);
    assert.deepStrictEqual([out[0], out[3], out[6]], [0, 100, 200]);
  });

  it('runs the Start Talking handshake and refuses illegal steps', () => {
    const asker = new VoiceCallState();
    const asked = new VoiceCallState();
    assert.strictEqual(asker.apply('localStart'), 'asking');
    assert.strictEqual(asked.apply('remoteStart'), 'asked');
    assert.throws(() => asker.apply('localAccept'), VoiceCallStateError, 'the asker cannot accept its own request');
    assert.strictEqual(asked.apply('localAccept'), 'talking');
    assert.strictEqual(asker.apply('remoteAccept'), 'talking');
    assert.throws(() => asked.apply('remoteStart'), (e: VoiceCallStateError) => e.code === 'ERR_VOICE_STATE');
    assert.strictEqual(asked.phase, 'talking', 'a refused step changes nothing');
    assert.strictEqual(asker.apply('remoteStop'), 'idle');
    assert.throws(() => asker.apply('remoteAccept'), VoiceCallStateError, 'a late accept does not start talking');
    const declined = new VoiceCallState();
    declined.apply('localStart');
    assert.strictEqual(declined.apply('remoteDecline'), 'idle');
  });

  it('validates voice messages on every seam', () => {
    assert.deepStrictEqual(parseMessage(VoicePeerMessage, { type: 'talkAnswer', accept: true }), { type: 'talkAnswer', accept: true });
    assert.throws(() => parseMessage(VoicePeerMessage, { type: 'talkAnswer', accept: 'yes' }), /invalid talkAnswer/);
    assert.deepStrictEqual(parseMessage(HostVoiceCommand, { type: 'voiceStart' }), {
      type: 'voiceStart',
      input: '',
      output: '',
      echoCancel: true,
      micMode: 'open',
    });
    assert.throws(() => parseMessage(HostVoiceCommand, { type: 'voiceStart', input: '--server=x' }), /invalid voiceStart/);
  });

  it('carries PCM across the webview boundary as bytes: whole 10 ms frames, at most 100 ms', () => {
    const pcm = new Uint8Array(2 * VOICE_FRAME_BYTES).fill(3);
    const command = parseMessage(PanelVoiceCommand, { type: 'viewerVoicePcm', pcm });
    assert.ok(command.type === 'viewerVoicePcm' && command.pcm === pcm);
    const event = parseMessage(PanelVoiceEvent, { type: 'viewerVoicePcm', pcm: Buffer.alloc(VOICE_FRAME_BYTES) });
    assert.ok(event.type === 'viewerVoicePcm' && event.pcm.byteLength === VOICE_FRAME_BYTES);
    for (const bad of ['AAAA', new Uint8Array(VOICE_PCM_MAX_BYTES + VOICE_FRAME_BYTES), new Uint8Array(VOICE_FRAME_BYTES + 1), new Uint8Array(0), [1, 2], new Int16Array(480), undefined]) {
      assert.throws(() => parseMessage(PanelVoiceCommand, { type: 'viewerVoicePcm', pcm: bad }), /invalid viewerVoicePcm/);
      assert.throws(() => parseMessage(PanelVoiceEvent, { type: 'viewerVoicePcm', pcm: bad }), /invalid viewerVoicePcm/);
    }
  });
});

describe('voice settings', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown; scope?: string }> } };
  };
  const properties = manifest.contributes.configuration.properties;

  it('reads the defaults the manifest declares', () => {
    const settings = readVoiceSettings((key) => properties[`remoteAssist.${key}`]?.default);
    assert.deepStrictEqual(settings, { input: '', output: '', echoCancel: true, micMode: 'open' });
    for (const key of Object.values(VOICE_SETTING_KEYS)) assert.strictEqual(properties[`remoteAssist.${key}`].scope, 'machine', key);
  });

  it('reads chosen devices and push-to-talk', () => {
    const values: Record<string, unknown> = {
      'voice.microphone': 'alsa_input.usb-headset.mono-fallback',
      'voice.speaker': 'alsa_output.usb-headset.analog-stereo',
      'voice.echoCancellation': false,
      'voice.pushToTalk': true,
    };
    assert.deepStrictEqual(readVoiceSettings((k) => values[k]), {
      input: 'alsa_input.usb-headset.mono-fallback',
      output: 'alsa_output.usb-headset.analog-stereo',
      echoCancel: false,
      micMode: 'pushToTalk',
    });
  });

  it('takes device names as Windows and macOS spell them', () => {
    const settings = readVoiceSettings((k) => (k === 'voice.microphone' ? 'Microphone (USB Audio Device)' : k === 'voice.speaker' ? 'MacBook Pro Speakers' : undefined));
    assert.strictEqual(settings.input, 'Microphone (USB Audio Device)');
    assert.strictEqual(settings.output, 'MacBook Pro Speakers');
  });

  it('refuses a device setting that is not a device name, naming the setting', () => {
    for (const bad of ['--server=tcp:10.0.0.1', 'a\nb', ' leading space', 42, 'x'.repeat(201)]) {
      assert.throws(
        () => readVoiceSettings((k) => (k === 'voice.speaker' ? bad : undefined)),
        (err: AudioError) => err.code === 'ERR_BAD_DEVICE_NAME' && /remoteAssist\.voice\.speaker/.test(err.message),
      );
    }
  });
});

describe('hearing check (the tests\' ear)', function () {
  this.timeout(30_000);
  it('tells the sentence that was said from another one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ra-ear-'));
    try {
      const read = (file: string) => new Int16Array(new Uint8Array(readFileSync(file)).buffer);
      const a = read(await speak(dir, 'a', 'Please open the terminal and run the build again.'));
      const b = read(await speak(dir, 'b', 'I can see the error now, it is on line forty two.'));
      // The same sentence 180 ms later, as a far side would hear it.
      const delayed = new Int16Array(a.length + 48 * 180);
      delayed.set(a, 48 * 180);
      const same = mouthToEar(a, 0, delayed, 0);
      const other = mouthToEar(a, 0, b, 0);
      assert.ok(same.correlation > 0.95 && Math.abs(same.latencyMs - 180) <= 20, `same sentence: ${JSON.stringify(same)}`);
      // Each 1 s piece may take its own lag, so another sentence of the same rhythm finds some match (0.5–0.6
      // between espeak sentences); it stays clear of HEARD.
      assert.ok(other.correlation < HEARD - 0.1, `another sentence is not "heard": ${other.correlation.toFixed(2)}`);
      // A receiver whose jitter buffer grows while it plays: 150 ms late at first, then 80 ms of silence
      // inserted after each second of speech (150 → 310 ms by the end). Every word is there.
      const drifting = new Int16Array(a.length + 48 * (150 + 80 * Math.ceil(a.length / 48_000)));
      for (let from = 0, at = 48 * 150; from < a.length; from += 48_000, at += 48 * 80) drifting.set(a.subarray(from, from + 48_000), at + from);
      const heard = mouthToEar(a, 0, drifting, 0);
      assert.ok(heard.correlation >= HEARD && heard.latencyMs >= 150 && heard.latencyMs <= 310, `drifting delay: ${JSON.stringify(heard)}`);
      const otherDrifting = mouthToEar(a, 0, drifting.map((_, i) => b[i % b.length]), 0);
      assert.ok(otherDrifting.correlation < HEARD - 0.1, `another sentence is not "heard": ${otherDrifting.correlation.toFixed(2)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('voice status bar text', () => {
  const talking: TalkView = { phase: 'talking', live: true, muted: false, peerMuted: false, micMode: 'open', talkHeld: false, local: 1, remote: 0 };
  it('shows both meters while talking, and mute and push-to-talk states', () => {
    assert.strictEqual(meter(0), '  ');
    assert.strictEqual(meter(0.5), '█ ');
    assert.strictEqual(meter(1), '██');
    assert.strictEqual(statusText(talking, 'Bob'), '$(mic-filled) ██  Bob   ');
    assert.strictEqual(statusText({ ...talking, muted: true, peerMuted: true }, 'Bob'), '$(mute) muted  Bob (muted)');
    assert.strictEqual(statusText({ ...talking, micMode: 'pushToTalk' }, 'Bob'), '$(mic) push-to-talk  Bob   ');
    assert.strictEqual(statusText({ ...talking, phase: 'asking' }, 'Bob'), '$(mic) Waiting for Bob…');
    assert.strictEqual(statusText({ ...talking, phase: 'idle' }, 'Bob'), undefined);
  });
});
