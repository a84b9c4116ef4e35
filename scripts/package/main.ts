/**
 * `npm run package [-- --target <t> ...]`: builds the bundles for production and packs one .vsix per target with
 * only what the extension loads there (`vsce package --target`). Without a target: this machine's platform, as
 * remote-assist.vsix (what the demo and the e2e scenario install); with one: remote-assist-<target>.vsix.
 * Each target is staged in .package/<target>/ with its own node_modules, installed from the npm registry for that
 * platform (`npm install --os --cpu` picks the per-platform binary packages). Prints one JSON line per .vsix.
 */
import { execFileSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { join, relative } from 'path';
import { AUDIO_BINARY_FILE, AUDIO_PACKAGE, audioIgnoreRules, stageAudioBinary } from './audioBinary';
import { binaryMachines } from './machine';
import { carriesPortalSocket, PORTAL_SOCKET_PACKAGE, portalSocketIgnoreRules, stagePortalSocket } from './portalBinary';
import { unusedPackages } from './unusedPackages';
import { libnutPackage, machinesFor, uiohookPrebuild, parseTarget, requiredBinaries, RUNTIME_PACKAGES, splitTarget, Target, TARGETS } from './targets';

const ROOT = join(__dirname, '..', '..');
const log = (line: string) => process.stderr.write(`package: ${line}\n`);

function parseArgs(argv: string[]): { targets: Target[]; named: boolean } {
  const targets: Target[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--target') throw new Error(`package: unknown argument "${argv[i]}"; usage: npm run package -- [--target <${TARGETS.join('|')}|all>]`);
    const value = argv[++i] ?? '';
    if (value === 'all') targets.push(...TARGETS);
    else targets.push(parseTarget(value));
  }
  if (targets.length > 0) return { targets: [...new Set(targets)], named: true };
  return { targets: [parseTarget(`${process.platform}-${process.arch}`)], named: false };
}

/** The version of a package as installed in this checkout (so every .vsix carries what the tests ran). */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** What the bundles load at run time on `target` (Linux adds the Wayland portal's descriptor-passing socket). */
function runtimePackages(target: Target): string[] {
  return [...RUNTIME_PACKAGES, ...(carriesPortalSocket(target) ? [PORTAL_SOCKET_PACKAGE] : [])];
}

function stageManifest(dir: string, target: Target): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg.devDependencies;
  delete pkg.scripts;
  delete pkg.overrides;
  pkg.dependencies = Object.fromEntries([...runtimePackages(target), '@vscode/codicons'].map((name) => [name, installedVersion(name)]));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

/** What the .vsix leaves out of the staged tree: maps, sources, docs, and every other platform's binaries. */
function ignoreRules(target: Target): string[] {
  const libnut = libnutPackage(target);
  return [
    '**/*.map',
    '**/*.d.ts',
    'node_modules/**/*.md',
    'package-lock.json',
    'node_modules/.package-lock.json',
    // codicons: the stylesheet and its font only (the panel's icons)
    'node_modules/@vscode/codicons/**',
    '!node_modules/@vscode/codicons/package.json',
    '!node_modules/@vscode/codicons/dist/codicon.css',
    '!node_modules/@vscode/codicons/dist/codicon.ttf',
    // libnut: its loader and this platform's binary package only; link-time files are not loaded
    ...['darwin', 'linux', 'win32'].map((os) => `node_modules/@nut-tree-fork/libnut-${os}/**`).filter((rule) => !libnut || !rule.startsWith(`node_modules/${libnut}/`)),
    'node_modules/@nut-tree-fork/libnut/jest.config.js',
    'node_modules/@nut-tree-fork/libnut/tsconfig.json',
    'node_modules/**/*.exp',
    'node_modules/**/*.lib',
    'node_modules/**/build/Makefile',
    // headers node-mac-permissions was compiled with
    'node_modules/node-addon-api/**',
    // uiohook-napi (the local-ESC watcher beside libnut): its loader and this platform's prebuilt binary only
    'node_modules/uiohook-napi/libuiohook/**',
    'node_modules/uiohook-napi/src/**',
    'node_modules/uiohook-napi/binding.gyp',
    'node_modules/uiohook-napi/prebuilds/**',
    ...(uiohookPrebuild(target) ? [`!node_modules/uiohook-napi/prebuilds/${target}/**`] : []),
    // koffi (libc's mmap for MIT-SHM segments): its loader and this platform's binary package; the rest is C++ for builds from source
    'node_modules/koffi/src/**/*.{cc,hh,inc,S,asm,def,txt}',
    'node_modules/koffi/vendor/**',
    'node_modules/koffi/lib/**',
    // audify (voice through RtAudio): its loader and this target's binaries only
    ...audioIgnoreRules(),
    ...portalSocketIgnoreRules(),
  ];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Fails unless each required binary is there and every .node left in the package runs on the target. */
function checkBinaries(dir: string, target: Target, ignored: (file: string) => boolean): void {
  for (const { what, dir: sub } of requiredBinaries(target)) {
    const found = existsSync(join(dir, sub)) && walk(join(dir, sub)).some((f) => f.endsWith('.node'));
    if (!found) throw new Error(`package: cannot build ${target}: no prebuilt ${what} binary in the npm registry for this platform`);
  }
  const allowed = machinesFor(target);
  const native = (f: string) => f.endsWith('.node') || (f.replace(/\\/g, '/').includes(`/${AUDIO_PACKAGE}/build/Release/`) && AUDIO_BINARY_FILE.test(f));
  for (const file of walk(join(dir, 'node_modules')).filter(native)) {
    const rel = relative(dir, file).replace(/\\/g, '/');
    if (ignored(rel)) continue;
    const machines = binaryMachines(readFileSync(file));
    if (!machines.some((m) => allowed.includes(m))) throw new Error(`package: ${rel} is built for ${machines.join(', ') || 'an unknown machine'}, not ${target}`);
  }
}

function matcher(rules: string[]): (file: string) => boolean {
  const toRegex = (glob: string) =>
    new RegExp(`^${glob.split(/(\*\*\/|\*\*|\*)/).map((part) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*' })[part] ?? part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('')}$`);
  const ignore = rules.filter((r) => !r.startsWith('!')).map(toRegex);
  const keep = rules.filter((r) => r.startsWith('!')).map((r) => toRegex(r.slice(1)));
  return (file) => ignore.some((r) => r.test(file)) && !keep.some((r) => r.test(file));
}

function packageTarget(target: Target, out: string): { target: Target; vsix: string; bytes: number; voiceBinary: boolean; portalSocketBinary: boolean } {
  const dir = join(ROOT, '.package', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  stageManifest(dir, target);
  for (const file of ['README.md', 'LICENSE']) if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(dir, file));
  cpSync(join(ROOT, 'media'), join(dir, 'media'), { recursive: true });
  // dist/ without the standalone server (`npm run server` / `node dist/server.js` is not part of the extension)
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true, filter: (src) => relative(join(ROOT, 'dist'), src) !== 'server.js' });
  const { os, cpu } = splitTarget(target);
  log(`${target}: installing ${runtimePackages(target).join(', ')} for ${os}/${cpu} from the npm registry`);
  // --ignore-scripts: nothing is compiled here; each platform's binaries come prebuilt
  // npm is npm.cmd on Windows, which Node runs only through a shell
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', `--os=${os}`, `--cpu=${cpu}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  const voiceBinary = stageAudioBinary(ROOT, dir, target, log);
  const portalSocketBinary = carriesPortalSocket(target) && stagePortalSocket(ROOT, dir, target, log);
  const rules = [...ignoreRules(target), ...unusedPackages(dir).map((pkg) => `${pkg}/**`)];
  checkBinaries(dir, target, matcher(rules));
  writeFileSync(join(dir, '.vscodeignore'), `${rules.join('\n')}\n`);
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // No public repository or LICENSE file yet: say so instead of answering vsce's prompts.
  execFileSync(process.execPath, [vsce, 'package', '--target', target, '--no-update-package-json', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: dir,
    stdio: ['ignore', 2, 'inherit'],
  });
  return { target, vsix: out, bytes: statSync(out).size, voiceBinary, portalSocketBinary };
}

function main(): void {
  const { targets, named } = parseArgs(process.argv.slice(2));
  log('building the bundles for production');
  execFileSync(process.execPath, [join(ROOT, 'esbuild.js'), '--production'], { cwd: ROOT, stdio: ['ignore', 2, 'inherit'] });
  for (const target of targets) {
    const out = join(ROOT, named ? `remote-assist-${target}.vsix` : 'remote-assist.vsix');
    const result = packageTarget(target, out);
    log(`${relative(ROOT, result.vsix)}: ${(result.bytes / 1048576).toFixed(1)} MB`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
