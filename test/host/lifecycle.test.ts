/**
 * The host process's life: it ends with its parent (releasing held keys), fails clearly where it cannot
 * share, and rejects bad commands without harm.
 */
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { createInterface } from 'readline';
import { HostError, HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { openViewerPage, ViewerPage } from '../../bench/host/viewerBrowser';
import { buildHost } from './support/buildHost';
import { until } from './support/poll';
import { TEST_QUALITY, TestDisplay } from './support/session';
import { XK, XProbe } from './support/xprobe';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('host: lifecycle', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let hostScript: string;

  before(async function () {
    hostScript = await buildHost();
    display = await TestDisplay.start(1280, 720);
    await display.xterm(['-geometry', '80x12+0+0'], 'term');
  });

  after(async function () {
    await display?.close();
  });

  describe('when the parent is killed', function () {
    let parent: ChildProcess;
    let viewer: ViewerPage;
    let probe: XProbe;
    let hostPid = 0;

    after(async function () {
      if (parent?.exitCode === null) parent.kill('SIGKILL');
      if (hostPid && alive(hostPid)) process.kill(hostPid, 'SIGKILL');
      await viewer?.close();
      probe?.close();
    });

    it('the host exits and releases the keys the helper held', async function () {
      probe = await XProbe.open(display.x.display);
      viewer = await openViewerPage({ width: 1280, height: 720 });
      parent = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'support', 'parentProcess.ts'), hostScript], {
        env: display.env,
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const events: Record<string, unknown>[] = [];
      createInterface({ input: parent.stdout! }).on('line', (line) => {
        const message = JSON.parse(line) as Record<string, unknown>;
        events.push(message);
        if (message.hostPid) hostPid = message.hostPid as number;
        if (message.signal) void viewer.signal(message.signal).catch(() => undefined);
      });
      viewer.onSignal((payload) => parent.stdin!.write(`${JSON.stringify({ signal: payload })}\n`));
      await until('the viewer to connect through the parent', async () => (await viewer.page.evaluate(() => window.remoteAssist.events())).some((e) => e.type === 'connected'), 30_000);
      await viewer.page.evaluate(() => window.remoteAssist.requestControl());
      await until('control granted', async () => (await viewer.page.evaluate(() => window.remoteAssist.events())).some((e) => e.type === 'control' && e.granted === true));
      await viewer.page.evaluate(() => window.remoteAssist.setKeyboardCapture(true));
      await viewer.page.keyboard.down('Shift');
      await until('Shift held on the display', async () => (await probe.keysDown()).includes(XK.Shift_L));
      assert.ok(hostPid > 0 && alive(hostPid));

      parent.kill('SIGKILL');
      await until('the host process to exit', () => !alive(hostPid), 10_000, 10);
      assert.deepStrictEqual(await probe.keysDown(), [], 'no key may stay held after the host is gone');
    });
  });

  describe('errors', function () {
    async function fatalError(env: NodeJS.ProcessEnv, screen?: { monitor: string }): Promise<HostError> {
      const supervisor = new HostSupervisor({ hostScript, env });
      const errors: HostError[] = [];
      let exited = false;
      supervisor.onError((e) => errors.push(e));
      supervisor.onExit(() => (exited = true));
      supervisor.start({ quality: TEST_QUALITY, screen });
      try {
        await until('the host to fail and exit', () => exited && errors.length > 0, 20_000);
        return errors[0];
      } finally {
        supervisor.dispose();
      }
    }

    it('says clearly when a Wayland session has no desktop portal to share through', async function () {
      const env: NodeJS.ProcessEnv = { ...process.env, WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/ra-bus' };
      delete env.DISPLAY;
      const error = await fatalError(env);
      assert.strictEqual(error.code, 'ERR_PORTAL');
      assert.match(error.message, /The D-Bus session bus cannot be reached .*the desktop portal is needed to share a Wayland screen/);
      assert.strictEqual(error.fatal, true);
    });

    it('reports an unreachable X display', async function () {
      const error = await fatalError({ ...display.env, DISPLAY: ':999' });
      assert.strictEqual(error.code, 'ERR_DISPLAY');
    });

    it('names the monitors that exist when asked for one that does not', async function () {
      const error = await fatalError(display.env, { monitor: 'HDMI-9' });
      assert.strictEqual(error.code, 'ERR_MONITOR_NOT_FOUND');
      assert.match(error.message, /available: screen/);
    });

    it('rejects bad and out-of-order commands without dying', async function () {
      const supervisor = new HostSupervisor({ hostScript, env: display.env });
      const errors: HostError[] = [];
      let exited = false;
      supervisor.onError((e) => errors.push(e));
      supervisor.onExit(() => (exited = true));
      try {
        supervisor.start({ quality: TEST_QUALITY });
        supervisor.grantControl();
        supervisor.setQuality({ maxKbps: 1, fps: 1000, scale: 7 } as never);
        (supervisor as unknown as { send(c: unknown): void }).send({ type: 'formatDisk' });
        await until('three errors', () => errors.length >= 3, 20_000, 50, () => JSON.stringify(errors));
        assert.deepStrictEqual(
          errors.map((e) => e.code),
          ['ERR_BAD_COMMAND', 'ERR_BAD_COMMAND', 'ERR_BAD_COMMAND'],
        );
        assert.match(errors[0].message, /cannot grant control while/);
        assert.strictEqual(exited, false);
        await supervisor.stop();
        assert.strictEqual(exited, true);
      } finally {
        supervisor.dispose();
      }
    });
  });
});
