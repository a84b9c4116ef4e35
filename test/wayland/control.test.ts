/**
 * Control of a Wayland desktop as a user would exercise it: the helper moves, clicks and types in a Chromium
 * viewer; a GTK Wayland client on the sharer's headless GNOME reports what it received. Control goes through
 * the portal's RemoteDesktop session, opened when control is granted — the portal asks the sharer (its real
 * dialog, answered by LocalUser) — and the sharer ends it from the desktop (the indicator's Stop).
 */
import * as assert from 'assert';
import { ChildProcess } from 'child_process';
import * as path from 'path';
import { TestSession } from '../host/support/session';
import { until } from '../host/support/poll';
import { HeadlessGnome } from './support/HeadlessGnome';
import { LocalUser } from './support/LocalUser';
import { WaylandTestDisplay } from './support/WaylandSharing';

interface PaintEvent {
  motion?: [number, number];
  button?: number;
  down?: boolean;
  at?: [number, number];
  key?: string;
  scroll?: unknown;
}

describe('wayland: control through the desktop portal (headless GNOME)', function () {
  this.timeout(120_000);
  let gnome: HeadlessGnome;
  let user: LocalUser;
  let session: TestSession;
  let paint: ChildProcess;
  const events: PaintEvent[] = [];
  const page = () => session.viewer.page;
  const lastControl = () => session.record.controls.at(-1);
  const seen = () => `${JSON.stringify(events.filter((e) => e.key).map((e) => e.key).slice(0, 12))} … ${JSON.stringify(events.slice(-3))}; host errors: ${JSON.stringify(session.record.errors)}`;

  async function grant(): Promise<void> {
    if (lastControl()?.granted) {
      session.supervisor.revokeControl();
      await until('control revoked first', () => lastControl()?.granted === false);
      await until('the viewer to see it revoked', async () => (await session.viewerEvents('control')).at(-1)?.granted === false);
    }
    const before = session.record.controlRequests;
    await page().evaluate(() => window.remoteAssist.requestControl());
    await until('the control request to reach the extension', () => session.record.controlRequests > before);
    session.supervisor.grantControl();
    await until('control granted', () => lastControl()?.granted === true);
  }

  /** Moves the helper's pointer to a screen point until the Wayland client saw it there (input flows once the sharer allowed it). */
  async function pointAt(x: number, y: number): Promise<void> {
    const p = await page().evaluate(([x, y]) => window.remoteAssist.pagePoint(x, y, 1280, 720), [x, y] as const);
    await until(`the client to see the pointer at ${x},${y}`, async () => {
      await page().mouse.move(p.x - 1, p.y);
      await page().mouse.move(p.x, p.y);
      return events.some((e) => e.motion && Math.abs(e.motion[0] - x) <= 1 && Math.abs(e.motion[1] - y) <= 1);
    }, 20_000, 200, seen);
  }

  before(async function () {
    gnome = await HeadlessGnome.start('wayland-control');
    paint = gnome.spawn('/usr/bin/python3', [path.join(__dirname, 'support', 'paint.py')], 'pipe');
    let rest = '';
    paint.stdout?.setEncoding('utf8').on('data', (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) events.push(JSON.parse(line) as PaintEvent);
    });
    user = await LocalUser.sitDown(gnome);
    await until('the paint client mapped', () => events.some((e) => 'mapped' in e), 20_000);
    const opening = TestSession.open(new WaylandTestDisplay(gnome));
    await user.allowScreenShare();
    session = await opening;
    await page().evaluate(() => window.remoteAssist.setKeyboardCapture(true));
  });

  after(async function () {
    await session?.close();
    user?.leave();
    await gnome?.stop();
  });

  it('applies nothing before the grant, then moves, clicks, scrolls and types once the sharer allowed remote interaction', async function () {
    const p = await page().evaluate(() => window.remoteAssist.pagePoint(700, 300, 1280, 720));
    await page().mouse.move(p.x, p.y);
    await page().mouse.click(p.x, p.y);
    await page().keyboard.type('q');
    await grant();
    await user.allowRemoteDesktop(true);
    await pointAt(300, 200);
    const target = await page().evaluate(() => window.remoteAssist.pagePoint(300, 200, 1280, 720));
    // Counted from here: under load the sharer's last click on the portal's dialog can land on the client after it closed.
    const clickFrom = events.length;
    await page().mouse.click(target.x, target.y);
    await until('the click in the client', () => events.slice(clickFrom).some((e) => e.button === 1 && e.down === false), 20_000, 50, seen);
    const press = events.slice(clickFrom).find((e) => e.button === 1 && e.down);
    assert.deepStrictEqual(press?.at, [300, 200]);
    // The session's virtual keyboard appears shortly after the grant (see RemoteDesktopSession.primeKeyboard).
    await until('the keyboard to reach the client', async () => {
      await page().keyboard.press('z');
      return events.some((e) => e.key === 'z');
    }, 20_000, 300, seen);
    const from = events.length;
    await page().keyboard.type('Hi!');
    // mutter presses Shift itself for H and ! (the keysym's level on the sharer's keymap).
    const typed = () => events.slice(from).filter((e) => e.key && e.key !== 'z' && !e.key.startsWith('Shift')).map((e) => e.key).join(' ');
    await until('the typed keys in the client', () => typed() === 'H i exclam', 20_000, 50, () => `${typed()} ${seen()}`);
    // Ctrl+Alt+End stops control from the sharer's keyboard (VS Code's keybinding; the desktop shortcut where the
    // portal binds one): the helper's keys never hold it — End is refused while Ctrl and Alt are down, not alone.
    const chordFrom = events.length;
    await page().keyboard.press('Control+Alt+End');
    await page().keyboard.press('x');
    await until('the key after the chord', () => events.slice(chordFrom).some((e) => e.key === 'x'), 20_000, 50, seen);
    // Session calls keep their order: everything of the chord arrived before the x.
    const chord = events.slice(chordFrom, chordFrom + events.slice(chordFrom).findIndex((e) => e.key === 'x'));
    assert.ok(!chord.some((e) => e.key === 'End'), `the End of the chord arrived: ${JSON.stringify(chord)}`);
    assert.ok(chord.some((e) => e.key?.startsWith('Control')) && chord.some((e) => e.key?.startsWith('Alt')), `Ctrl and Alt alone pass: ${JSON.stringify(chord)}`);
    const endFrom = events.length;
    await page().keyboard.press('End');
    await until('End alone in the client', () => events.slice(endFrom).some((e) => e.key === 'End'), 20_000, 50, seen);
    assert.strictEqual(lastControl()?.granted, true);
    await page().mouse.wheel(0, 120);
    await until('a wheel notch down in the client', () => events.some((e) => e.scroll === 'down' || (Array.isArray(e.scroll) && (e.scroll[1] as number) > 0)), 20_000, 50, seen);
    // What the helper did before the grant never arrived.
    assert.ok(!events.some((e) => e.key === 'q'), 'a key typed before the grant arrived');
    assert.ok(!events.some((e) => e.motion && e.motion[0] === 700 && e.motion[1] === 300), 'a move made before the grant arrived');
    assert.ok(!events.some((e) => e.at && e.at[0] === 700 && e.at[1] === 300), 'a click made before the grant arrived');
  });

  it('gives no control when the sharer leaves "Allow remote interaction" off, and says why', async function () {
    await grant();
    await user.allowRemoteDesktop(false);
    await until('control revoked', () => lastControl()?.granted === false);
    const refused = await until('the refusal reported', () => session.record.errors.find((e) => e.code === 'ERR_PORTAL_REFUSED'));
    assert.match(refused.message, /Remote control was not allowed in the system dialog/);
  });
});
