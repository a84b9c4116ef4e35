/** Plays 10 ms PCM frames on a speaker (pacat), dropping audio rather than letting delay build up. */
import { FRAME_MS, PcmFrame } from './AudioFormat';
import { AudioProcess, AudioProcessOptions } from './AudioProcess';
import { frameBytes } from './PcmFramer';

/**
 * Most audio we let wait for the speaker. On a busy machine pacat underruns, stalls to refill, and the pipe
 * in front of it silently holds the difference (seconds, seen on a loaded 2-core machine), so the queue is
 * measured against the play position pacat reports, not assumed.
 */
const MAX_QUEUED_MS = 250;
/**
 * No progress for this long means the stream stalled (starting, or refilling after an underrun): it needs
 * data to play again, so the cap does not apply — otherwise it would wait for data that never comes.
 */
const STALLED_MS = 500;

export class SpeakerPlayback {
  private readonly process: AudioProcess;
  readonly onDidFail;
  private dropped = 0;
  private writtenMs = 0;
  /** Milliseconds of our stream the audio server has played, as pacat last reported. */
  private playedMs = 0;
  private lastProgressAt = 0;

  constructor(options: Omit<AudioProcessOptions, 'clientName' | 'latencyMs' | 'verbose'> & { latencyMs?: number }) {
    // 60 ms in the audio server rides out the scheduling stalls of a busy machine without an underrun.
    this.process = new AudioProcess('pacat', { latencyMs: 60, ...options, clientName: 'Remote Assist (speaker)', verbose: true });
    this.onDidFail = this.process.onDidFail;
    this.process.onStatusLine((line) => {
      const time = /^Time: ([0-9.]+) sec/.exec(line);
      if (!time) return;
      const played = Number(time[1]) * 1000;
      if (played > this.playedMs) this.lastProgressAt = performance.now();
      this.playedMs = played;
      // After an underrun the play position can pass what we wrote (silence played): the queue is empty,
      // not negative — a negative queue would let the next backlog grow past the cap unnoticed.
      if (this.writtenMs < this.playedMs) this.writtenMs = this.playedMs;
    });
    // A closed pipe is reported through onDidFail (exit); without a listener it would throw.
    this.process.child.stdin!.on('error', () => undefined);
  }

  /** Frames dropped because the speaker could not keep up. */
  get droppedFrames(): number {
    return this.dropped;
  }

  /** Audio written but not yet played (pipe + server buffer), as of pacat's last report (every ~50 ms). */
  get queuedMs(): number {
    return this.writtenMs - this.playedMs;
  }

  play(frame: PcmFrame): void {
    const stdin = this.process.child.stdin!;
    if (stdin.destroyed) return;
    const stalled = performance.now() - this.lastProgressAt > STALLED_MS;
    if (this.queuedMs > MAX_QUEUED_MS && !stalled) {
      this.dropped++;
      return;
    }
    this.writtenMs += FRAME_MS;
    stdin.write(frameBytes(frame));
  }

  dispose(): void {
    this.process.dispose();
  }
}
