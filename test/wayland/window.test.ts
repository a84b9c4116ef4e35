/**
 * Sharing one window, chosen in the portal's own dialog: under GNOME Shell (headless), whose Introspect API is
 * where xdg-desktop-portal-gnome finds the windows it offers (mutter alone offers none). mutter 43 sends a window
 * as a monitor-sized stream with the window at its top-left and the rest cleared (the window's place is PipeWire
 * crop metadata, which gst-launch's reader does not apply): the helper sees the window and nothing else of the
 * desktop, also after the window is resized. Control of a shared window is refused (the portal's pointer did not
 * follow a window stream here).
 */
import * as assert from 'assert';
import { ChildProcess } from 'child_process';
import * as path from 'path';
import { near, TestSession } from '../host/support/session';
import { until, within } from '../host/support/poll';
import { HeadlessGnome } from './support/HeadlessGnome';
import { LocalUser } from './support/LocalUser';
import { WaylandTestDisplay } from './support/WaylandSharing';
import * as dbus from 'dbus-next';

/**
 * Starts the portal and its GNOME backend before the host asks (under GNOME Shell their first start can take
 * most of D-Bus's 25 s call timeout on a loaded machine, which would eat the host's time to connect).
 */
async function warmPortal(gnome: HeadlessGnome): Promise<void> {
  const bus = dbus.sessionBus({ busAddress: gnome.env.DBUS_SESSION_BUS_ADDRESS });
  try {
    await until('the portal to answer', async () => {
      const call = bus.call(new dbus.Message({ destination: 'org.freedesktop.portal.Desktop', path: '/org/freedesktop/portal/desktop', interface: 'org.freedesktop.DBus.Properties', member: 'Get', signature: 'ss', body: ['org.freedesktop.portal.ScreenCast', 'AvailableSourceTypes'] }));
      const reply = await within('the portal', call, 30_000).catch(() => undefined);
      return reply ?? undefined;
    }, 60_000, 500);
  } finally {
    bus.disconnect();
  }
}

/** A headless GNOME Shell, the sharer sitting at it on the desktop (out of the overview), the portal started. */
async function sitAtGnomeShell(): Promise<[HeadlessGnome, LocalUser]> {
  const gnome = await HeadlessGnome.start('wl-window', 1280, 720, 'gnome-shell');
  let user: LocalUser | undefined;
  try {
    user = await LocalUser.sitDown(gnome);
    await user.leaveOverview();
    await warmPortal(gnome);
    return [gnome, user];
  } catch (err) {
    user?.leave();
    await gnome.stop();
    throw err;
  }
}

const RED: [number, number, number] = [220, 40, 40];
const GREEN: [number, number, number] = [40, 199, 40];
const BLUE: [number, number, number] = [40, 40, 219];
const YELLOW: [number, number, number] = [230, 230, 40];

describe('wayland: sharing one window chosen in the portal dialog (headless GNOME Shell)', function () {
  this.timeout(120_000);
  let gnome: HeadlessGnome;
  let user: LocalUser;
  let paint: ChildProcess;
  let session: TestSession | undefined;
  const sizes: [number, number][] = [];

  before(async function () {
    // Two desktops' worth: GNOME Shell once stopped answering while it started (in CI, on a loaded machine;
    // not seen again in 60 runs under load here), and a fresh one is started then, the reason printed.
    this.timeout(300_000);
    try {
      [gnome, user] = await sitAtGnomeShell();
    } catch (err) {
      console.log(`      GNOME Shell did not start (${(err as Error).message}): starting a fresh desktop`);
      [gnome, user] = await sitAtGnomeShell();
    }
    paint = gnome.spawn('/usr/bin/python3', [path.join(__dirname, 'support', 'paint.py'), '400', '300'], 'pipe');
    paint.stdout?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as { size?: [number, number] };
        if (event.size) sizes.push(event.size);
      }
    });
    await until('the window on the screen', () => sizes.length > 0, 20_000);
  });

  after(async function () {
    await session?.close();
    user?.leave();
    await gnome?.stop();
  });

  /** The colour the viewer shows around a point of the shared picture. */
  async function colorAt(x: number, y: number): Promise<[number, number, number]> {
    return session!.color(x, y, 8, 8);
  }

  /** The window's quadrants, below its title bar, from its top-left corner in the picture (after its shadow). */
  async function showsTheWindow(width: number): Promise<void> {
    const [left, top] = [26, 60];
    for (const [x, y, rgb] of [[width / 4, 75, RED], [(3 * width) / 4, 75, GREEN], [width / 4, 225, BLUE], [(3 * width) / 4, 225, YELLOW]] as const) {
      await until(`the viewer to show ${rgb} at ${x},${y} of the window`, async () => near(await colorAt(left + x - 4, top + y - 4), rgb));
    }
  }

  it('shows the helper the chosen window and nothing else of the desktop', async function () {
    const opening = TestSession.open(new WaylandTestDisplay(gnome));
    await user.allowWindowShare();
    session = await opening;
    await showsTheWindow(400);
    // Where the desktop (GNOME's blue) and the top bar are on the sharer's screen, the helper sees nothing.
    assert.ok(near(await user.colorAt(1000, 600), [0, 58, 140], 40), `the desktop on the sharer's screen: ${await user.colorAt(1000, 600)}`);
    for (const [x, y] of [[1000, 600], [640, 10], [600, 200]]) assert.ok(near(await colorAt(x, y), [0, 0, 0], 12), `${x},${y}: ${await colorAt(x, y)}`);
  });

  it('keeps showing the window when it is resized', async function () {
    const before = sizes.length;
    paint.kill('SIGUSR1');
    await until('the window resized', () => sizes.slice(before).some(([w]) => w >= 600), 20_000);
    await showsTheWindow(600);
    assert.ok(near(await colorAt(1000, 600), [0, 0, 0], 12));
    assert.deepStrictEqual(session!.record.errors, []);
  });

  it('refuses control of a shared window, saying how to hand it over', async function () {
    const page = session!.viewer.page;
    const refused = new Promise<{ code: string; message: string }>((resolve) => session!.supervisor.onControlRefused(resolve));
    await page.evaluate(() => window.remoteAssist.requestControl());
    await until('the control request to reach the extension', () => session!.record.controlRequests > 0);
    session!.supervisor.grantControl();
    const why = await refused;
    assert.strictEqual(why.code, 'ERR_PLATFORM_UNSUPPORTED');
    assert.match(why.message, /a shared window cannot be controlled yet, only a shared screen/);
    assert.ok(!session!.record.controls.some((c) => c.granted), 'control was granted');
    assert.strictEqual(await user.seesDialog(), false, 'the remote-desktop dialog opened');
  });
});
