/**
 * A resolution change mid-session (RANDR, on Xvnc, which accepts `xrandr -s` as a real desktop does): the
 * host follows it — a new RESET at the new size, pixels of the new area in the viewer, input bounds that
 * follow — instead of freezing on the old size.
 */
import * as assert from 'assert';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { ScreenChoice } from '../../src/protocol/host';
import { openViewerPage, ViewerPage } from '../../bench/host/viewerBrowser';
import { startXvnc } from '../support/xvnc';
import { buildHost } from './support/buildHost';
import { until } from './support/poll';
import { near, TEST_QUALITY, TestDisplay } from './support/session';
import { XProbe } from './support/xprobe';

describe('host: resolution change mid-session (RANDR)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let viewer: ViewerPage;
  let supervisor: HostSupervisor;
  let probe: XProbe;
  let connected: { width: number; height: number } | undefined;
  const screens: { screen: ScreenChoice; width: number; height: number }[] = [];
  const errors: string[] = [];
  let granted = false;

  const size = () => viewer.page.evaluate(() => window.remoteAssist.pictureSize());
  const color = (x: number, y: number, screenWidth: number) => viewer.page.evaluate(([x, y, w]) => window.remoteAssist.averageColor(x, y, 10, 10, w), [x, y, screenWidth] as const);

  before(async function () {
    display = new TestDisplay(await startXvnc(1280, 720));
    await display.run('xsetroot', ['-solid', '#2040c0']);
    probe = await XProbe.open(display.x.display);
    viewer = await openViewerPage({ width: 1280, height: 800 });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: display.env });
    supervisor.onSignal((p) => void viewer.signal(p).catch(() => undefined));
    viewer.onSignal((p) => supervisor.signal(p));
    supervisor.onConnected((s) => (connected = s));
    supervisor.onScreen((s) => screens.push(s));
    supervisor.onError((e) => errors.push(`${e.code}: ${e.message}`));
    supervisor.onControl((c) => (granted = c.granted));
    supervisor.onControlRequested(() => supervisor.grantControl());
    supervisor.start({ quality: TEST_QUALITY, screen: 'all' });
    await until('the viewer to connect', () => connected !== undefined, 30_000);
  });

  after(async function () {
    await viewer?.close();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    probe?.close();
    await display?.close();
  });

  it('shares 1280x720 at first', async function () {
    assert.deepStrictEqual(connected, { width: 1280, height: 720 });
    await until('a 1280x720 picture', async () => (await size()).width === 1280);
    await until('the blue desktop', async () => near(await color(600, 300, 1280), [0x20, 0x40, 0xc0]));
  });

  it('follows a smaller, taller mode: new size, new pixels, input where the old screen ended', async function () {
    await display.run('xrandr', ['-s', '1024x768']);
    await until('the host to report 1024x768', () => screens.some((s) => s.screen === 'all' && s.width === 1024 && s.height === 768), 20_000, 50, () => JSON.stringify(screens));
    await until('a 1024x768 picture in the viewer', async () => {
      const s = await size();
      return s.width === 1024 && s.height === 768;
    });
    // A green window below y=720, where the old screen ended: only the new size shows it.
    await display.xterm(['-geometry', '12x3+880+728', '-bg', '#00c800', '-fg', '#00c800'], 'below');
    await until('the green window below the old bottom edge', async () => near(await color(895, 740, 1024), [0, 200, 0]), 20_000, 100);
    await viewer.page.evaluate(() => window.remoteAssist.requestControl());
    await until('control granted', () => granted);
    const p = await viewer.page.evaluate(() => window.remoteAssist.pagePoint(1000, 750, 1024, 768));
    await viewer.page.mouse.move(p.x, p.y);
    await until('the X pointer at 1000,750', async () => {
      const at = await probe.pointer();
      return at.x === 1000 && at.y === 750;
    });
  });

  it('follows a larger mode than it started with', async function () {
    await display.run('xrandr', ['-s', '1920x1080']);
    await until('a 1920x1080 picture in the viewer', async () => {
      const s = await size();
      return s.width === 1920 && s.height === 1080;
    }, 20_000);
    assert.ok(screens.some((s) => s.width === 1920 && s.height === 1080));
    await until('the green window where it was', async () => near(await color(895, 740, 1920), [0, 200, 0]), 20_000, 100);
    await until('the blue desktop at the new right edge', async () => near(await color(1850, 1000, 1920), [0x20, 0x40, 0xc0]), 20_000, 100);
    const p = await viewer.page.evaluate(() => window.remoteAssist.pagePoint(1900, 1060, 1920, 1080));
    await viewer.page.mouse.move(p.x, p.y);
    await until('the X pointer at 1900,1060', async () => {
      const at = await probe.pointer();
      return at.x === 1900 && at.y === 1060;
    });
    assert.deepStrictEqual(errors, []);
  });
});
