/**
 * `npm run bench:activation`: what activating the extension loads, before and after the embedded server became a
 * bundle of its own. Builds dist/extension.js for production twice — with the server, SQLite and Redis code inside
 * (as before) and with it in dist/embedded-server.js (as shipped) — and times loading each in fresh Node processes
 * (median of 9). Outside VS Code the `vscode` module does not exist: a stand-in that answers every property lets
 * the bundle's top-level code run; activate() is not called, so this is the code-loading part of activation.
 * Last line: {"bench":"activation","before_kb":…,"after_kb":…,"before_load_ms":…,"after_load_ms":…,"server_load_ms":…,"load_average_1m":…}
 */
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'fs';
import { loadavg } from 'os';
import { join } from 'path';
import { build } from 'esbuild';
import NODE_EXTERNALS from '../../scripts/node-externals.json';
import { saveRun } from '../resultsStore';

const ROOT = join(__dirname, '..', '..');
const RUNS = 9;

/** Loads `file` in a fresh Node process and prints how long the require took, in ms. */
const LOADER = `
  const Module = require('module');
  // every name the vscode API exports (from its typings), each a constructible stand-in
  const names = [...require('fs').readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8').matchAll(/^\\s+export (?:class|enum|namespace|function|const|let) (\\w+)/gm)].map((m) => m[1]);
  // (also as a primitive: the bundle uses enum members such as DiagnosticSeverity.Error as computed keys)
  const stand = new Proxy(class {}, { get: (t, k) => (k === 'prototype' ? t.prototype : k === Symbol.toPrimitive ? () => 'stand' : stand), apply: () => stand });
  const api = Object.fromEntries(names.map((n) => [n, stand]));
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest); };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api };
  const t = performance.now();
  require(process.argv[1]);
  process.stdout.write(String(performance.now() - t));
  process.exit(0);`;

function loadMs(file: string): number {
  const times = Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, ['-e', LOADER, file], { cwd: ROOT, encoding: 'utf8' })));
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

async function bundle(outfile: string, lazy: boolean): Promise<void> {
  // the same plugin esbuild.js uses for the shipped bundle
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lazyServer } = require('../../esbuild.js') as { lazyServer: import('esbuild').Plugin };
  await build({
    entryPoints: [join(ROOT, 'src/extension.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    external: NODE_EXTERNALS,
    plugins: lazy ? [lazyServer] : [],
    logLevel: 'warning',
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  // inside the checkout, so the bundles find node_modules as dist/ does
  mkdirSync(join(ROOT, 'bench', 'results', 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'bench', 'results', 'tmp', 'activation-'));
  try {
    const before = join(dir, 'before', 'extension.js');
    const after = join(dir, 'after', 'extension.js');
    const server = join(dir, 'after', 'embedded-server.js');
    await bundle(before, false);
    await bundle(after, true);
    await build({ entryPoints: [join(ROOT, 'src/server/startServer.ts')], outfile: server, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, external: NODE_EXTERNALS, logLevel: 'warning' });
    const result = {
      bench: 'activation',
      before_kb: Math.round(statSync(before).size / 1024),
      after_kb: Math.round(statSync(after).size / 1024),
      before_load_ms: Number(loadMs(before).toFixed(1)),
      after_load_ms: Number(loadMs(after).toFixed(1)),
      server_load_ms: Number(loadMs(server).toFixed(1)),
      load_average_1m: Number(loadavg()[0].toFixed(1)),
    };
    console.log(`extension.js ${result.before_kb} KB → ${result.after_kb} KB; loading it ${result.before_load_ms} → ${result.after_load_ms} ms (median of ${RUNS}); the server bundle, loaded on first use: ${result.server_load_ms} ms`);
    saveRun('activation', startedAt, result);
    console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
