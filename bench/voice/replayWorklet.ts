/**
 * Replays the PCM arrivals a bench:voice run recorded in the panel (`--arrivals=FILE`) through builds of the
 * microphone worklet (remote-assist-pcm-source), rendering 128-sample quanta on the 48 kHz clock: how much
 * audio each one holds and how often it runs dry, on the very same arrivals — so two versions compare
 * fairly however loaded the machine was when the arrivals were recorded. Messages that were loud (speech)
 * are a 440 Hz tone here, the others silence, so the worklet's rules for quiet audio act as they did.
 *   npx tsx bench/voice/replayWorklet.ts ARRIVALS.json WORKLET.ts [WORKLET.ts ...]
 */
import { build } from 'esbuild';
import { readFileSync } from 'fs';
import { runInNewContext } from 'vm';

const RATE = 48_000;
const QUANTUM = 128;

interface Processor {
  port: { onmessage: ((e: { data: ArrayBuffer }) => void) | null; postMessage: (m: unknown) => void };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
  /** What the worklet posted (its depth reports: { queuedMs, underruns? } every 100 ms). */
  readonly posted: { queuedMs?: number; underruns?: number }[];
}

async function load(file: string): Promise<{ make: () => Processor; clock: { frame: number } }> {
  const code = (await build({ entryPoints: [file], bundle: true, format: 'iife', write: false, platform: 'browser', logLevel: 'silent' })).outputFiles[0].text;
  const processors = new Map<string, new () => Processor>();
  const clock = { frame: 0 };
  class AudioWorkletProcessor {
    readonly posted: unknown[] = [];
    readonly port = { onmessage: null, postMessage: (m: unknown) => this.posted.push(m) };
  }
  const context = {
    sampleRate: RATE,
    AudioWorkletProcessor,
    registerProcessor: (name: string, ctor: new () => Processor) => processors.set(name, ctor),
    Float32Array,
    Int16Array,
    Math,
  };
  Object.defineProperty(context, 'currentFrame', { get: () => clock.frame });
  runInNewContext(code, context);
  const ctor = processors.get('remote-assist-pcm-source');
  if (!ctor) throw new Error(`${file} registers no remote-assist-pcm-source`);
  return { make: () => new ctor(), clock };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

async function main(): Promise<void> {
  const [arrivalsFile, ...worklets] = process.argv.slice(2);
  if (!arrivalsFile || worklets.length === 0) throw new Error('usage: replayWorklet.ts ARRIVALS.json WORKLET.ts [WORKLET.ts ...]');
  const arrivals = JSON.parse(readFileSync(arrivalsFile, 'utf8')) as [number, number, number?][];
  const t0 = arrivals[0][0];
  for (const file of worklets) {
    const { make, clock } = await load(file);
    const source = make();
    let sent = 0;
    let next = 0;
    const end = Math.round(((arrivals[arrivals.length - 1][0] - t0) / 1000) * RATE);
    for (clock.frame = 0; clock.frame < end; clock.frame += QUANTUM) {
      // Messages that arrived before this quantum is rendered.
      while (next < arrivals.length && ((arrivals[next][0] - t0) / 1000) * RATE <= clock.frame) {
        const pcm = new Int16Array(arrivals[next][1]);
        if (arrivals[next][2] !== 0) for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (sent + i)) / RATE));
        sent += pcm.length;
        source.port.onmessage?.({ data: pcm.buffer });
        next++;
      }
      const out = [[new Float32Array(QUANTUM)]];
      source.process([], out);
    }
    const sorted = source.posted.flatMap((r) => (typeof r.queuedMs === 'number' ? [r.queuedMs] : [])).sort((a, b) => a - b);
    const underruns = source.posted.at(-1)?.underruns;
    console.log(
      JSON.stringify({
        worklet: file,
        seconds: Math.round(end / RATE),
        heldMedianMs: Math.round(percentile(sorted, 0.5) * 10) / 10,
        heldP95Ms: Math.round(percentile(sorted, 0.95) * 10) / 10,
        underruns: underruns ?? null,
      }),
    );
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
