/** Bundles the host process (src/host/main.ts → dist/host.js) the way esbuild.js does, for the tests. */
import * as esbuild from 'esbuild';
import * as path from 'path';
import NODE_EXTERNALS from '../../../scripts/node-externals.json';

const root = path.join(__dirname, '..', '..', '..');
export const HOST_SCRIPT = path.join(root, 'dist', 'host.js');

let built: Promise<string> | undefined;

export function buildHost(): Promise<string> {
  built ??= esbuild
    .build({
      entryPoints: [path.join(root, 'src', 'host', 'main.ts')],
      outfile: HOST_SCRIPT,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      external: NODE_EXTERNALS,
      logLevel: 'silent',
    })
    .then(() => HOST_SCRIPT);
  return built;
}
