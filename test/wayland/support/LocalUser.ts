/**
 * The sharer sitting at the headless desktop: eyes and hands through mutter's own D-Bus API (the API the
 * portal itself and GNOME Shell use; no portal, no dialog). The eyes are a mutter screen cast of the monitor
 * read with the product's PipeWireCapture; the hands are a mutter remote-desktop session. The tests use them
 * to answer the portal's consent dialog as a user would — see it, click the monitor, click Share.
 */
import * as dbus from 'dbus-next';
import { PipeWireCapture } from '../../../src/host/wayland/PipeWireCapture';
import { until } from '../../host/support/poll';
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

  static async sitDown(gnome: HeadlessGnome): Promise<LocalUser> {
    const bus = dbus.sessionBus({ busAddress: gnome.env.DBUS_SESSION_BUS_ADDRESS });
    const remote = await until('mutter on the bus', () => bus.getProxyObject('org.gnome.Mutter.RemoteDesktop', '/org/gnome/Mutter/RemoteDesktop'), 20_000);
    const rdPath = (await remote.getInterface('org.gnome.Mutter.RemoteDesktop').CreateSession()) as string;
    const rdSession = await bus.getProxyObject('org.gnome.Mutter.RemoteDesktop', rdPath);
    const id = (await rdSession.getInterface('org.freedesktop.DBus.Properties').Get('org.gnome.Mutter.RemoteDesktop.Session', 'SessionId')) as dbus.Variant;
    const cast = await bus.getProxyObject('org.gnome.Mutter.ScreenCast', '/org/gnome/Mutter/ScreenCast');
    const castPath = (await cast.getInterface('org.gnome.Mutter.ScreenCast').CreateSession({ 'remote-desktop-session-id': new dbus.Variant('s', id.value) })) as string;
    const castSession = await bus.getProxyObject('org.gnome.Mutter.ScreenCast', castPath);
    const streamPath = (await castSession.getInterface('org.gnome.Mutter.ScreenCast.Session').RecordMonitor('', { 'cursor-mode': new dbus.Variant('u', 1) })) as string;
    const stream = await bus.getProxyObject('org.gnome.Mutter.ScreenCast', streamPath);
    const node = new Promise<number>((resolve) => stream.getInterface('org.gnome.Mutter.ScreenCast.Stream').on('PipeWireStreamAdded', resolve));
    const hands = rdSession.getInterface('org.gnome.Mutter.RemoteDesktop.Session');
    await hands.Start();
    const eyes = new PipeWireCapture({ node: await node, x: 0, y: 0, width: gnome.width, height: gnome.height }, undefined, gnome.env);
    await eyes.ready();
    return new LocalUser(bus, hands, streamPath, eyes, gnome.width);
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
    await this.click(cx, cy + 25);
    // Share turns from pale to GNOME blue (#3584e4) once a monitor is selected.
    await until('the Share button to become active', async () => (await this.colorAt(cx + 180, cy - 138))[0] < 100, 10_000);
    await this.click(cx + 212, cy - 128);
    await until('the dialog to close', async () => !(await this.seesDialog()), 10_000);
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
    await this.click(cx - 210, 360 - 128);
    await until('the dialog to close', async () => !(await this.seesDialog()), 10_000);
  }

  /** Whether the dialog is on the screen now. */
  async seesDialog(): Promise<boolean> {
    return isDialogGrey(await this.colorAt(Math.round(this.width / 2), 460)) && isDialogGrey(await this.colorAt(Math.round(this.width / 2) - 240, 490));
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
