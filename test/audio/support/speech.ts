/**
 * Speech in and out of the test's audio system, and the comparisons a listener makes: is the sentence there
 * (energy envelope correlation with the original), how late (lag of the best match), is it silent.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { join } from 'path';
import { TestPulseAudio } from './pulseaudio';

export const RATE = 48_000;
/** Envelope correlation above which the far side heard the sentence (other speech or noise stays below 0.3). */
export const HEARD = 0.7;

/** Renders a sentence with espeak-ng to 48 kHz mono s16le (sox resamples) and returns the file. */
export async function speak(dir: string, name: string, sentence: string): Promise<string> {
  const wav = join(dir, `${name}.wav`);
  await run('espeak-ng', ['-s', '150', '-w', wav, sentence]);
  const raw = join(dir, `${name}.raw`);
  await run('sox', [wav, '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
  return raw;
}

/** Plays a raw 48 kHz file into a device (the "mouth") and resolves when it has been played. */
export function playInto(env: NodeJS.ProcessEnv, device: string, rawFile: string): Promise<void> {
  return run('pacat', ['--playback', '--raw', '--format=s16le', `--rate=${RATE}`, '--channels=1', `--device=${device}`, rawFile], env);
}

/**
 * Records a device from now on. Keeps the wall-clock time of sample 0, estimated from the chunk that
 * arrived with the least delay, so two recordings can be aligned to within a few milliseconds.
 */
export class Recorder {
  private readonly proc: ChildProcess;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private startMs = Infinity;

  constructor(env: NodeJS.ProcessEnv, device: string) {
    this.proc = spawn(
      'parec',
      ['--raw', '--format=s16le', `--rate=${RATE}`, '--channels=1', '--latency-msec=5', `--device=${device}`],
      { env, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      const now = performance.timeOrigin + performance.now();
      this.chunks.push(chunk);
      this.bytes += chunk.length;
      // The last sample of this chunk was captured at (about) `now`.
      this.startMs = Math.min(this.startMs, now - (this.bytes / 2 / RATE) * 1000);
    });
  }

  /** Resolves once audio is flowing. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.bytes < RATE / 10) {
      if (Date.now() > deadline) throw new Error('recorder produced no audio');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  get samples(): Int16Array {
    const all = Buffer.concat(this.chunks);
    const out = new Int16Array(all.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = all.readInt16LE(i * 2);
    return out;
  }

  /** Wall-clock time (ms) of sample 0. */
  get startTime(): number {
    return this.startMs;
  }

  stop(): Promise<Int16Array> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve(this.samples);
      this.proc.once('exit', () => resolve(this.samples));
      this.proc.kill('SIGTERM');
    });
  }
}

/** RMS per 10 ms window. */
export function envelope(samples: Int16Array, windowMs = 10): Float64Array {
  const n = (RATE * windowMs) / 1000;
  const out = new Float64Array(Math.floor(samples.length / n));
  for (let w = 0; w < out.length; w++) {
    let sum = 0;
    for (let i = w * n; i < (w + 1) * n; i++) sum += samples[i] * samples[i];
    out[w] = Math.sqrt(sum / n);
  }
  return out;
}

/** Loudness of a whole recording in dBFS. */
export function dbfs(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / Math.max(1, samples.length)) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}

/**
 * Pearson correlation of envelope `b` shifted by each lag (in windows) against `a`; returns the best one.
 * A lag of k means b[t + k] ≈ a[t]: `b` hears `a` k windows later.
 */
export function bestMatch(a: Float64Array, b: Float64Array, maxLag: number, minOverlap = 50): { correlation: number; lag: number } {
  let best = { correlation: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let n = 0;
    let sa = 0;
    let sb = 0;
    for (let t = 0; t < a.length; t++) {
      if (t + lag < 0 || t + lag >= b.length) continue;
      sa += a[t];
      sb += b[t + lag];
      n++;
    }
    if (n < minOverlap) continue;
    const ma = sa / n;
    const mb = sb / n;
    let cov = 0;
    let va = 0;
    let vb = 0;
    for (let t = 0; t < a.length; t++) {
      if (t + lag < 0 || t + lag >= b.length) continue;
      const da = a[t] - ma;
      const db = b[t + lag] - mb;
      cov += da * db;
      va += da * da;
      vb += db * db;
    }
    const r = va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
    if (r > best.correlation) best = { correlation: r, lag };
  }
  return best;
}

/**
 * Mouth-to-ear: how much later the ear recording holds the mouth's sound, in ms, from the envelope lag and
 * the two recordings' start times. 20 ms windows tolerate the odd dropped frame of a busy machine and
 * still resolve latency well within the 250 ms budget.
 */
export function mouthToEar(mouth: Int16Array, mouthStart: number, ear: Int16Array, earStart: number): { correlation: number; latencyMs: number } {
  const windowMs = 20;
  const a = envelope(mouth, windowMs);
  const b = envelope(ear, windowMs);
  const { correlation, lag } = bestMatch(a, b, Math.round(1500 / windowMs), 25);
  // Mouth window t is at mouthStart + t·w and the ear hears it in window t + lag, at earStart + (t + lag)·w.
  return { correlation, latencyMs: earStart - mouthStart + lag * windowMs };
}

/** Speaks `file` into `mouthDevice` and records both the mouth and the far side's ear. */
export async function sayAndHear(pulse: TestPulseAudio, feed: string, mouth: string, ear: string, file: string) {
  const mouthRec = new Recorder(pulse.env, mouth);
  const earRec = new Recorder(pulse.env, ear);
  await Promise.all([mouthRec.ready(), earRec.ready()]);
  await playInto(pulse.env, feed, file);
  // The recording must outlast the sentence by more than any plausible delay (a fixed span, not a guess at success).
  await new Promise((r) => setTimeout(r, 1500));
  const [m, e] = await Promise.all([mouthRec.stop(), earRec.stop()]);
  return { mouth: m, ear: e, mouthStart: mouthRec.startTime, earStart: earRec.startTime };
}

/**
 * Says the sentence until the far side hears it (envelope correlation ≥ HEARD) or attempts run out; returns
 * the best attempt. Retrying rides out stalls of this shared 2-core machine; a broken path never passes.
 */
export async function hearSentence(pulse: TestPulseAudio, feed: string, mouth: string, ear: string, file: string, attempts = 5) {
  let best = { correlation: -1, latencyMs: 0, earDb: -120 };
  for (let i = 0; i < attempts && best.correlation < HEARD; i++) {
    const heard = await sayAndHear(pulse, feed, mouth, ear, file);
    const match = mouthToEar(heard.mouth, heard.mouthStart, heard.ear, heard.earStart);
    if (match.correlation > best.correlation) best = { ...match, earDb: dbfs(heard.ear) };
  }
  return best;
}


function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env, timeout: 30_000 }, (err) => (err ? reject(new Error(`${cmd}: ${err.message}`)) : resolve())),
  );
}
