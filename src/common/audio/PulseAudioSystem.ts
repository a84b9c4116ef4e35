/**
 * The machine's audio system as PulseAudio's client tools see it (PulseAudio itself or PipeWire's pulse
 * server): whether it is there, its devices, and its modules. Runs `pactl`; never trusts its output blindly.
 */
import { execFile } from 'child_process';
import { z } from 'zod';
import { AudioError } from './AudioError';

export interface AudioDevice {
  /** The name the audio system uses (what settings store and parec/pacat take). */
  readonly name: string;
  /** What the user reads. */
  readonly description: string;
}

export interface AudioDevices {
  readonly inputs: readonly AudioDevice[];
  readonly outputs: readonly AudioDevice[];
  readonly defaultInput?: string;
  readonly defaultOutput?: string;
}

/** Device names are identifiers, never paths or options; anything else from settings is refused. */
const DEVICE_NAME = /^[A-Za-z0-9_.:@+-]{1,200}$/;

export function checkDeviceName(name: string): string {
  if (!DEVICE_NAME.test(name) || name.startsWith('-')) {
    throw new AudioError('ERR_BAD_DEVICE_NAME', `invalid audio device name ${JSON.stringify(name.slice(0, 80))}`);
  }
  return name;
}

const PactlInfo = z.object({
  server_name: z.string(),
  server_version: z.string(),
  default_sink_name: z.string().optional(),
  default_source_name: z.string().optional(),
});

const PactlDevice = z.object({
  name: z.string(),
  description: z.string().default(''),
  properties: z.record(z.string(), z.unknown()).default({}),
});
const PactlDevices = z.array(PactlDevice);


export interface ServerInfo {
  readonly name: string;
  readonly version: string;
}

export class PulseAudioSystem {
  /** `env` lets tests and users point at a particular server (PULSE_SERVER). */
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Reaches the audio server; throws ERR_NO_AUDIO_SYSTEM with the reason when it cannot. */
  async probe(): Promise<ServerInfo> {
    const info = PactlInfo.parse(JSON.parse(await this.pactl(['info'])));
    return { name: info.server_name, version: info.server_version };
  }

  async devices(): Promise<AudioDevices> {
    const [infoText, sourcesText, sinksText] = await Promise.all([
      this.pactl(['info']),
      this.pactl(['list', 'sources']),
      this.pactl(['list', 'sinks']),
    ]);
    const info = PactlInfo.parse(JSON.parse(infoText));
    const sources = PactlDevices.parse(JSON.parse(sourcesText));
    const sinks = PactlDevices.parse(JSON.parse(sinksText));
    // A sink's monitor is what the speakers play, not a microphone: never offer it as an input.
    const inputs = sources.filter((s) => s.properties['device.class'] !== 'monitor');
    return {
      inputs: inputs.map((s) => ({ name: s.name, description: s.description || s.name })),
      outputs: sinks.map((s) => ({ name: s.name, description: s.description || s.name })),
      defaultInput: inputs.some((s) => s.name === info.default_source_name) ? info.default_source_name : inputs[0]?.name,
      defaultOutput: info.default_sink_name || sinks[0]?.name,
    };
  }

  /**
   * Resolves the devices to use from settings ('' = the system default) and fails with a clear code when
   * the machine has no microphone or speaker, or the configured one is gone.
   */
  async resolve(input: string, output: string): Promise<{ input: string; output: string }> {
    if (input) checkDeviceName(input);
    if (output) checkDeviceName(output);
    const devices = await this.devices();
    if (devices.inputs.length === 0) throw new AudioError('ERR_NO_MICROPHONE', 'the audio system has no input device');
    if (devices.outputs.length === 0) throw new AudioError('ERR_NO_SPEAKER', 'the audio system has no output device');
    if (input && !devices.inputs.some((d) => d.name === input)) {
      throw new AudioError('ERR_DEVICE_NOT_FOUND', `microphone "${input}" not found`);
    }
    if (output && !devices.outputs.some((d) => d.name === output)) {
      throw new AudioError('ERR_DEVICE_NOT_FOUND', `speaker "${output}" not found`);
    }
    return { input: input || devices.defaultInput!, output: output || devices.defaultOutput! };
  }

  /** Loads a module and returns its index (for unloadModule). */
  async loadModule(name: string, args: Record<string, string | number>): Promise<number> {
    const argv = Object.entries(args).map(([k, v]) => `${k}=${v}`);
    const text = await this.pactl(['load-module', name, ...argv], false);
    const index = Number.parseInt(text.trim(), 10);
    if (!Number.isInteger(index)) throw new AudioError('ERR_AUDIO_PROCESS', `pactl load-module ${name} printed ${text.slice(0, 80)}`);
    return index;
  }

  async unloadModule(index: number): Promise<void> {
    await this.pactl(['unload-module', String(index)], false);
  }

  /** Loaded modules. pactl's JSON omits the index unload needs, so this reads the short text form. */
  async modules(): Promise<{ index: number; name: string; argument: string }[]> {
    const text = await this.pactl(['list', 'short', 'modules'], false);
    return text
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((cols) => cols.length >= 2 && /^\d+$/.test(cols[0]))
      .map((cols) => ({ index: Number(cols[0]), name: cols[1], argument: cols[2] ?? '' }));
  }

  private pactl(args: string[], json = true): Promise<string> {
    const argv = json ? ['--format=json', ...args] : args;
    return new Promise((resolve, reject) => {
      execFile('pactl', argv, { env: this.env, timeout: 5000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return reject(new AudioError('ERR_NO_AUDIO_SYSTEM', 'pactl is not installed (install pulseaudio-utils)'));
        }
        const why = String(stderr || err.message).trim().split('\n')[0].slice(0, 200);
        const kind = args[0] === 'load-module' || args[0] === 'unload-module' ? 'ERR_AUDIO_PROCESS' : 'ERR_NO_AUDIO_SYSTEM';
        reject(new AudioError(kind, `pactl ${args[0]}: ${why}`));
      });
    });
  }
}
