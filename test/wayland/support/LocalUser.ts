/**
 * The sharer sitting at the headless desktop: eyes and hands through mutter's own D-Bus API (the API the
 * portal itself and GNOME Shell use; no portal, no dialog). The eyes are a mutter screen cast of the monitor
 * read with the product's PipeWireCapture; the hands are a mutter remote-desktop session. The tests use them
 * to answer the portal's consent dialog as a user would — see it, click the monitor, click Share.
 */
import * as dbus from 'dbus-next';
import { writeFileSync } from 'fs';
import { PNG } from 'pngjs';
import { PipeWireCapture } from '../../../src/host/wayland/PipeWireCapture';
import { MONITOR } from '../../../src/host/wayland/ScreenCastSession';
import { until, within } from '../../host/support/poll';
import { HeadlessGnome } from './HeadlessGnome';

const BTN_LEFT = 0x110;
export type Rgb = [number, number, number];

export class LocalUser {
  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly hands: dbus.ClientInterface,
    private readonly streamPath: string,
    private readonly eyes: PipeWireCapture,
    readonly width: number,
  ) {}

  /**
   * Every call to the compositor is bounded (dbus-next's calls wait for ever): a desktop that stops answering
   * while it starts fails here, naming the call, instead of holding the test's hook until mocha's timeout.
   */
  static async sitDown(gnome: HeadlessGnome): Promise<LocalUser> {
    const bus = dbus.sessionBus({ busAddress: gnome.env.DBUS_SESSION_BUS_ADDRESS });
    try {
      const remote = await until('mutter on the bus', () => within('mutter to introspect', bus.getProxyObject('org.gnome.Mutter.RemoteDesktop', '/org/gnome/Mutter/RemoteDesktop'), 5000), 20_000);
      const rdPath = (await within('RemoteDesktop.CreateSession', remote.getInterface('org.gnome.Mutter.RemoteDesktop').CreateSession())) as string;
      const rdSession = await within('the remote-desktop session', bus.getProxyObject('org.gnome.Mutter.RemoteDesktop', rdPath));
      const id = (await within('the session id', rdSession.getInterface('org.freedesktop.DBus.Properties').Get('org.gnome.Mutter.RemoteDesktop.Session', 'SessionId'))) as dbus.Variant;
      const cast = await within('mutter\'s ScreenCast', bus.getProxyObject('org.gnome.Mutter.ScreenCast', '/org/gnome/Mutter/ScreenCast'));
      const castPath = (await within('ScreenCast.CreateSession', cast.getInterface('org.gnome.Mutter.ScreenCast').CreateSession({ 'remote-desktop-session-id': new dbus.Variant('s', id.value) }))) as string;
      const castSession = await within('the screen-cast session', bus.getProxyObject('org.gnome.Mutter.ScreenCast', castPath));
      const streamPath = (await within('RecordMonitor', castSession.getInterface('org.gnome.Mutter.ScreenCast.Session').RecordMonitor('', { 'cursor-mode': new dbus.Variant('u', 1) }))) as string;
      const streamObject = await within('the stream', bus.getProxyObject('org.gnome.Mutter.ScreenCast', streamPath));
      const node = new Promise<number>((resolve) => streamObject.getInterface('org.gnome.Mutter.ScreenCast.Stream').on('PipeWireStreamAdded', resolve));
      const hands = rdSession.getInterface('org.gnome.Mutter.RemoteDesktop.Session');
      await within('RemoteDesktop.Session.Start', hands.Start());
      const stream = { node: await within('PipeWireStreamAdded', node), sourceType: MONITOR, x: 0, y: 0, width: gnome.width, height: gnome.height };
      // A reader started while the new node is still being set up can fail to link ("Failed to set pipeline to
      // PAUSED"), or get no first frame (the product's reader is replaced then too, see WaylandBackend): try again.
      const eyes = await until('the screen cast of the monitor', async () => {
        const capture = new PipeWireCapture(stream, undefined, gnome.env);
        try {
          await within('the first frame of the monitor', capture.ready(), 3000);
          return capture;
        } catch {
          capture.dispose();
          return undefined;
        }
      }, 20_000, 200);
      return new LocalUser(bus, hands, streamPath, eyes, gnome.width);
    } catch (err) {
      bus.disconnect();
      throw err;
    }
  }

  /** The colour at a point of the screen as the sharer sees it now. */
  async colorAt(x: number, y: number): Promise<Rgb> {
    const frame = await this.eyes.grab();
    const i = (y * this.width + x) * 4;
    return [frame[i + 2], frame[i + 1], frame[i]];
  }

  async click(x: number, y: number): Promise<void> {
    await this.hands.NotifyPointerMotionAbsolute(this.streamPath, x, y);
    // GTK takes the press where it last saw the pointer: wait for the motion to reach the screen.
    await this.nextFrame();
    await this.hands.NotifyPointerButton(BTN_LEFT, true);
    await this.hands.NotifyPointerButton(BTN_LEFT, false);
  }

  /** A key on the sharer's own keyboard (an X keysym). */
  async press(keysym: number): Promise<void> {
    await this.hands.NotifyKeyboardKeysym(keysym, true);
    await this.hands.NotifyKeyboardKeysym(keysym, false);
  }

  /**
   * Answers GNOME's "Screen Share" dialog (xdg-desktop-portal-gnome 43; centred, 520×300 on a 1280×720
   * monitor): waits until it shows, clicks the only monitor in its list, then Share.
   */
  async allowScreenShare(): Promise<void> {
    const cx = Math.round(this.width / 2);
    const cy = 360;
    await until('the portal dialog on the screen', () => this.seesDialog(), 20_000);
    // Share turns from pale to GNOME blue (#3584e4) once a monitor is selected.
    await this.clickUntil(cx, cy + 25, 'the Share button to become active', async () => isBlue(await this.colorAt(cx + 180, cy - 138)));
    await this.clickUntil(cx + 212, cy - 128, 'the dialog to close', async () => !(await this.seesDialog()));
  }

  /**
   * Answers the same dialog under GNOME Shell (centred below its top bar, 16 px lower) choosing a window: the
   * Single Window tab, the first window in its list, then Share.
   */
  async allowWindowShare(): Promise<void> {
    const cx = Math.round(this.width / 2);
    const header = 248;
    await until('the portal dialog on the screen', () => this.seesDialog(), 30_000);
    // The window list's rows start with the app's (blue) icon; the monitor list's have none, and sit at the same place.
    await this.clickUntil(cx - 72, header, 'the Single Window tab', async () => isBlue(await this.colorAt(cx - 196, header + 156)));
    await this.clickUntil(cx, header + 153, 'the window selected', async () => isBlue(await this.colorAt(cx + 180, header - 10)));
    await this.clickUntil(cx + 212, header, 'the dialog to close', async () => !(await this.seesDialog()));
  }

  /** GNOME Shell starts in its overview: ESC leaves it for the desktop (its dark background gives way). */
  async leaveOverview(): Promise<void> {
    const dark = async () => (await this.colorAt(100, 650)).every((c) => c < 60);
    await until('the overview', async () => dark(), 30_000);
    for (let attempt = 1; await dark(); attempt++) {
      await this.press(0xff1b);
      await until('the desktop', async () => !(await dark()), 2000).catch(() => undefined);
      if (attempt === 10) throw new Error('GNOME Shell stayed in its overview');
    }
  }

  /**
   * Answers GNOME Shell's "Remote desktop" dialog for a shared window: selects the first window in its list,
   * switches "Allow remote interaction" on, then clicks Share.
   */
  async allowRemoteWindow(): Promise<void> {
    const cx = Math.round(this.width / 2);
    const header = 248;
    await until('the remote desktop dialog on the screen', () => this.seesDialog(), 30_000);
    await this.clickUntil(cx, header + 113, 'the window selected', async () => isBlue(await this.colorAt(cx + 180, header - 10)));
    await this.clickUntil(cx + 190, header + 200, 'remote interaction switched on', async () => isBlue(await this.colorAt(cx + 172, header + 200)));
    await this.clickUntil(cx + 212, header, 'the dialog to close', async () => !(await this.seesDialog()));
  }

  /** What the sharer sees now, as a PNG file (for a failing test's report). */
  async screenshot(file: string): Promise<void> {
    const frame = await this.eyes.grab();
    const png = new PNG({ width: this.width, height: frame.length / 4 / this.width });
    for (let i = 0; i < frame.length; i += 4) [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]] = [frame[i + 2], frame[i + 1], frame[i], 255];
    writeFileSync(file, PNG.sync.write(png));
  }

  /** Resolves with the next frame the compositor sends (the screen changed since the last look). */
  private async nextFrame(): Promise<void> {
    await this.eyes.grab();
    await until('a new frame', () => this.eyes.isDirty, 2000).catch(() => undefined);
  }

  /** Answers the dialog with Cancel. */
  async cancelScreenShare(): Promise<void> {
    const cx = Math.round(this.width / 2);
    await until('the portal dialog on the screen', () => this.seesDialog(), 20_000);
    await this.clickUntil(cx - 210, 360 - 128, 'the dialog to close', async () => !(await this.seesDialog()));
  }

  /**
   * Answers GNOME's "Remote desktop" dialog (the monitor comes selected): switches "Allow remote interaction"
   * on when `interaction`, then clicks Share.
   */
  async allowRemoteDesktop(interaction: boolean): Promise<void> {
    const cx = Math.round(this.width / 2);
    await until('the remote desktop dialog on the screen', () => this.seesDialog(), 20_000);
    // The switch's track turns blue when on.
    if (interaction) await this.clickUntil(cx + 190, 432, 'remote interaction switched on', async () => isBlue(await this.colorAt(cx + 172, 432)));
    await this.clickUntil(cx + 212, 360 - 128, 'the dialog to close', async () => !(await this.seesDialog()));
  }

  /** Clicks, and clicks again while `done` does not hold within a second (a click GTK took as a hover). */
  private async clickUntil(x: number, y: number, what: string, done: () => Promise<boolean>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.click(x, y);
      const ok = await until(what, async () => (await done()) || undefined, 1000).catch(() => false);
      if (ok) return;
      if (attempt === 10) throw new Error(`timed out clicking ${x},${y} for ${what}`);
    }
  }

  /** Whether the dialog is on the screen now. */
  async seesDialog(): Promise<boolean> {
    // Two points of the dialog's body below its content, left and right (the same in both GNOME dialogs).
    const cx = Math.round(this.width / 2);
    return isDialogGrey(await this.colorAt(cx - 240, 490)) && isDialogGrey(await this.colorAt(cx + 240, 490));
  }

  leave(): void {
    this.eyes.dispose();
    this.bus.disconnect();
  }
}

/** The dialog's body (#fafafa); nothing the paint client draws is this light. */
function isDialogGrey([r, g, b]: Rgb): boolean {
  return r > 240 && g > 240 && b > 240;
}

/** GNOME's accent blue (#3584e4), of an active button or a switch that is on. */
function isBlue([r, g, b]: Rgb): boolean {
  return r < 100 && g > 100 && g < 160 && b > 200;
}
