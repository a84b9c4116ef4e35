/**
 * The sharer's monitor picker at the host: the display's monitors are listed for the picker, and the sharer
 * switches monitor (or all) mid-session — each switch gives the viewer a RESET at the new size with that
 * monitor's pixels, and the helper's input lands on the monitor now shared. A monitor that is not there
 * is refused with a coded error and changes nothing; the chosen monitor is followed through a resolution
 * change. The sharing frame on the sharer's screen moves with what is shared, and never reaches the viewer.
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
import { countColour, screenImage } from './support/screenImage';
import { X11Display } from '../../src/host/x11/X11Display';
import { FRAME_COLORS, frameStrips } from '../../src/host/x11/X11SharingFrame';

const RED = [200, 0, 0];
const GREEN = [0, 200, 0];
const BLUE = [0x20, 0x40, 0xc0];

describe('host: choosing the monitor mid-session', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let viewer: ViewerPage;
  let supervisor: HostSupervisor;
  let probe: XProbe;
  let connected: { width: number; height: number } | undefined;
  const screens: { screen: ScreenChoice; width: number; height: number }[] = [];
  const errors: { code: string; message: string }[] = [];
  let granted = false;

  const size = () => viewer.page.evaluate(() => window.remoteAssist.pictureSize());
  const color = (x: number, y: number, screenWidth: number) => viewer.page.evaluate(([x, y, w]) => window.remoteAssist.averageColor(x, y, 20, 20, w), [x, y, screenWidth] as const);
  const pointerTo = async (x: number, y: number, w: number, h: number, expected: { x: number; y: number }) => {
    const p = await viewer.page.evaluate(([x, y, w, h]) => window.remoteAssist.pagePoint(x, y, w, h), [x, y, w, h] as const);
    await viewer.page.mouse.move(p.x, p.y);
    await until(`the X pointer at ${expected.x},${expected.y}`, async () => {
      const at = await probe.pointer();
      return at.x === expected.x && at.y === expected.y;
    });
  };
  const switchTo = async (screen: ScreenChoice, width: number, height: number) => {
    const before = screens.length;
    supervisor.selectScreen(screen);
    await until(`the host to share ${JSON.stringify(screen)}`, () => screens.slice(before).some((s) => JSON.stringify(s.screen) === JSON.stringify(screen) && s.width === width && s.height === height));
  };

  before(async function () {
    display = await TestDisplay.start(1280, 720);
    await display.xterm(['-geometry', '20x10+700+100', '-bg', '#00c800', '-fg', '#00c800'], 'right');
    await display.xterm(['-geometry', '20x10+100+100', '-bg', '#c80000', '-fg', '#c80000'], 'left');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    await display.run('xrandr', ['--setmonitor', 'LEFT', '640/170x720/190+0+0', 'none']);
    await display.run('xrandr', ['--setmonitor', 'RIGHT', '640/170x720/190+640+0', 'none']);
    probe = await XProbe.open(display.x.display);
    viewer = await openViewerPage({ width: 1280, height: 720 });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: display.env });
    supervisor.onSignal((p) => void viewer.signal(p).catch(() => undefined));
    viewer.onSignal((p) => supervisor.signal(p));
    supervisor.onConnected((s) => (connected = s));
    supervisor.onScreen((s) => screens.push(s));
    supervisor.onError((e) => errors.push({ code: e.code, message: e.message }));
    supervisor.onControl((c) => (granted = c.granted));
    supervisor.onControlRequested(() => supervisor.grantControl());
  });

  after(async function () {
    await viewer?.close();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    probe?.close();
    await display?.close();
  });

  it('lists the monitors for the picker before anything is shared', async function () {
    const monitors = await supervisor.listMonitors();
    const byName = new Map(monitors.map((m) => [m.name, m]));
    assert.deepStrictEqual({ ...byName.get('LEFT'), primary: undefined }, { name: 'LEFT', primary: undefined, x: 0, y: 0, width: 640, height: 720 });
    assert.deepStrictEqual({ ...byName.get('RIGHT'), primary: undefined }, { name: 'RIGHT', primary: undefined, x: 640, y: 0, width: 640, height: 720 });
    assert.strictEqual(supervisor.state, 'idle');
  });

  it('starts on the monitor chosen at consent', async function () {
    supervisor.start({ quality: TEST_QUALITY, screen: { monitor: 'RIGHT' } });
    await until('the viewer to connect', () => connected !== undefined, 30_000);
    assert.deepStrictEqual(connected, { width: 640, height: 720 });
    await until('the green window on the right monitor', async () => near(await color(90, 130, 640), GREEN), 20_000, 100);
    await viewer.page.evaluate(() => window.remoteAssist.requestControl());
    await until('control granted', () => granted);
    await pointerTo(10, 20, 640, 720, { x: 650, y: 20 });
  });

  it('switches to the other monitor: its pixels, input on it', async function () {
    await switchTo({ monitor: 'LEFT' }, 640, 720);
    await until('the red window of the left monitor', async () => near(await color(130, 130, 640), RED), 20_000, 100);
    assert.ok(near(await color(400, 600, 640), BLUE));
    await pointerTo(10, 20, 640, 720, { x: 10, y: 20 });
  });

  it('switches to all monitors: a RESET at the whole size, input across it', async function () {
    await switchTo('all', 1280, 720);
    await until('a 1280x720 picture', async () => (await size()).width === 1280);
    await until('both windows', async () => near(await color(130, 130, 1280), RED) && near(await color(730, 130, 1280), GREEN), 20_000, 100);
    await pointerTo(1200, 700, 1280, 720, { x: 1200, y: 700 });
  });

  it('refuses a monitor that is not there, with a coded error, and changes nothing', async function () {
    const before = screens.length;
    supervisor.selectScreen({ monitor: 'NOPE' });
    await until('ERR_MONITOR_NOT_FOUND', () => errors.some((e) => e.code === 'ERR_MONITOR_NOT_FOUND' && e.message.includes('LEFT')));
    assert.strictEqual(screens.length, before);
    assert.deepStrictEqual(await size(), { width: 1280, height: 720 });
    await pointerTo(1000, 600, 1280, 720, { x: 1000, y: 600 });
    assert.deepStrictEqual(errors.filter((e) => e.code !== 'ERR_MONITOR_NOT_FOUND'), []);
  });
});

describe('host: the chosen monitor through a resolution change (RANDR, Xvnc)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let viewer: ViewerPage;
  let supervisor: HostSupervisor;
  let connected: { width: number; height: number } | undefined;
  const screens: { screen: ScreenChoice; width: number; height: number }[] = [];
  const errors: string[] = [];
  const size = () => viewer.page.evaluate(() => window.remoteAssist.pictureSize());
  const color = (x: number, y: number, screenWidth: number) => viewer.page.evaluate(([x, y, w]) => window.remoteAssist.averageColor(x, y, 20, 20, w), [x, y, screenWidth] as const);

  before(async function () {
    display = new TestDisplay(await startXvnc(1280, 720));
    await display.xterm(['-geometry', '20x10+700+100', '-bg', '#00c800', '-fg', '#00c800'], 'right');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    await display.run('xrandr', ['--setmonitor', 'LEFT', '640/170x720/190+0+0', 'none']);
    await display.run('xrandr', ['--setmonitor', 'RIGHT', '640/170x720/190+640+0', 'none']);
    viewer = await openViewerPage({ width: 640, height: 720 });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: display.env });
    supervisor.onSignal((p) => void viewer.signal(p).catch(() => undefined));
    viewer.onSignal((p) => supervisor.signal(p));
    supervisor.onConnected((s) => (connected = s));
    supervisor.onScreen((s) => screens.push(s));
    supervisor.onError((e) => errors.push(`${e.code}: ${e.message}`));
    supervisor.start({ quality: TEST_QUALITY, screen: { monitor: 'RIGHT' } });
    await until('the viewer to connect', () => connected !== undefined, 30_000);
  });

  after(async function () {
    await viewer?.close();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    await display?.close();
  });

  it('keeps to the monitor, cut to a smaller screen, and grows back with it', async function () {
    await until('the green window on the right monitor', async () => near(await color(90, 130, 640), GREEN), 20_000, 100);
    // 1024 wide: the right monitor keeps x 640–1023 of the screen, never more than it was.
    await display.run('xrandr', ['-s', '1024x768']);
    await until('the host to share RIGHT as 384x720', () => screens.some((s) => JSON.stringify(s.screen) === '{"monitor":"RIGHT"}' && s.width === 384 && s.height === 720), 20_000, 50, () => JSON.stringify(screens));
    await until('a 384x720 picture', async () => (await size()).width === 384);
    await until('the green window still at its monitor position', async () => near(await color(90, 130, 384), GREEN), 20_000, 100);
    await display.run('xrandr', ['-s', '1280x720']);
    await until('a 640x720 picture again', async () => (await size()).width === 640);
    await until('the blue desktop at the monitor right edge', async () => near(await color(600, 600, 640), BLUE), 20_000, 100);
    assert.deepStrictEqual(errors, []);
  });
});

/** Counts, on every animation frame, the viewer canvas pixels in the sharing frame's colour (it must stay 0). */
const WATCH_FRAME_COLOUR = `(() => {
  const probe = document.createElement('canvas');
  const ctx = probe.getContext('2d', { willReadFrequently: true });
  const [r, g, b] = [${(FRAME_COLORS.sharing >> 16) & 0xff}, ${(FRAME_COLORS.sharing >> 8) & 0xff}, ${FRAME_COLORS.sharing & 0xff}];
  window.raFrameSeen = { frames: 0, pixels: 0 };
  const tick = () => {
    const canvas = document.querySelector('.ra-stage canvas');
    if (canvas && canvas.width > 0) {
      probe.width = canvas.width;
      probe.height = canvas.height;
      ctx.drawImage(canvas, 0, 0);
      const d = ctx.getImageData(0, 0, probe.width, probe.height).data;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - g) < 12 && Math.abs(d[i + 2] - b) < 12) window.raFrameSeen.pixels++;
      window.raFrameSeen.frames++;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

describe('host: the sharing frame follows a monitor switch and a resolution change (Xvnc)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let x: X11Display;
  let viewer: ViewerPage;
  let supervisor: HostSupervisor;
  let connected: { width: number; height: number } | undefined;
  const screens: { screen: ScreenChoice; width: number; height: number }[] = [];
  const errors: string[] = [];
  /** The X screen's size now (RANDR changes it). */
  let screenSize = { width: 1280, height: 720 };

  const size = () => viewer.page.evaluate(() => window.remoteAssist.pictureSize());
  const seen = () => viewer.page.evaluate(() => (window as unknown as { raFrameSeen: { frames: number; pixels: number } }).raFrameSeen);
  const stripsArea = (w: number, h: number) => frameStrips(w, h).reduce((sum, [, , sw, sh]) => sum + sw * sh, 0);
  /** Frame-coloured pixels on the X screen: all of them, and those inside `area`. */
  const onScreen = async (area: { x: number; y: number; width: number; height: number }) => ({
    total: countColour(await screenImage(x, screenSize.width, screenSize.height), FRAME_COLORS.sharing),
    inside: countColour(await screenImage(x, area.width, area.height, area.x, area.y), FRAME_COLORS.sharing),
  });
  /** The frame is exactly around `area` on the X display: its four strips there and nowhere else. */
  const frameAround = async (what: string, area: { x: number; y: number; width: number; height: number }) => {
    const want = stripsArea(area.width, area.height);
    let last = { total: -1, inside: -1 };
    await until(`the frame around ${what}`, async () => {
      last = await onScreen(area);
      return last.total === want && last.inside === want;
    }, 20_000, 50, () => `${JSON.stringify(last)}, want ${want}`);
  };
  const switchTo = async (screen: ScreenChoice, width: number, height: number) => {
    const before = screens.length;
    supervisor.selectScreen(screen);
    await until(`the host to share ${JSON.stringify(screen)}`, () => screens.slice(before).some((s) => JSON.stringify(s.screen) === JSON.stringify(screen) && s.width === width && s.height === height));
    await until(`a ${width}x${height} picture`, async () => {
      const s = await size();
      return s.width === width && s.height === height;
    });
  };

  before(async function () {
    display = new TestDisplay(await startXvnc(1280, 720));
    // Connected first: the X server resets (and forgets the background) when its last client leaves.
    x = await X11Display.connect(display.x.display);
    await display.run('xsetroot', ['-solid', '#2040c0']);
    await display.run('xrandr', ['--setmonitor', 'LEFT', '640/170x720/190+0+0', 'none']);
    await display.run('xrandr', ['--setmonitor', 'RIGHT', '640/170x720/190+640+0', 'none']);
    viewer = await openViewerPage({ width: 1280, height: 720 });
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: display.env });
    supervisor.onSignal((p) => void viewer.signal(p).catch(() => undefined));
    viewer.onSignal((p) => supervisor.signal(p));
    supervisor.onConnected((s) => (connected = s));
    supervisor.onScreen((s) => screens.push(s));
    supervisor.onError((e) => errors.push(`${e.code}: ${e.message}`));
    supervisor.start({ quality: TEST_QUALITY, screen: { monitor: 'RIGHT' } });
    await until('the viewer to connect', () => connected !== undefined, 30_000);
    await until('the regions canvas in the viewer', () => viewer.page.evaluate(() => window.remoteAssist.showsCanvas()));
    await viewer.page.evaluate(WATCH_FRAME_COLOUR);
  });

  after(async function () {
    await viewer?.close();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    x?.dispose();
    await display?.close();
  });

  it('draws the frame around the monitor chosen at consent', async function () {
    await frameAround('the right monitor', { x: 640, y: 0, width: 640, height: 720 });
  });

  it('moves the frame to the other monitor when the sharer switches', async function () {
    await switchTo({ monitor: 'LEFT' }, 640, 720);
    await frameAround('the left monitor', { x: 0, y: 0, width: 640, height: 720 });
  });

  it('grows the frame to the whole screen when the sharer shares all monitors (the old frame lay inside it)', async function () {
    await switchTo('all', 1280, 720);
    await frameAround('the whole screen', { x: 0, y: 0, width: 1280, height: 720 });
  });

  it('follows a resolution change (RANDR) and back', async function () {
    await display.run('xrandr', ['-s', '1024x768']);
    screenSize = { width: 1024, height: 768 };
    await until('a 1024x768 picture', async () => (await size()).width === 1024);
    await frameAround('the 1024x768 screen', { x: 0, y: 0, width: 1024, height: 768 });
    await display.run('xrandr', ['-s', '1280x720']);
    screenSize = { width: 1280, height: 720 };
    await until('a 1280x720 picture again', async () => (await size()).width === 1280);
    await frameAround('the 1280x720 screen again', { x: 0, y: 0, width: 1280, height: 720 });
  });

  it('never showed a frame pixel in the helper picture, across all of the above', async function () {
    // A few more painted frames after the last change, so a late leak would be counted too.
    const framesNow = (await seen()).frames;
    await until('the watcher to look at more frames', async () => (await seen()).frames > framesNow + 10);
    const s = await seen();
    assert.ok(s.frames > 20, `the watcher looked at ${s.frames} frames`);
    assert.strictEqual(s.pixels, 0, `${s.pixels} frame-coloured pixels reached the viewer`);
    assert.deepStrictEqual(errors, []);
  });
});
