/**
 * Acoustic echo cancellation from the audio system itself: PulseAudio's (and PipeWire's pulse layer's)
 * module-echo-cancel with the WebRTC canceller. It creates a filtered microphone and a speaker whose
 * output it subtracts from that microphone, so voice played on speakers does not loop back to the far side.
 */
import { AudioError } from './AudioError';
import { PulseAudioSystem } from './PulseAudioSystem';

let nextId = 0;

export interface EchoCancelledDevices {
  /** Capture from this instead of the microphone. */
  readonly input: string;
  /** Play to this instead of the speaker. */
  readonly output: string;
}

export class EchoCanceller {
  private moduleIndex: number | undefined;

  private constructor(
    private readonly system: PulseAudioSystem,
    readonly devices: EchoCancelledDevices,
  ) {}

  /** Wraps `input`/`output`; throws ERR_ECHO_CANCEL when the module is missing or refuses the devices. */
  static async create(system: PulseAudioSystem, input: string, output: string): Promise<EchoCanceller> {
    await EchoCanceller.removeOrphans(system);
    const id = `${process.pid}_${nextId++}`;
    const devices = { input: `remote_assist_ec_source_${id}`, output: `remote_assist_ec_sink_${id}` };
    const canceller = new EchoCanceller(system, devices);
    try {
      canceller.moduleIndex = await system.loadModule('module-echo-cancel', {
        aec_method: 'webrtc',
        // Speech processing as a call would want it; the agc would fight the level meter, so it stays off.
        aec_args: '"analog_gain_control=0 digital_gain_control=0 noise_suppression=1"',
        source_master: input,
        sink_master: output,
        source_name: devices.input,
        sink_name: devices.output,
        rate: 48000,
        channels: 1,
      });
    } catch (err) {
      throw new AudioError('ERR_ECHO_CANCEL', `echo cancellation unavailable: ${(err as Error).message}`);
    }
    return canceller;
  }

  /** A process that died while talking left its canceller loaded in the user's audio server: remove it. */
  private static async removeOrphans(system: PulseAudioSystem): Promise<void> {
    const modules = await system.modules().catch(() => []);
    for (const m of modules) {
      const owner = /source_name=remote_assist_ec_source_(\d+)_/.exec(m.argument);
      if (m.name !== 'module-echo-cancel' || !owner || isAlive(Number(owner[1]))) continue;
      await system.unloadModule(m.index).catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    const index = this.moduleIndex;
    this.moduleIndex = undefined;
    if (index !== undefined) await this.system.unloadModule(index).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but another user's; only ESRCH means gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
