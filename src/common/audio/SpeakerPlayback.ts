/** Plays 10 ms PCM frames on a speaker (pacat), dropping audio rather than letting delay build up. */
import { FRAME_MS, PcmFrame } from './AudioFormat';
import { AudioProcess, AudioProcessOptions } from './AudioProcess';
import { frameBytes } from './PcmFramer';
import { isQuiet, QUIET_BEFORE_DROP_MS } from './StandingQueue';

/**
 * Audio the server keeps for the stream: two frames ride out the scheduling stalls of a working machine. At 30 ms
 * the helper's queue stood at ~37 ms (frames reach it in small bursts through the panel) — 10 ms of every
 * sentence's delay (bench/voice, sixth pass); after an underrun the stream refills and the queue is trimmed again.
 */
const SERVER_LATENCY_MS = 20;
/**
 * Queue (server buffer + pipe) kept while frames arrive: the server's buffer and a frame for one that
 * arrive late. Beyond it, quiet frames between sentences are dropped (see StandingQueue.ts): a stream starting, or a burst
 * after a stall, would otherwise stay in the queue as delay for the rest of the call.
 */
const TARGET_QUEUED_MS = SERVER_LATENCY_MS + FRAME_MS;
/**
 * Most audio we let wait for the speaker, speech or not. On a busy machine pacat underruns, stalls to refill,
 * and the pipe in front of it silently holds the difference (seconds, seen on a loaded 2-core machine), so
 * the queue is measured against the play position pacat reports, not assumed.
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
  /** Milliseconds of our stream the audio server has played, as pacat last reported, and when. */
  private played = 0;
  private reportedAt = 0;
  private lastProgressAt = 0;
  /** How long the frames passed to play() have been quiet. */
  private quietMs = 0;

  constructor(options: Omit<AudioProcessOptions, 'clientName' | 'latencyMs' | 'verbose'> & { latencyMs?: number }) {
    this.process = new AudioProcess('pacat', { latencyMs: SERVER_LATENCY_MS, ...options, clientName: 'Remote Assist (speaker)', verbose: true });
    this.onDidFail = this.process.onDidFail;
    this.process.onStatusLine((line) => {
      const time = /^Time: ([0-9.]+) sec/.exec(line);
      if (!time) return;
      const played = Number(time[1]) * 1000;
      const now = performance.now();
      if (played > this.played) this.lastProgressAt = now;
      this.played = played;
      this.reportedAt = now;
      // After an underrun the play position can pass what we wrote (silence played): the queue is empty,
      // not negative — a negative queue would let the next backlog grow past the cap unnoticed.
      if (this.writtenMs < this.played) this.writtenMs = this.played;
    });
    // A closed pipe is reported through onDidFail (exit); without a listener it would throw.
    this.process.child.stdin!.on('error', () => undefined);
  }

  /** Milliseconds of the stream the audio server has played, as pacat last reported. */
  get playedMs(): number {
    return this.played;
  }

  /** Frames dropped to keep the delay down. */
  get droppedFrames(): number {
    return this.dropped;
  }

  /**
   * Audio written but not yet heard (pipe + server buffer): pacat reports the play position about every
   * 50 ms; while the stream plays, the position has moved on by the time since.
   */
  get queuedMs(): number {
    const playing = performance.now() - this.lastProgressAt < STALLED_MS;
    const heard = this.played + (playing ? performance.now() - this.reportedAt : 0);
    return Math.max(0, this.writtenMs - heard);
  }

  play(frame: PcmFrame): void {
    const stdin = this.process.child.stdin!;
    if (stdin.destroyed) return;
    const stalled = performance.now() - this.lastProgressAt > STALLED_MS;
    const queued = this.queuedMs;
    this.quietMs = isQuiet(frame, 32768) ? this.quietMs + FRAME_MS : 0;
    if (!stalled && (queued > MAX_QUEUED_MS || (queued > TARGET_QUEUED_MS && this.quietMs > QUIET_BEFORE_DROP_MS))) {
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
