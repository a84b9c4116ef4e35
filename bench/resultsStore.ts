/**
 * Every benchmark run's raw result, kept: bench/results/<bench>/<start time>.json, a file per run, never
 * overwritten. `npm run bench:tables` (bench/tables.ts) builds bench/README.md's benchmark table from these files.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { cpus, loadavg } from 'os';
import * as path from 'path';

export const RESULTS_ROOT = path.join(__dirname, 'results');

export interface StoredRun {
  readonly bench: string;
  readonly startedAt: string;
  /** 1-, 5- and 15-minute load averages when the run ended, and the machine's cores. */
  readonly loadavg: number[];
  readonly cpus: number;
  /** The run's last stdout line (its JSON summary). */
  readonly summary: Record<string, unknown>;
  /** Anything else the run wants kept (samples, settings). */
  readonly raw?: Record<string, unknown>;
}

/** Writes one run's file and returns its path. */
export function saveRun(bench: string, startedAt: Date, summary: Record<string, unknown>, raw?: Record<string, unknown>): string {
  const dir = path.join(RESULTS_ROOT, bench);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const run: StoredRun = { bench, startedAt: startedAt.toISOString(), loadavg: loadavg().map((l) => Math.round(l * 100) / 100), cpus: cpus().length, summary, raw };
  writeFileSync(file, `${JSON.stringify(run)}\n`);
  return file;
}

/** The newest raw file of `bench` (file names sort by start time), if any. */
export function latestRunFile(bench: string): string | undefined {
  const dir = path.join(RESULTS_ROOT, bench);
  try {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    return files.length ? path.join(dir, files[files.length - 1]) : undefined;
  } catch {
    return undefined;
  }
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
