/**
 * Voice's RtAudio backend (audify) on whatever audio this machine has: here a private PulseAudio with virtual
 * devices; on GitHub's Windows and macOS runners (.github/workflows/platforms.yml) WASAPI and CoreAudio.
 * Needs: audify's native binary for this platform (`npm ci` fetches it). Runners have no sound card: there the
 * test checks what it can — the binary loads, the platform's API answers, the device list is read — and that
 * Start Talking without a microphone or speaker fails with the clear error the user would read; with devices
 * (here) it opens them and the microphone delivers 10 ms frames.
 */
import * as assert from 'assert';
import { AudioError } from '../../src/common/audio/AudioError';
import { FRAME_SAMPLES } from '../../src/common/audio/AudioFormat';
import { listRtAudioDevices, rtAudioBackend } from '../../src/common/audio/RtAudioBackend';
import { RtAudioMicrophone } from '../../src/common/audio/RtAudioMicrophone';
import { pollUntil } from '../../scripts/stack/poll';
import { TestPulseAudio, startPulseAudio } from '../audio/support/pulseaudio';

/** The API RtAudio must pick on each platform (getApi()'s display name). */
const EXPECTED_API: Partial<Record<NodeJS.Platform, RegExp>> = { win32: /WASAPI/i, darwin: /Core ?Audio/i, linux: /^Pulse/ };

describe(`platform (${process.platform}): voice through RtAudio (audify) — needs audify's binary for this platform; checks the device list, and opens the devices where the machine has a sound card`, function () {
  this.timeout(60_000);
  let pulse: TestPulseAudio | undefined;
  const saved: NodeJS.ProcessEnv = {};

  before(async function () {
    if (process.platform !== 'linux') return;
    // libpulse (inside RtAudio) reads the server from this process's environment
    pulse = await startPulseAudio(['sharer']);
    for (const key of ['PULSE_SERVER', 'XDG_RUNTIME_DIR', 'PULSE_COOKIE']) {
      saved[key] = process.env[key];
      process.env[key] = pulse.env[key];
    }
  });

  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await pulse?.stop();
  });

  it("loads audify's binary and lists devices through the platform's audio API", () => {
    const devices = listRtAudioDevices();
    console.log(`      ${devices.api}: inputs ${JSON.stringify(devices.inputs.map((d) => d.name))}, outputs ${JSON.stringify(devices.outputs.map((d) => d.name))}`);
    assert.match(devices.api, EXPECTED_API[process.platform] ?? /./);
    for (const device of [...devices.inputs, ...devices.outputs]) assert.ok(typeof device.name === 'string' && device.name.length > 0);
    if (pulse) {
      assert.deepStrictEqual(devices.inputs.map((d) => d.name), ['sharer-microphone'], 'microphones, without speaker monitors');
      assert.ok(devices.outputs.some((d) => d.name === 'sharer-speaker'));
    }
  });

  it('opens the default microphone and speaker, or says clearly which one this machine lacks', async () => {
    const devices = listRtAudioDevices();
    const options = { input: '', output: '', echoCancel: true };
    if (devices.inputs.length === 0 || devices.outputs.length === 0) {
      const code = devices.inputs.length === 0 ? 'ERR_NO_MICROPHONE' : 'ERR_NO_SPEAKER';
      await assert.rejects(rtAudioBackend.open(options), (err: unknown) => err instanceof AudioError && err.code === code);
      console.log(`      no audio devices here: Start Talking reports ${code}`);
      return;
    }
    const audio = await rtAudioBackend.open(options);
    try {
      // RtAudio has no echo canceller: the backend says so rather than pretending
      assert.strictEqual(audio.devices.echoCancel, false);
      let frames = 0;
      let wrongSize = 0;
      audio.mic.onFrame((frame) => {
        frames++;
        if (frame.length !== FRAME_SAMPLES) wrongSize++;
      });
      await pollUntil('20 microphone frames', () => frames >= 20, { timeoutMs: 10_000, intervalMs: 20 });
      assert.strictEqual(wrongSize, 0);
      // A stalled event loop (half a second here) must not turn into half a second more delay for good:
      // the frames that piled up arrive in one burst, of which 150 ms is passed on and the rest skipped.
      const mic = audio.mic as RtAudioMicrophone;
      const stallEnd = performance.now() + 500;
      while (performance.now() < stallEnd) {
        // busy: nothing else runs, as in a stalled extension host
      }
      await pollUntil('the burst after the stall', () => mic.skipped > 0, { timeoutMs: 5_000, intervalMs: 20 });
      console.log(`      after a 500 ms stall: ${mic.skipped} frames skipped`);
      audio.speaker.play(new Int16Array(FRAME_SAMPLES));
    } finally {
      audio.mic.dispose();
      audio.speaker.dispose();
      await audio.dispose();
    }
  });
});
