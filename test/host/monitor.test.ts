/** Sharing one monitor of a two-monitor screen: only its pixels are sent and input lands inside it. */
import * as assert from 'assert';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { openViewerPage, ViewerPage } from '../../bench/host/viewerBrowser';
import { buildHost } from './support/buildHost';
import { until } from './support/poll';
import { near, TEST_QUALITY, TestDisplay } from './support/session';
import { XProbe } from './support/xprobe';
import { countColour, screenImage } from './support/screenImage';
import { X11Display } from '../../src/host/x11/X11Display';
import { FRAME_COLORS, frameStrips } from '../../src/host/x11/X11SharingFrame';

describe('host: sharing one monitor (RANDR 1.5)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let viewer: ViewerPage;
  let supervisor: HostSupervisor;
  let probe: XProbe;
  let connected: { width: number; height: number } | undefined;
  let granted = false;
  let requested = false;

  const color = (x: number, y: number) => viewer.page.evaluate(([x, y]) => window.remoteAssist.averageColor(x, y, 20, 20, 640), [x, y] as const);

  before(async function () {
    display = await TestDisplay.start(1280, 720);
    // Two monitors side by side; a green window on the right one, the desktop blue.
    await display.xterm(['-geometry', '20x10+700+100', '-bg', '#00c800', '-fg', '#00c800'], 'right');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    await display.run('xrandr', ['--setmonitor', 'LEFT', '640/170x720/190+0+0', 'none']);
    await display.run('xrandr', ['--setmonitor', 'RIGHT', '640/170x720/190+640+0', 'none']);
    probe = await XProbe.open(display.x.display);
    viewer = await openViewerPage({ width: 640, height: 720 });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: display.env });
    supervisor.onSignal((p) => void viewer.signal(p).catch(() => undefined));
    viewer.onSignal((p) => supervisor.signal(p));
    supervisor.onConnected((size) => (connected = size));
    supervisor.onControl((c) => (granted = c.granted));
    supervisor.onControlRequested(() => (requested = true));
    supervisor.start({ quality: TEST_QUALITY, screen: { monitor: 'RIGHT' } });
    await until('the viewer to connect', () => connected !== undefined, 30_000);
  });

  after(async function () {
    await viewer?.close();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    probe?.close();
    await display?.close();
  });

  it('sends only that monitor, with its own origin', async function () {
    assert.deepStrictEqual(connected, { width: 640, height: 720 });
    await until('a 640x720 picture', async () => (await viewer.page.evaluate(() => window.remoteAssist.pictureSize())).width === 640);
    // The green window at screen x=700 is at x=60 on this monitor.
    await until('the green window at its monitor position', async () => near(await color(90, 130), [0, 200, 0]));
    assert.ok(near(await color(400, 600), [0x20, 0x40, 0xc0]));
  });

  it('draws the sharing frame around that monitor only', async function () {
    const x = await X11Display.connect(display.x.display);
    try {
      const area = frameStrips(640, 720).reduce((sum, [, , w, h]) => sum + w * h, 0);
      await until('the frame around the right monitor', async () => countColour(await screenImage(x, 640, 720, 640, 0), FRAME_COLORS.sharing) === area);
      assert.strictEqual(countColour(await screenImage(x, 640, 720, 0, 0), FRAME_COLORS.sharing), 0, 'none on the left monitor');
    } finally {
      x.dispose();
    }
  });

  it('places input relative to the monitor', async function () {
    await viewer.page.evaluate(() => window.remoteAssist.requestControl());
    await until('the control request at the extension', () => requested);
    supervisor.grantControl();
    await until('control granted in the viewer', async () => granted && (await viewer.page.evaluate(() => window.remoteAssist.events())).some((e) => e.type === 'control' && e.granted));
    const p = await viewer.page.evaluate(() => window.remoteAssist.pagePoint(10, 20, 640, 720));
    await viewer.page.mouse.move(p.x, p.y);
    await until('the X pointer on the right monitor', async () => {
      const at = await probe.pointer();
      return at.x === 650 && at.y === 20;
    });
  });
});
