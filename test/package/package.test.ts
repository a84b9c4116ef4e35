/**
 * The README's packaging commands, run as written: one .vsix per platform, each unpacked and checked — entry
 * points present, only that platform's native binaries (read from each .node file's header), nothing the
 * extension does not load (standalone server, source maps, native SQLite, the toolkit's files) — and the
 * linux-x64 one's native modules load and work here.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { binaryMachines } from '../../scripts/package/machine';
import { machinesFor, Target, TARGETS } from '../../scripts/package/targets';
import { near, TestSession } from '../host/support/session';
import { until } from '../host/support/poll';
import { HeadlessGnome } from '../wayland/support/HeadlessGnome';
import { LocalUser } from '../wayland/support/LocalUser';
import { WaylandTestDisplay } from '../wayland/support/WaylandSharing';

const ROOT = join(__dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('npm run package -- --target <platform>', function () {
  this.timeout(600_000);
  let scratch: string;
  const reports = new Map<Target, { vsix: string; bytes: number; voiceBinary: boolean; portalSocketBinary: boolean }>();
  const unpacked = new Map<Target, string>();

  before(function () {
    scratch = mkdtempSync(join(tmpdir(), 'ra-package-'));
    // the README's command, as written
    const out = execFileSync('npm', ['run', 'package', '--', '--target', 'all'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of out.split('\n').filter((l) => l.startsWith('{'))) {
      const report = JSON.parse(line) as { target: Target; vsix: string; bytes: number; voiceBinary: boolean; portalSocketBinary: boolean };
      reports.set(report.target, report);
      const dir = join(scratch, report.target);
      execFileSync('unzip', ['-q', report.vsix, '-d', dir]);
      unpacked.set(report.target, join(dir, 'extension'));
    }
  });

  after(function () {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    for (const target of TARGETS) rmSync(join(ROOT, `remote-assist-${target}.vsix`), { force: true });
  });

  it('builds one .vsix per platform and reports its size', function () {
    assert.deepStrictEqual([...reports.keys()], [...TARGETS]);
    for (const [target, { vsix, bytes }] of reports) {
      assert.strictEqual(vsix, join(ROOT, `remote-assist-${target}.vsix`));
      // libwebrtc is most of it; sharp's libvips (JPEG for slow links) adds ~9 MB compressed
      assert.ok(bytes > 1_000_000 && bytes < 32_000_000, `${target}: ${bytes} bytes`);
    }
  });

  for (const target of TARGETS) {
    it(`${target}: the entry points, and only ${target} native binaries`, function () {
      const dir = unpacked.get(target)!;
      const manifest = readFileSync(join(dir, '..', 'extension.vsixmanifest'), 'utf8');
      assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
      for (const file of ['package.json', 'dist/extension.js', 'dist/embedded-server.js', 'dist/host.js', 'dist/webview/panel.js', 'dist/webview/chat.js', 'dist/webview/voice-worklet.js', 'media/help.md', 'node_modules/@vscode/codicons/dist/codicon.css', 'node_modules/@vscode/codicons/dist/codicon.ttf']) {
        assert.ok(existsSync(join(dir, file)), `${target}: ${file} is missing`);
      }
      // activation loads extension.js only: the server, its SQLite and Redis code wait in embedded-server.js
      const extension = readFileSync(join(dir, 'dist/extension.js'), 'utf8');
      assert.ok(!extension.includes('node-sqlite3-wasm') && !extension.includes('CREATE TABLE accounts'), `${target}: server code in extension.js`);
      assert.ok(extension.includes('require("./embedded-server.js")'), `${target}: extension.js loads the server bundle`);
      const files = walk(dir).map((f) => relative(dir, f));
      const natives = files.filter((f) => f.endsWith('.node'));
      for (const file of natives) {
        const machines = binaryMachines(readFileSync(join(dir, file)));
        assert.ok(machines.some((m) => machinesFor(target).includes(m)), `${target}: ${file} is built for ${machines.join(', ') || 'an unknown machine'}`);
      }
      assert.ok(natives.includes(`node_modules/@roamhq/wrtc-${target}/wrtc.node`), `${target}: WebRTC binary missing`);
      if (!target.startsWith('linux')) assert.ok(natives.some((f) => f.startsWith('node_modules/@nut-tree-fork/libnut-')), `${target}: libnut binary missing`);
      // the local-ESC watcher for libnut's control (arm64 Linux: upstream's binary is x86-64; X11 watches ESC there)
      assert.strictEqual(natives.includes(`node_modules/uiohook-napi/prebuilds/${target}/uiohook-napi.node`), target !== 'linux-arm64', `${target}: uiohook binary`);
      if (target.startsWith('darwin')) assert.ok(natives.includes('node_modules/@nut-tree-fork/node-mac-permissions/build/Release/permissions.node'), `${target}: macOS permission checks`);
      // voice through RtAudio: audify's binary and its Opus/RtAudio libraries for this target, or — where its
      // prebuilt binary could not be downloaded (this machine reaches the npm registry only) — none, as reported
      const audio = files.filter((f) => f.startsWith('node_modules/audify/build/'));
      if (target === 'linux-x64') assert.ok(reports.get(target)!.voiceBinary, 'linux-x64 (this machine) carries the audify binary the tests ran');
      if (reports.get(target)!.voiceBinary) {
        assert.ok(audio.includes('node_modules/audify/build/Release/audify.node'), `${target}: audify binary missing`);
        for (const file of audio) {
          const machines = binaryMachines(readFileSync(join(dir, file)));
          assert.ok(machines.some((m) => machinesFor(target).includes(m)), `${target}: ${file} is built for ${machines.join(', ') || 'an unknown machine'}`);
        }
      } else {
        assert.deepStrictEqual(audio, [], `${target}: reported without voice's binary, so none of another platform's`);
      }
      assert.ok(files.includes('node_modules/audify/index.js') && files.includes('node_modules/bindings/bindings.js'), `${target}: audify's loader`);
      // audify's sources and build tools (cmake-js, prebuild-install and what only they use) stay out
      assert.deepStrictEqual(files.filter((f) => /^node_modules\/(cmake-js|prebuild-install|node-abi|axios)\/|^node_modules\/audify\/(vendor|src)\//.test(f)), []);
      // what the extension does not load
      assert.deepStrictEqual(files.filter((f) => f === 'dist/server.js' || f.endsWith('.map') || f.includes('better-sqlite3') || f.includes('webview-ui-toolkit') || f.startsWith('src/')), []);
      assert.deepStrictEqual(files.filter((f) => f.startsWith('node_modules/@vscode/codicons/') && !/codicon\.(css|ttf)$|package\.json$/.test(f)), []);
    });
  }

  it('linux-x64: the unpacked extension loads WebRTC, the WebAssembly SQLite it runs its embedded server on, RtAudio, and koffi (the host maps its MIT-SHM segments through it)', function () {
    const dir = unpacked.get('linux-x64')!;
    const script = `
      const wrtc = require(${JSON.stringify(join(dir, 'node_modules/@roamhq/wrtc'))});
      const pc = new wrtc.RTCPeerConnection(); pc.close();
      const { Database } = require(${JSON.stringify(join(dir, 'node_modules/node-sqlite3-wasm'))});
      const db = new Database(':memory:'); const row = db.get('select 6*7 as answer'); db.close();
      const { RtAudio } = require(${JSON.stringify(join(dir, 'node_modules/audify'))});
      const api = new RtAudio(4).getApi();
      const koffi = require(${JSON.stringify(join(dir, 'node_modules/koffi'))});
      const getpid = koffi.load('libc.so.6').func('int getpid()');
      process.stdout.write(JSON.stringify({ ...row, api, pid: getpid() === process.pid })); process.exit(0);`;
    assert.strictEqual(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), '{"answer":42,"api":"Pulse","pid":true}');
  });

  it('linux: usocket (the Wayland portal\'s descriptor passing) is in the package, with its binary where it was built here', function () {
    for (const target of ['linux-x64', 'linux-arm64'] as const) {
      const files = walk(unpacked.get(target)!).map((f) => relative(unpacked.get(target)!, f));
      assert.ok(files.includes('node_modules/usocket/index.js'), `${target}: usocket's loader`);
      assert.deepStrictEqual(files.filter((f) => /^node_modules\/(nan|node-gyp)\/|^node_modules\/usocket\/src\//.test(f)), [], `${target}: usocket's build tools`);
      // usocket has no prebuilt binaries: arm64's package goes without (its host reads the default PipeWire socket)
      assert.strictEqual(reports.get(target)!.portalSocketBinary, target === 'linux-x64');
      assert.strictEqual(files.includes('node_modules/usocket/build/Release/uwrap.node'), target === 'linux-x64', `${target}: usocket binary`);
    }
    for (const target of ['darwin-x64', 'darwin-arm64', 'win32-x64'] as const) assert.ok(!existsSync(join(unpacked.get(target)!, 'node_modules/usocket')), `${target}: usocket`);
  });

  it('linux-x64: the unpacked host bundle shares a Wayland desktop through the portal on the portal\'s own PipeWire connection', async function () {
    const gnome = await HeadlessGnome.start('wl-packaged');
    const display = new WaylandTestDisplay(gnome);
    let user: LocalUser | undefined;
    let session: TestSession | undefined;
    try {
      gnome.spawn('/usr/bin/python3', [join(ROOT, 'test', 'wayland', 'support', 'paint.py')]);
      user = await LocalUser.sitDown(gnome);
      await until('the paint client on the screen', async () => near(await user!.colorAt(300, 160), [220, 40, 40], 10));
      const opening = TestSession.open(display, undefined, {}, { hostScript: join(unpacked.get('linux-x64')!, 'dist', 'host.js') });
      await user.allowScreenShare();
      session = await opening;
      await until('the viewer to show the paint client', async () => near(await session!.color(300, 160, 40, 40), [220, 40, 40]));
      // The host's stream reader is on the descriptor the portal passed over D-Bus (usocket), not the default socket.
      const readers = gnome.processes('gst-launch-1.0').filter((args) => args.includes('pipewiresrc'));
      assert.ok(readers.some((args) => args.includes('fd=3')), `the host's reader: ${JSON.stringify(readers)}`);
    } finally {
      await session?.close();
      user?.leave();
      await gnome.stop();
    }
  });

  it('refuses a platform it has no binaries for, saying which ones it builds', function () {
    const run = spawnSync('npm', ['run', '--silent', 'package', '--', '--target', 'linux-ia32'], { cwd: ROOT, encoding: 'utf8' });
    assert.notStrictEqual(run.status, 0);
    assert.match(run.stderr, /unknown target "linux-ia32"; use one of linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64/);
    assert.ok(!existsSync(join(ROOT, 'remote-assist-linux-ia32.vsix')));
  });
});
