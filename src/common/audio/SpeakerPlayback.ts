/** Plays 10 ms PCM frames on a speaker (pacat), dropping audio rather than letting delay build up. */
import { FRAME_MS, PcmFrame } from './AudioFormat';
import { AudioError } from './AudioError';
import { AudioProcess, AudioProcessOptions } from './AudioProcess';
import { frameBytes } from './PcmFramer';
import { isQuiet, QUIET_BEFORE_DROP_MS } from './StandingQueue';
import { Emitter } from '../lifecycle';
import { VoiceTrace } from './VoiceTrace';

/**
 * Audio the server keeps for the stream: two frames ride out the scheduling stalls of a working machine. At 30 ms
 * the helper's queue stood at ~37 ms (frames reach it in small bursts through the panel) — 10 ms of every
 * sentence's delay (bench/voice, sixth pass); after an underrun the stream refills and the queue is trimmed again.
 */
const SERVER_LATENCY_MS = 20;
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

/**
 * The server's buffer is all that plays while pacat and the process feeding it wait for a CPU: 20 ms rides out
 * a working machine, not a saturated one (with two busy loops beside two workbenches on 2 cores the e2e test's
 * sentence reached the ear in pieces, at correlation 0.3–0.6, and whole at 60 ms). Underruns this frequent
 * (pacat reports each), while frames keep coming, double it for the rest of the call — pacat is started again
 * with the larger buffer, as a receiver's jitter buffer grows after late packets — up to MAX_SERVER_LATENCY_MS.
 * The odd underrun of a working machine does not count: two within 5 s grew bench:voice's speakers to 40–80 ms
 * and its mouth-to-ear past 150 ms; with five within 2 s the helper's still grew to 40 once in that bench (its
 * sharer → helper 182 ms against 163 at a fixed 20, run just before), a trigger judged on one run each.
 */
const UNDERRUNS_TO_GROW = 5;
const UNDERRUN_WINDOW_MS = 2000;
const MAX_SERVER_LATENCY_MS = 160;

type SpeakerOptions = Omit<AudioProcessOptions, 'clientName' | 'latencyMs' | 'verbose'> & { latencyMs?: number };

export class SpeakerPlayback {
  private process: AudioProcess;
  private readonly _onDidFail = new Emitter<AudioError>();
  readonly onDidFail = this._onDidFail.event;
  private dropped = 0;
  private writtenMs = 0;
  /** Milliseconds of our stream the audio server has played, as pacat last reported, and when. */
  private played = 0;
  private reportedAt = 0;
  private lastProgressAt = 0;
  /** How long the frames passed to play() have been quiet. */
  private quietMs = 0;
  private serverLatency: number;
  /** When the stream ran dry while frames were arriving (the last UNDERRUN_WINDOW_MS), and one not yet counted. */
  private underruns: number[] = [];
  private ranDry = false;
  private disposed = false;

  constructor(private readonly options: SpeakerOptions) {
    this.serverLatency = options.latencyMs ?? SERVER_LATENCY_MS;
    this.process = this.start();
  }

  /** The server's buffer for this stream now (ms): SERVER_LATENCY_MS, more after underruns. */
  get serverLatencyMs(): number {
    return this.serverLatency;
  }

  private start(): AudioProcess {
    const audio = new AudioProcess('pacat', { ...this.options, latencyMs: this.serverLatency, clientName: 'Remote Assist (speaker)', verbose: true });
    audio.onDidFail((err) => this._onDidFail.fire(err));
    [this.writtenMs, this.played, this.reportedAt, this.lastProgressAt] = [0, 0, 0, 0];
    audio.onStatusLine((line) => {
      if (line.startsWith('Stream underrun')) this.ranDry = true;
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
    audio.child.stdin!.on('error', () => undefined);
    return audio;
  }

  /** Counts an underrun pacat reported since the last frame; enough of them start pacat again with twice the buffer. */
  private growOnUnderruns(now: number): void {
    if (!this.ranDry) return;
    this.ranDry = false;
    this.underruns = [...this.underruns.filter((at) => now - at < UNDERRUN_WINDOW_MS), now];
    if (this.underruns.length < UNDERRUNS_TO_GROW || this.serverLatency >= MAX_SERVER_LATENCY_MS) return;
    this.underruns = [];
    this.serverLatency = Math.min(MAX_SERVER_LATENCY_MS, this.serverLatency * 2);
    VoiceTrace.at('speakerServerLatency', this.options.env)?.value(this.serverLatency);
    this.process.dispose();
    this.process = this.start();
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
    if (this.disposed) return;
    const now = performance.now();
    this.growOnUnderruns(now);
    const stdin = this.process.child.stdin!;
    if (stdin.destroyed) return;
    const stalled = now - this.lastProgressAt > STALLED_MS;
    const queued = this.queuedMs;
    // Queue (server buffer + pipe) kept: the server's buffer and a frame for one that arrives late. Beyond it,
    // quiet frames between sentences are dropped (see StandingQueue.ts): a stream starting, or a burst after a
    // stall, would otherwise stay in the queue as delay for the rest of the call.
    const target = this.serverLatency + FRAME_MS;
    this.quietMs = isQuiet(frame, 32768) ? this.quietMs + FRAME_MS : 0;
    if (!stalled && (queued > MAX_QUEUED_MS || (queued > target && this.quietMs > QUIET_BEFORE_DROP_MS))) {
      this.dropped++;
      return;
    }
    this.writtenMs += FRAME_MS;
    stdin.write(frameBytes(frame));
  }

  dispose(): void {
    this.disposed = true;
    this.process.dispose();
    this._onDidFail.dispose();
  }
}
