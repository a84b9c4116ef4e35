/** Records the microphone as 10 ms PCM frames (parec). */
import { PcmFrame } from './AudioFormat';
import { AudioProcess, AudioProcessOptions } from './AudioProcess';
import { Emitter } from '../lifecycle';
import { PcmFramer } from './PcmFramer';

/**
 * Most captured audio passed on at once. When the machine stalls, parec's output piles up in the pipe and
 * arrives in one burst; sending all of it would add that stall to the conversation's delay for good.
 */
const MAX_BURST_FRAMES = 15;

export class MicrophoneCapture {
  private readonly process: AudioProcess;
  private readonly framer = new PcmFramer();
  private readonly _onFrame = new Emitter<PcmFrame>();
  readonly onFrame = this._onFrame.event;
  readonly onDidFail;
  /** Frames skipped after stalls. */
  skipped = 0;

  constructor(options: Omit<AudioProcessOptions, 'clientName' | 'latencyMs'> & { latencyMs?: number }) {
    this.process = new AudioProcess('parec', { latencyMs: 10, ...options, clientName: 'Remote Assist (microphone)' });
    this.onDidFail = this.process.onDidFail;
    this.process.child.stdout!.on('data', (chunk: Buffer) => {
      const frames = this.framer.push(chunk);
      this.skipped += Math.max(0, frames.length - MAX_BURST_FRAMES);
      for (const frame of frames.slice(-MAX_BURST_FRAMES)) this._onFrame.fire(frame);
    });
  }

  dispose(): void {
    this._onFrame.dispose();
    this.process.dispose();
  }
}
