/**
 * usocket: dbus-next's Unix socket with descriptor passing, which the Wayland portal's OpenPipeWireRemote
 * needs (the PipeWire connection that reaches only the shared stream). It publishes no prebuilt binaries —
 * its install compiles it — so a Linux package gets this machine's own build when the target is this
 * machine (what the tests ran), and goes without it otherwise: the host then reads the stream through the
 * user's default PipeWire socket (PortalBus.connect), and the report and stderr say so.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { isNativeTarget } from './audioBinary';
import { splitTarget, Target } from './targets';

export const PORTAL_SOCKET_PACKAGE = 'usocket';
/** What usocket loads at run time (nan and node-gyp are its build tools). */
const RUNTIME_DEPENDENCIES = ['bindings', 'debug'];
const BINARY = join('build', 'Release', 'uwrap.node');

/** Only Linux has the desktop portal. */
export function carriesPortalSocket(target: Target): boolean {
  return splitTarget(target).os === 'linux';
}

/**
 * Puts this machine's usocket binary into the staged `node_modules/usocket` for its own target, and trims
 * usocket's manifest to its run-time dependencies so `vsce` leaves node-gyp out. Returns whether it is there.
 */
export function stagePortalSocket(root: string, dir: string, target: Target, log: (line: string) => void): boolean {
  const staged = join(dir, 'node_modules', PORTAL_SOCKET_PACKAGE);
  const manifestPath = join(staged, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies?: Record<string, string> };
  manifest.dependencies = Object.fromEntries(Object.entries(manifest.dependencies ?? {}).filter(([name]) => RUNTIME_DEPENDENCIES.includes(name)));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const own = join(root, 'node_modules', PORTAL_SOCKET_PACKAGE, BINARY);
  if (!isNativeTarget(target) || !existsSync(own)) {
    log(`WARNING ${target}: no ${PORTAL_SOCKET_PACKAGE} binary (it has no prebuilt one; build the package on a ${target} machine): on Wayland the host reads the screen cast through the default PipeWire socket instead of the portal's own connection`);
    return false;
  }
  mkdirSync(join(staged, 'build', 'Release'), { recursive: true });
  cpSync(own, join(staged, BINARY));
  return true;
}

/** .vscodeignore rules: usocket's sources and build tree stay out, its loader and binary stay in. */
export function portalSocketIgnoreRules(): string[] {
  const base = `node_modules/${PORTAL_SOCKET_PACKAGE}`;
  return [`${base}/src/**`, `${base}/binding.gyp`, `${base}/build/**`, `!${base}/${BINARY.replace(/\\/g, '/')}`];
}
