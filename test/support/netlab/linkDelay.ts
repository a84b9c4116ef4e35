/** Builds linkdelay.c (the userspace delay; this kernel has no sch_netem) once per source version, cached in /tmp. */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run } from './run';

const SOURCE = join(__dirname, 'linkdelay.c');
let built: Promise<string> | undefined;

export function linkDelayBinary(): Promise<string> {
  built ??= (async () => {
    const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
    const dir = join(tmpdir(), 'netlab-bin');
    const binary = join(dir, `linkdelay-${hash}`);
    if (existsSync(binary)) return binary;
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}`;
    await run('cc', ['-O2', '-Wall', '-o', partial, SOURCE, '-lnetfilter_queue']);
    renameSync(partial, binary);
    return binary;
  })();
  return built;
}
