/**
 * audify (RtAudio: voice on Windows and macOS) publishes no per-platform npm package: its prebuilt N-API
 * binaries are release assets that its install step fetches with prebuild-install. So the staged package gets
 * this machine's own build when the target is this machine (what the tests ran), and prebuild-install's
 * download for any other target. Where that download cannot be had (no route to the release host), the
 * target is packed without voice's native part, and both the report and stderr say so.
 */
import { execFileSync } from 'child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'fs';
import { basename, join } from 'path';
import { splitTarget, Target } from './targets';

export const AUDIO_PACKAGE = 'audify';
/** What audify loads at run time (its build-time tools, cmake-js and prebuild-install, stay out). */
const AUDIO_RUNTIME_DEPENDENCIES = ['bindings'];
/** The native files of audify's build: the addon and the Opus and RtAudio libraries beside it. */
export const AUDIO_BINARY_FILE = /\.(node|dll|dylib)$|\.so(\.\d+)*$/;

export function isNativeTarget(target: Target): boolean {
  return target === `${process.platform}-${process.arch}`;
}

/**
 * Puts audify's binary for `target` into the staged `node_modules/audify/build/Release`, and trims audify's
 * manifest to its run-time dependency so `vsce` leaves its build tools out. Returns whether the binary is there.
 */
export function stageAudioBinary(root: string, dir: string, target: Target, log: (line: string) => void): boolean {
  const staged = join(dir, 'node_modules', AUDIO_PACKAGE);
  const manifestPath = join(staged, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies?: Record<string, string> };
  manifest.dependencies = Object.fromEntries(Object.entries(manifest.dependencies ?? {}).filter(([name]) => AUDIO_RUNTIME_DEPENDENCIES.includes(name)));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const release = join(staged, 'build', 'Release');
  if (isNativeTarget(target)) {
    const own = join(root, 'node_modules', AUDIO_PACKAGE, 'build', 'Release');
    const files = existsSync(own) ? readdirSync(own).filter((f) => AUDIO_BINARY_FILE.test(f)) : [];
    if (!files.includes('audify.node')) throw new Error(`package: cannot build ${target}: ${AUDIO_PACKAGE} has no binary in node_modules (run npm ci)`);
    mkdirSync(release, { recursive: true });
    for (const file of files) cpSync(join(own, file), join(release, file), { verbatimSymlinks: true });
    flattenLinks(release);
    return true;
  }
  const { os, cpu } = splitTarget(target);
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'prebuild-install', 'bin.js'), '--runtime', 'napi', '--platform', os, '--arch', cpu], { cwd: staged, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  } catch (err) {
    const why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n').pop();
    log(`WARNING ${target}: no voice on this package — ${AUDIO_PACKAGE}'s prebuilt RtAudio binary for ${os}-${cpu} could not be downloaded (${why}); build it where the release host can be reached, or on a ${os} machine`);
    return false;
  }
  if (!existsSync(join(release, 'audify.node'))) return false;
  flattenLinks(release);
  return true;
}

/**
 * A .vsix holds no symbolic links (a link would be packed as a second copy): keep each library under the
 * name the loader asks for (libopus.so.0 → its file's bytes), drop link-time names (libopus.so, libopus.dylib).
 */
function flattenLinks(release: string): void {
  const links = readdirSync(release).filter((f) => lstatSync(join(release, f)).isSymbolicLink());
  const targets = new Set<string>();
  for (const link of links) {
    const path = join(release, link);
    if (/\.so$|^lib[^.]*\.dylib$/.test(link)) {
      rmSync(path);
      continue;
    }
    const target = basename(readlinkSync(path));
    targets.add(target);
    rmSync(path);
    cpSync(join(release, target), path, { dereference: true });
  }
  for (const target of targets) if (!links.includes(target)) rmSync(join(release, target), { force: true });
}

/** .vscodeignore rules: audify's sources and build tree stay out, its loader and binaries stay in. */
export function audioIgnoreRules(): string[] {
  const base = `node_modules/${AUDIO_PACKAGE}`;
  return [`${base}/.gitmodules`, `${base}/vendor/**`, `${base}/src/**`, `${base}/CMakeLists.txt`, `${base}/binding.gyp`, `${base}/tsconfig.json`, `${base}/build/**`, `!${base}/build/Release/*.node`, `!${base}/build/Release/*.so*`, `!${base}/build/Release/*.dylib`, `!${base}/build/Release/*.dll`];
}
