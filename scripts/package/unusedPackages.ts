/**
 * Installed packages no runtime dependency reaches: what npm installed for a dependency's build step (audify's
 * cmake-js and prebuild-install, once its manifest is trimmed) and `vsce` would pack all the same, since it
 * packs what the lockfile lists. Resolved as Node does: a nested node_modules first, then the parent's.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { basename, dirname, join, relative } from 'path';

function dependenciesOf(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})];
}

function resolve(from: string, name: string, root: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

function installed(root: string): string[] {
  const top = join(root, 'node_modules');
  const out: string[] = [];
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (entry.startsWith('@')) {
        visit(path);
        continue;
      }
      if (!existsSync(join(path, 'package.json'))) continue;
      out.push(path);
      visit(join(path, 'node_modules'));
    }
  };
  visit(top);
  return out;
}

/** Package folders (relative, with `/`) under `root`'s node_modules that its package.json's dependencies never reach. */
export function unusedPackages(root: string): string[] {
  const reached = new Set<string>();
  const queue = dependenciesOf(root).map((name) => resolve(root, name, root)).filter((p): p is string => !!p);
  while (queue.length) {
    const dir = queue.pop()!;
    if (reached.has(dir)) continue;
    reached.add(dir);
    for (const name of dependenciesOf(dir)) {
      const found = resolve(dir, name, root);
      if (found && !reached.has(found)) queue.push(found);
    }
  }
  return installed(root)
    .filter((dir) => !reached.has(dir))
    .map((dir) => relative(root, dir).replace(/\\/g, '/'));
}
