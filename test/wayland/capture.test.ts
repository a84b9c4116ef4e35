/**
 * Sharing a Wayland desktop as a user would: a real headless GNOME (mutter, PipeWire, xdg-desktop-portal-gnome),
 * a Wayland client painting known colours, the real host process and a Chromium viewer. The sharer answers the
 * portal's own dialog with the pointer (LocalUser); the second start restores the choice without a dialog.
 */
import * as assert from 'assert';
import { existsSync, rmSync } from 'fs';
import * as path from 'path';
import { near, TestSession } from '../host/support/session';
import { until } from '../host/support/poll';
import { HeadlessGnome } from './support/HeadlessGnome';
import { LocalUser } from './support/LocalUser';
import { WaylandTestDisplay } from './support/WaylandSharing';

/** The paint client's quadrants (test/wayland/support/paint.py), sampled well inside each. */
const QUADRANTS: { at: [number, number]; rgb: [number, number, number] }[] = [
  { at: [300, 160], rgb: [220, 40, 40] },
  { at: [940, 160], rgb: [40, 199, 40] },
  { at: [300, 520], rgb: [40, 40, 219] },
  { at: [940, 520], rgb: [230, 230, 40] },
];

describe('wayland: sharing through the desktop portal (headless GNOME)', function () {
  this.timeout(90_000);
  let gnome: HeadlessGnome;
  let display: WaylandTestDisplay;
  let user: LocalUser;
  let session: TestSession | undefined;
  const tokenFile = () => path.join(display.stateDir, 'portal-restore-token');

  before(async function () {
    gnome = await HeadlessGnome.start('wayland-capture');
    display = new WaylandTestDisplay(gnome);
    gnome.spawn('/usr/bin/python3', [path.join(__dirname, 'support', 'paint.py')]);
    user = await LocalUser.sitDown(gnome);
    await until('the paint client on the screen', async () => near(await user.colorAt(300, 160), QUADRANTS[0].rgb, 10) && near(await user.colorAt(940, 520), QUADRANTS[3].rgb, 10));
  });

  afterEach(async function () {
    await session?.close();
    session = undefined;
  });

  after(async function () {
    user?.leave();
    await gnome?.stop();
  });

  async function viewerShows(s: TestSession): Promise<void> {
    for (const { at, rgb } of QUADRANTS) await until(`the viewer to show ${rgb} at ${at}`, async () => near(await s.color(at[0], at[1], 40, 40), rgb));
  }

  it('shares what a Wayland client drew once the sharer allows it in the portal dialog, and keeps the restore token', async function () {
    const opening = TestSession.open(display);
    await user.allowScreenShare();
    session = await opening;
    await viewerShows(session);
    assert.ok(existsSync(tokenFile()), 'the restore token is kept');
  });

  it('starts again without the dialog: the restore token is used', async function () {
    assert.ok(existsSync(tokenFile()), 'a token from the first start');
    // Nobody answers a dialog here: had the portal asked, the host would never connect.
    session = await TestSession.open(display);
    assert.strictEqual(await user.seesDialog(), false);
    await viewerShows(session);
  });

  it('shares nothing when the sharer cancels the dialog, and says so', async function () {
    rmSync(tokenFile(), { force: true });
    const opening = TestSession.open(display).then(
      () => assert.fail('the host connected though the sharer cancelled'),
      (err: Error) => err,
    );
    await user.cancelScreenShare();
    const err = await opening;
    assert.match(err.message, /ERR_PORTAL_REFUSED Screen sharing was refused in the system dialog/);
  });
});
