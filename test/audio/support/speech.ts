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
  /** Wall-clock time (ms) of the last chunk louder than LOUD_DBFS, if any. */
  private lastLoudMs: number | undefined;

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
      // (a chunk that starts mid-sample, after an odd-sized one, starts a byte in)
      if (chunkDbfs(chunk.subarray((this.bytes - chunk.length) & 1)) > LOUD_DBFS) this.lastLoudMs = now;
    });
  }

  /**
   * Resolves once what this device hears has come through: it was loud and has been quiet for `quietMs`
   * since (the sentence's end, however late it came), or it stayed quiet `silentMs` after `since` (nothing
   * comes), or `maxMs` after `since` in any case.
   */
  async settled(since: number, quietMs = 1000, silentMs = 2000, maxMs = 12_000): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now - since >= maxMs) return;
      if (this.lastLoudMs === undefined ? now - since >= silentMs : now - Math.max(this.lastLoudMs, since) >= quietMs) return;
      await new Promise((r) => setTimeout(r, 50));
    }
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

/** A chunk of the ear louder than this is sound arriving (speech is at about -20 dBFS, silence below -70). */
const LOUD_DBFS = -45;

/** Loudness of a chunk of s16le bytes in dBFS (an odd last byte is ignored). */
function chunkDbfs(chunk: Buffer): number {
  const n = chunk.length >> 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = chunk.readInt16LE(i * 2);
    sum += v * v;
  }
  const rms = Math.sqrt(sum / Math.max(1, n)) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
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
    const overlap = Math.min(a.length, b.length - lag) - Math.max(0, -lag);
    if (overlap < minOverlap) continue;
    const r = correlationAt(a, b, lag, 0, a.length);
    if (r > best.correlation) best = { correlation: r, lag };
  }
  return best;
}

/** Pearson correlation of `a[t]` and `b[t + lag]` over t in [from, to) (where b has the sample). */
function correlationAt(a: Float64Array, b: Float64Array, lag: number, from: number, to: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let t = from; t < to; t++) {
    if (t + lag < 0 || t + lag >= b.length) continue;
    sa += a[t];
    sb += b[t + lag];
    n++;
  }
  if (n === 0) return 0;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let t = from; t < to; t++) {
    if (t + lag < 0 || t + lag >= b.length) continue;
    const da = a[t] - ma;
    const db = b[t + lag] - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/**
 * RMS per window in four bands (below 300 Hz, 300–1000, 1000–3000, above 3000 Hz; one-pole filters): where a
 * sentence's voiced sounds and its fricatives fall tells two sentences of the same rhythm apart better than
 * their loudness alone.
 */
export function bandEnvelopes(samples: Int16Array, windowMs = 20): Float64Array[] {
  const n = (RATE * windowMs) / 1000;
  const windows = Math.floor(samples.length / n);
  const cut = [300, 1000, 3000].map((hz) => 1 - Math.exp((-2 * Math.PI * hz) / RATE));
  const low = [0, 0, 0];
  const out = [0, 1, 2, 3].map(() => new Float64Array(windows));
  for (let w = 0; w < windows; w++) {
    const sum = [0, 0, 0, 0];
    for (let i = w * n; i < (w + 1) * n; i++) {
      const v = samples[i];
      for (let k = 0; k < 3; k++) low[k] += cut[k] * (v - low[k]);
      const bands = [low[0], low[1] - low[0], low[2] - low[1], v - low[2]];
      for (let k = 0; k < 4; k++) sum[k] += bands[k] * bands[k];
    }
    for (let k = 0; k < 4; k++) out[k][w] = Math.sqrt(sum[k] / n);
  }
  return out;
}

/** Mean over the bands of correlationAt. */
function bandCorrelation(a: Float64Array[], b: Float64Array[], lag: number, from: number, to: number): number {
  return a.reduce((sum, band, k) => sum + correlationAt(band, b[k], lag, from, to), 0) / a.length;
}

/** Length of the pieces a sentence is compared in, and how far each piece's lag may stray from the sentence's. */
export const PIECE_MS = 1000;
export const PIECE_DRIFT_MS = 120;

/**
 * Mouth-to-ear: how much later the ear recording holds the mouth's sound, in ms, and how well it matches.
 * The delay is not one number over a sentence: a receiver's jitter buffer grows or shrinks while it plays
 * (more so on a loaded machine), so one lag for the whole sentence misaligns its end and the correlation falls
 * although every word was heard. The sentence is therefore found at one lag first (20 ms windows, ±1.5 s),
 * then each 1 s piece of the mouth takes its own lag within ±120 ms of that, and the correlation is that of
 * the mouth with the ear so re-aligned (band envelopes, so that the freedom of each piece does not make
 * another sentence of the same rhythm match); the latency is the median lag of the pieces that hold sound.
 */
export function mouthToEar(mouth: Int16Array, mouthStart: number, ear: Int16Array, earStart: number): { correlation: number; latencyMs: number } {
  const windowMs = 20;
  const a = bandEnvelopes(mouth, windowMs);
  const b = bandEnvelopes(ear, windowMs);
  const loudness = envelope(mouth, windowMs);
  const windows = loudness.length;
  const maxLag = Math.round(1500 / windowMs);
  let coarse = { correlation: -2, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    if (Math.min(windows, b[0].length - lag) - Math.max(0, -lag) < 25) continue;
    const r = bandCorrelation(a, b, lag, 0, windows);
    if (r > coarse.correlation) coarse = { correlation: r, lag };
  }
  const piece = PIECE_MS / windowMs;
  const drift = PIECE_DRIFT_MS / windowMs;
  const aligned = a.map(() => new Float64Array(windows));
  const lags: number[] = [];
  let first = windows;
  let last = 0;
  const quiet = Math.max(...loudness) * 0.05;
  for (let from = 0; from < windows; from += piece) {
    const to = Math.min(windows, from + piece);
    let lag = coarse.lag;
    if (loudness.subarray(from, to).some((v) => v > quiet)) {
      let best = -Infinity;
      for (let l = coarse.lag - drift; l <= coarse.lag + drift; l++) {
        const r = bandCorrelation(a, b, l, from, to);
        if (r > best) [best, lag] = [r, l];
      }
      lags.push(lag);
    }
    for (let t = Math.max(from, -lag); t < Math.min(to, b[0].length - lag); t++) {
      for (let k = 0; k < a.length; k++) aligned[k][t] = b[k][t + lag];
      first = Math.min(first, t);
      last = t + 1;
    }
  }
  const correlation = first < last ? bandCorrelation(a, aligned, 0, first, last) : 0;
  const lag = lags.length ? [...lags].sort((x, y) => x - y)[Math.floor((lags.length - 1) / 2)] : coarse.lag;
  // Mouth window t is at mouthStart + t·w and the ear hears it in window t + lag, at earStart + (t + lag)·w.
  return { correlation, latencyMs: earStart - mouthStart + lag * windowMs };
}

/** Speaks `file` into `mouthDevice` and records both the mouth and the far side's ear. */
export async function sayAndHear(pulse: TestPulseAudio, feed: string, mouth: string, ear: string, file: string) {
  const mouthRec = new Recorder(pulse.env, mouth);
  const earRec = new Recorder(pulse.env, ear);
  await Promise.all([mouthRec.ready(), earRec.ready()]);
  await playInto(pulse.env, feed, file);
  // The recording lasts until the far side has played the sentence to its end, however late (jitter buffers
  // of a busy machine hold up to ~2 s): a fixed 1.5 s after the mouth cut late sentences short.
  await earRec.settled(Date.now());
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
