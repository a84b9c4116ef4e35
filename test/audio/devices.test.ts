/** The audio system as a user's machine presents it: devices, defaults, and clear errors when it is missing. */
import assert from 'assert';
import { AudioError } from '../../src/common/audio/AudioError';
import { LocalVoice } from '../../src/common/audio/LocalVoice';
import { PulseAudioSystem } from '../../src/common/audio/PulseAudioSystem';
import { TestPulseAudio, startPulseAudio } from './support/pulseaudio';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AudioError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AudioError, `expected AudioError, got ${err}`);
    assert.strictEqual(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('audio devices', function () {
  this.timeout(60_000);
  let pulse: TestPulseAudio;
  let bare: TestPulseAudio;

  before(async () => {
    pulse = await startPulseAudio(['sharer', 'helper']);
    // A machine with speakers and no microphone (a null sink's monitor is not a microphone).
    bare = await startPulseAudio([], 'load-module module-null-sink sink_name=only_speaker');
  });
  after(async () => {
    await pulse?.stop();
    await bare?.stop();
  });

  it('lists microphones and speakers with descriptions, without monitors', async () => {
    const devices = await new PulseAudioSystem(pulse.env).devices();
    assert.deepStrictEqual(
      devices.inputs.map((d) => d.name),
      ['sharer_mic', 'helper_mic'],
    );
    assert.deepStrictEqual(devices.inputs[0].description, 'sharer-microphone');
    assert.ok(devices.outputs.some((d) => d.name === 'helper_speaker' && d.description === 'helper-speaker'));
    assert.strictEqual(devices.defaultInput, 'sharer_mic');
    assert.strictEqual(devices.defaultOutput, 'sharer_speaker');
  });

  it('resolves the system default and a chosen device', async () => {
    const system = new PulseAudioSystem(pulse.env);
    assert.deepStrictEqual(await system.resolve('', ''), { input: 'sharer_mic', output: 'sharer_speaker' });
    assert.deepStrictEqual(await system.resolve('helper_mic', 'helper_speaker'), { input: 'helper_mic', output: 'helper_speaker' });
  });

  it('says clearly when there is no audio system', async () => {
    const env = { ...pulse.env, PULSE_SERVER: `unix:${pulse.dir}/no-such-socket` };
    await rejectsWith(new PulseAudioSystem(env).probe(), 'ERR_NO_AUDIO_SYSTEM');
    await rejectsWith(LocalVoice.open({ input: '', output: '', echoCancel: true, micMode: 'open', env }), 'ERR_NO_AUDIO_SYSTEM');
    // Without the tools installed at all.
    await rejectsWith(new PulseAudioSystem({ ...pulse.env, PATH: '/nonexistent' }).probe(), 'ERR_NO_AUDIO_SYSTEM');
  });

  it('says clearly when there is no microphone', async () => {
    const err = await rejectsWith(LocalVoice.open({ input: '', output: '', echoCancel: false, micMode: 'open', env: bare.env }), 'ERR_NO_MICROPHONE');
    assert.match(err.message, /no input device/);
  });

  it('refuses a device that is gone and a name that is not a device name, and changes nothing', async () => {
    const system = new PulseAudioSystem(pulse.env);
    await rejectsWith(system.resolve('usb_headset', ''), 'ERR_DEVICE_NOT_FOUND');
    await rejectsWith(system.resolve('', 'usb_headset'), 'ERR_DEVICE_NOT_FOUND');
    for (const bad of ['--server=evil', '../../etc/passwd', 'a b', 'x'.repeat(300)]) {
      await rejectsWith(system.resolve(bad, ''), 'ERR_BAD_DEVICE_NAME');
    }
    const modulesBefore = await pulse.pactl('list', 'short', 'modules');
    await rejectsWith(LocalVoice.open({ input: 'usb_headset', output: '', echoCancel: true, micMode: 'open', env: pulse.env }), 'ERR_DEVICE_NOT_FOUND');
    assert.strictEqual(await pulse.pactl('list', 'short', 'modules'), modulesBefore, 'no module left loaded');
  });
});
