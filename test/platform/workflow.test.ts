/**
 * The Windows/macOS workflow cannot run here, so it is kept valid here: GitHub's workflow schema (through
 * @action-validator/core, the action-validator checker compiled to WebAssembly), and everything it names —
 * targets the packaging script builds, test files and npm scripts that exist.
 */
import * as assert from 'assert';
import { validateWorkflow } from '@action-validator/core';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { TARGETS } from '../../scripts/package/targets';

const ROOT = join(__dirname, '..', '..');
const FILE = join(ROOT, '.github', 'workflows', 'platforms.yml');

describe('.github/workflows/platforms.yml', () => {
  const text = readFileSync(FILE, 'utf8');

  it("passes GitHub's workflow schema", () => {
    assert.deepStrictEqual(validateWorkflow(text).errors, []);
  });

  it('the checker finds errors (a job without runs-on, a misspelt key)', () => {
    const broken = text.replace('    runs-on: ${{ matrix.os }}\n', '').replace('timeout-minutes', 'timeout-minute');
    assert.ok(validateWorkflow(broken).errors.length > 0);
  });

  it('builds a Windows and a macOS package, for targets the packaging script knows', () => {
    const pairs = [...text.matchAll(/- os: (\S+)\n\s+target: (\S+)/g)].map((m) => [m[1], m[2]]);
    assert.deepStrictEqual(pairs.map(([os]) => os), ['windows-latest', 'macos-latest', 'macos-13']);
    for (const [, target] of pairs) assert.ok((TARGETS as readonly string[]).includes(target), target);
    assert.match(text, /npm run package -- --target \$\{\{ matrix\.target \}\}/);
  });

  it('runs test files and npm scripts that exist', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const [, name] of text.matchAll(/npm run (\w[\w:-]*)/g)) assert.ok(scripts[name], `npm run ${name}`);
    const files = [...text.matchAll(/(test\/\S+\.test\.ts)/g)].map((m) => m[1]);
    assert.ok(files.includes('test/platform/desktop.test.ts'));
    assert.ok(files.includes('test/platform/audio.test.ts'), 'voice through RtAudio on the runners');
    for (const file of files) assert.ok(existsSync(join(ROOT, file)), file);
  });

  it('on Windows rebuilds only packages the project depends on, and never usocket (it cannot compile there)', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const rebuilt = [...text.matchAll(/npm rebuild ([^\n]+)/g)].flatMap((m) => m[1].trim().split(/\s+/));
    assert.ok(rebuilt.length > 0, 'the Windows install rebuilds the addons it loads');
    for (const name of rebuilt) assert.ok(manifest.dependencies[name] ?? manifest.devDependencies[name], name);
    assert.ok(!rebuilt.includes('usocket'));
    assert.match(text, /npm ci --no-audit --no-fund --ignore-scripts/);
  });
});
