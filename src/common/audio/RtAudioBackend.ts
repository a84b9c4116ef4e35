/**
 * Voice's devices on Windows and macOS: RtAudio (WASAPI, CoreAudio; PulseAudio on Linux when chosen) through
 * audify's N-API binding, loaded only when this backend is chosen. Microphone and speaker are two streams
 * of 10 ms frames, 48 kHz mono s16; RtAudio's own stream buffer is the frame size.
 */
import type { RtAudio as RtAudioInstance } from 'audify';
import { AudioBackend, AudioOpenOptions, OpenAudio } from './AudioBackend';
import { AudioError } from './AudioError';
import { RtAudioMicrophone } from './RtAudioMicrophone';
import { RtAudioSpeaker } from './RtAudioSpeaker';

/** RtAudio's API numbers (audify's const enum RtAudioApi). */
const API = { UNSPECIFIED: 0, LINUX_PULSE: 4, WINDOWS_WASAPI: 7 } as const;

type RtAudioDeviceInfo = ReturnType<RtAudioInstance['getDevices']>[number];
type Audify = { RtAudio: new (api?: number) => RtAudioInstance };

/** Device names come from the audio system and are compared, never passed to a shell or a command line. */
function checkRtDeviceName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new AudioError('ERR_BAD_DEVICE_NAME', `invalid audio device name ${JSON.stringify(name.slice(0, 80))}`);
  }
  return name;
}

/** Loads audify's native binding; a missing or foreign binary is a clear ERR_NO_AUDIO_SYSTEM, not a crash. */
function loadAudify(): Audify {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('audify') as Audify;
  } catch (err) {
    throw new AudioError('ERR_NO_AUDIO_SYSTEM', `the audio library (audify/RtAudio) could not be loaded: ${(err as Error).message.split('\n')[0].slice(0, 200)}`);
  }
}

/** The API RtAudio should use here: WASAPI on Windows, PulseAudio on Linux (not raw ALSA), CoreAudio's only one on macOS. */
function apiFor(platform: NodeJS.Platform): number {
  if (platform === 'win32') return API.WINDOWS_WASAPI;
  if (platform === 'linux') return API.LINUX_PULSE;
  return API.UNSPECIFIED;
}

export interface RtAudioDevices {
  readonly api: string;
  readonly inputs: readonly RtAudioDeviceInfo[];
  readonly outputs: readonly RtAudioDeviceInfo[];
}

/** The devices RtAudio sees (what a settings picker, or a platform check without devices, can list). */
export function listRtAudioDevices(platform: NodeJS.Platform = process.platform): RtAudioDevices {
  const rt = new (loadAudify().RtAudio)(apiFor(platform));
  const all = rt.getDevices();
  // A sink's monitor is what the speakers play, not a microphone (PulseAudio lists monitors as inputs).
  const inputs = all.filter((d) => d.inputChannels > 0 && !d.name.startsWith('Monitor of '));
  return { api: rt.getApi(), inputs, outputs: all.filter((d) => d.outputChannels > 0) };
}

function pick(devices: readonly RtAudioDeviceInfo[], name: string, isDefault: (d: RtAudioDeviceInfo) => unknown, kind: 'microphone' | 'speaker'): RtAudioDeviceInfo {
  if (devices.length === 0) {
    throw new AudioError(kind === 'microphone' ? 'ERR_NO_MICROPHONE' : 'ERR_NO_SPEAKER', `the audio system has no ${kind === 'microphone' ? 'input' : 'output'} device`);
  }
  if (!name) return devices.find((d) => Boolean(isDefault(d))) ?? devices[0];
  const found = devices.find((d) => d.name === checkRtDeviceName(name));
  if (!found) throw new AudioError('ERR_DEVICE_NOT_FOUND', `${kind} "${name}" not found`);
  return found;
}

export const rtAudioBackend: AudioBackend = {
  name: 'rtaudio',
  /**
   * Echo cancellation: RtAudio has none (nor does any of the cross-platform libraries considered), so this
   * backend reports echoCancel false and the user is told to use a headset or push-to-talk.
   */
  async open(options: AudioOpenOptions): Promise<OpenAudio> {
    const audify = loadAudify();
    const api = apiFor(process.platform);
    let devices: RtAudioDevices;
    try {
      devices = listRtAudioDevices(process.platform);
    } catch (err) {
      if (err instanceof AudioError) throw err;
      throw new AudioError('ERR_NO_AUDIO_SYSTEM', `RtAudio: ${(err as Error).message.slice(0, 200)}`);
    }
    const input = pick(devices.inputs, options.input, (d) => d.isDefaultInput, 'microphone');
    const output = pick(devices.outputs, options.output, (d) => d.isDefaultOutput, 'speaker');
    const mic = new RtAudioMicrophone(new audify.RtAudio(api), input.id);
    let speaker: RtAudioSpeaker;
    try {
      speaker = new RtAudioSpeaker(new audify.RtAudio(api), output.id);
    } catch (err) {
      mic.dispose();
      throw err;
    }
    return { mic, speaker, devices: { input: input.name, output: output.name, echoCancel: false }, dispose: async () => undefined };
  },
};
