/** Voice's devices on Linux: PulseAudio (or PipeWire's pulse server) through parec and pacat. */
import { AudioBackend, AudioOpenOptions, OpenAudio } from './AudioBackend';
import { EchoCanceller } from './EchoCanceller';
import { MicrophoneCapture } from './MicrophoneCapture';
import { PulseAudioSystem } from './PulseAudioSystem';
import { SpeakerPlayback } from './SpeakerPlayback';

export const pulseAudioBackend: AudioBackend = {
  name: 'pulseaudio',
  /** With echoCancel it falls back to the plain devices only if the module is missing, and says so in `devices.echoCancel`. */
  async open(options: AudioOpenOptions): Promise<OpenAudio> {
    const system = new PulseAudioSystem(options.env);
    await system.probe();
    const resolved = await system.resolve(options.input, options.output);
    let canceller: EchoCanceller | undefined;
    if (options.echoCancel) {
      canceller = await EchoCanceller.create(system, resolved.input, resolved.output).catch(() => undefined);
    }
    const input = canceller?.devices.input ?? resolved.input;
    const output = canceller?.devices.output ?? resolved.output;
    return {
      mic: new MicrophoneCapture({ device: input, env: options.env }),
      speaker: new SpeakerPlayback({ device: output, env: options.env }),
      devices: { input, output, echoCancel: canceller !== undefined },
      dispose: async () => canceller?.dispose(),
    };
  },
};
