/**
 * The platforms a .vsix is built for, and which native binaries each one carries. The binaries come from the
 * npm registry's per-platform packages (`@roamhq/wrtc-<target>`, libnut's `-darwin`/`-win32`/`-linux`),
 * installed for the target with npm's own `--os`/`--cpu` selection.
 */

import externals from '../node-externals.json';

/** The native SQLite, built for Node: the standalone server's (`npm run server`), not the extension's. */
const NATIVE_SQLITE = 'better-sqlite3';

export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const;
export type Target = (typeof TARGETS)[number];

export function parseTarget(value: string): Target {
  if ((TARGETS as readonly string[]).includes(value)) return value as Target;
  throw new Error(`package: unknown target "${value}"; use one of ${TARGETS.join(', ')}`);
}

export function splitTarget(target: Target): { os: 'linux' | 'darwin' | 'win32'; cpu: 'x64' | 'arm64' } {
  const [os, cpu] = target.split('-') as ['linux' | 'darwin' | 'win32', 'x64' | 'arm64'];
  return { os, cpu };
}

/** Machine types a .node file may be built for, as its file header names them. */
export type Machine = 'elf-x64' | 'elf-arm64' | 'macho-x64' | 'macho-arm64' | 'pe-x64' | 'pe-arm64';

/** The machine types whose code runs on `target` (a macOS universal binary holds both of its slices). */
export function machinesFor(target: Target): Machine[] {
  const { os, cpu } = splitTarget(target);
  const format = os === 'linux' ? 'elf' : os === 'darwin' ? 'macho' : 'pe';
  return [`${format}-${cpu}` as Machine];
}

/**
 * Externals the .vsix does not carry: VS Code itself and ws's optional speed-ups. usocket (dbus-next's
 * descriptor passing for the Wayland portal) goes into Linux packages only (scripts/package/portalBinary.ts).
 */
const NOT_SHIPPED = ['vscode', 'bufferutil', 'utf-8-validate', NATIVE_SQLITE, 'usocket'];

/**
 * Packages the bundles `require` at run time: the bundles' externals (scripts/node-externals.json: native code,
 * or a .wasm loaded beside its JavaScript) and libnut, which the host process loads by a computed name. Not
 * better-sqlite3: it is built for Node's ABI, which desktop VS Code's Electron does not load, so the extension's
 * embedded server runs on the WebAssembly SQLite wherever the .vsix is installed.
 */
export const RUNTIME_PACKAGES: readonly string[] = [...externals.filter((name) => !NOT_SHIPPED.includes(name)), '@nut-tree-fork/libnut'];

/** Native binaries every target must have, or the package is refused. */
export function requiredBinaries(target: Target): { what: string; dir: string }[] {
  return [{ what: `WebRTC (@roamhq/wrtc-${target})`, dir: `node_modules/@roamhq/wrtc-${target}` }];
}

/**
 * libnut (capture and input on Windows and macOS; a diagnosis backend on Linux/X11) publishes one package per
 * OS: darwin holds a universal binary (x64 + arm64), win32 and linux hold x64 only.
 */
export function libnutPackage(target: Target): string | undefined {
  const { os, cpu } = splitTarget(target);
  if (os === 'darwin') return '@nut-tree-fork/libnut-darwin';
  if (cpu !== 'x64') return undefined;
  return os === 'win32' ? '@nut-tree-fork/libnut-win32' : '@nut-tree-fork/libnut-linux';
}

/**
 * uiohook-napi ships every platform's prebuilt binary in one package; its linux-arm64 one is an x86-64 build
 * (checked in 1.5.5), so arm64 Linux goes without it — there the X11 backend watches ESC through XInput 2.
 */
export function uiohookPrebuild(target: Target): boolean {
  return target !== 'linux-arm64';
}
