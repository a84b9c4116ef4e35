/**
 * One PulseAudio client tool (parec or pacat) run as a child process: a crash or hang in audio stays out
 * of the extension host and the host process, and the tool is already in every Linux desktop's packages.
 */
import { ChildProcess, spawn } from 'child_process';
import { AudioError } from './AudioError';
import { CHANNELS, SAMPLE_RATE } from './AudioFormat';
import { Emitter } from '../lifecycle';
import { checkDeviceName } from './PulseAudioSystem';

export interface AudioProcessOptions {
  /** Device name; undefined = the system default. */
  readonly device?: string;
  /** Buffer the audio server keeps for this stream; small = low latency, too small = dropouts. */
  readonly latencyMs: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Name shown in the system's volume mixer. */
  readonly clientName: string;
  /** pacat -v: report the stream's play position on stderr (see onStatusLine). */
  readonly verbose?: boolean;
}

export class AudioProcess {
  private readonly _onDidFail = new Emitter<AudioError>();
  /** The tool exited or could not start while it was expected to run. */
  readonly onDidFail = this._onDidFail.event;
  readonly child: ChildProcess;
  private readonly _onStatusLine = new Emitter<string>();
  /** Progress lines the tool prints with -v ("Time: 1.230 sec; Latency: 25000 usec.", "Stream underrun."). */
  readonly onStatusLine = this._onStatusLine.event;
  private stderr = '';
  private partial = '';
  private disposed = false;

  constructor(tool: 'parec' | 'pacat', options: AudioProcessOptions) {
    const args = [
      ...(options.verbose ? ['-v'] : []),
      '--raw',
      '--format=s16le',
      `--rate=${SAMPLE_RATE}`,
      `--channels=${CHANNELS}`,
      `--latency-msec=${Math.round(options.latencyMs)}`,
      `--client-name=${options.clientName}`,
      '--stream-name=Remote Assist voice',
    ];
    if (options.device) args.push(`--device=${checkDeviceName(options.device)}`);
    this.child = spawn(tool, args, {
      env: options.env ?? process.env,
      stdio: [tool === 'pacat' ? 'pipe' : 'ignore', tool === 'parec' ? 'pipe' : 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      // -v separates progress lines with spaces and carriage returns; keep the rest for error messages.
      const lines = (this.partial + d.toString()).split(/[\r\n]+|(?<=usec\.)\s+/);
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('Time:') || line.startsWith('Stream underrun')) this._onStatusLine.fire(line);
        else if (line.trim()) this.stderr = (this.stderr + line + '\n').slice(-500);
      }
    });
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.disposed) return;
      const error =
        err.code === 'ENOENT'
          ? new AudioError('ERR_NO_AUDIO_SYSTEM', `${tool} is not installed (install pulseaudio-utils)`)
          : new AudioError('ERR_AUDIO_PROCESS', `${tool}: ${err.message}`);
      this._onDidFail.fire(error);
    });
    this.child.on('exit', (code, signal) => {
      if (this.disposed) return;
      const why = this.stderr.trim().split('\n').pop() ?? '';
      const kind = /connection refused|no such file|connect\(\) failed|access denied/i.test(why) ? 'ERR_NO_AUDIO_SYSTEM' : 'ERR_AUDIO_PROCESS';
      const detail = /no such entity|not found/i.test(why) ? 'ERR_DEVICE_NOT_FOUND' : kind;
      this._onDidFail.fire(new AudioError(detail, `${tool} exited (${signal ?? code}): ${why.slice(0, 200)}`));
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this._onDidFail.dispose();
    this._onStatusLine.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
