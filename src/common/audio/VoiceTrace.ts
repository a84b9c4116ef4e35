/**
 * Where speech is on the voice path, for bench:voice: with REMOTE_ASSIST_VOICE_TRACE=<file> in the
 * environment, each traced point appends one JSON line `{"point","at"}` (wall-clock ms) when its frames turn
 * loud after a quiet spell — the moment a sentence passes that point. Comparing the points of one sentence
 * gives each stage's share of mouth-to-ear. Without the variable a trace point costs one property check.
 */
import { appendFileSync } from 'fs';
import { OnsetDetector } from './OnsetDetector';

export class VoiceTrace {
  private readonly detector = new OnsetDetector();

  private constructor(
    private readonly file: string,
    private readonly point: string,
  ) {}

  /** A trace point, or undefined when tracing is off. */
  static at(point: string, env: NodeJS.ProcessEnv = process.env): VoiceTrace | undefined {
    const file = env.REMOTE_ASSIST_VOICE_TRACE;
    return file ? new VoiceTrace(file, point) : undefined;
  }

  frame(samples: Int16Array): void {
    if (this.detector.push(samples)) this.write({});
  }

  /** A measurement at this point (a buffer's depth, say), with its time. */
  value(value: number): void {
    this.write({ value });
  }

  private write(extra: { value?: number }): void {
    appendFileSync(this.file, JSON.stringify({ point: this.point, pid: process.pid, at: performance.timeOrigin + performance.now(), ...extra }) + '\n');
  }
}
