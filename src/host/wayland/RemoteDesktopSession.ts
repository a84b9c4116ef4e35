/**
 * One org.freedesktop.portal.RemoteDesktop session: keyboard and pointer the sharer allowed in the portal's
 * dialog ("Allow remote interaction"), with a monitor stream of its own — the portal places absolute pointer
 * motion on a stream. Calls go one after another (each after the portal answered the last); flush() waits for all.
 */
import * as dbus from 'dbus-next';
import { Disposable, Emitter, toDisposable } from '../../common/lifecycle';
import { HostError } from '../HostError';
import { PortalBus, PortalOptions } from './PortalBus';
import { firstStream, MONITOR, PortalStream, SCREEN_CAST } from './ScreenCastSession';

export const REMOTE_DESKTOP = 'org.freedesktop.portal.RemoteDesktop';
const KEYBOARD = 1;
const POINTER = 2;
const PERSIST_UNTIL_REVOKED = 2;
/** The portal's key and button states. */
const RELEASED = 0;
const PRESSED = 1;
const SHIFT_L = 0xffe1;

export class RemoteDesktopSession extends Disposable {
  private readonly _onClosed = this.register(new Emitter<void>());
  /** The portal ended the session: the sharer stopped remote control from the desktop, or it went away. */
  readonly onClosed = this._onClosed.event;
  private readonly _onError = this.register(new Emitter<HostError>());
  readonly onError = this._onError.event;
  private last: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly bus: PortalBus,
    readonly handle: string,
    readonly stream: PortalStream,
    readonly restoreToken: string | undefined,
  ) {
    super();
    this.register(
      bus.onSessionClosed((path) => {
        if (path !== handle || this.closed) return;
        this.closed = true;
        this._onClosed.fire();
      }),
    );
    this.register(toDisposable(() => (this.closed = true)));
    this.register(toDisposable(() => bus.closeSession(handle)));
  }

  /** Asks for keyboard and pointer on one monitor; the dialog is skipped where a restore token still holds (portal v2). */
  static async open(bus: PortalBus, restoreToken: string | undefined): Promise<RemoteDesktopSession> {
    const version = await bus.version(REMOTE_DESKTOP);
    const created = await bus.request(REMOTE_DESKTOP, 'CreateSession', '', [], { session_handle_token: new dbus.Variant('s', `remoteassistcontrol${process.pid}`) });
    const handle = String(created.session_handle?.value ?? '');
    if (!handle) throw new HostError('ERR_PORTAL', 'The desktop portal created no remote-desktop session.');
    try {
      const devices: PortalOptions = { types: new dbus.Variant('u', KEYBOARD | POINTER) };
      // Version 2 of the interface persists remote-desktop sessions (restore token in SelectDevices); version 1 asks every time.
      if (version >= 2) {
        devices.persist_mode = new dbus.Variant('u', PERSIST_UNTIL_REVOKED);
        if (restoreToken) devices.restore_token = new dbus.Variant('s', restoreToken);
      }
      await bus.request(REMOTE_DESKTOP, 'SelectDevices', 'o', [handle], devices);
      await bus.request(SCREEN_CAST, 'SelectSources', 'o', [handle], { types: new dbus.Variant('u', MONITOR), multiple: new dbus.Variant('b', false) });
      const started = await bus.request(REMOTE_DESKTOP, 'Start', 'os', [handle, ''], {});
      const granted = Number(started.devices?.value ?? 0);
      if ((granted & (KEYBOARD | POINTER)) !== (KEYBOARD | POINTER)) {
        throw new HostError('ERR_PORTAL_REFUSED', 'Remote control was not allowed in the system dialog ("Allow remote interaction" was off): the helper can only watch.');
      }
      const token = typeof started.restore_token?.value === 'string' ? started.restore_token.value : undefined;
      const session = new RemoteDesktopSession(bus, handle, firstStream(started), token);
      session.primeKeyboard();
      return session;
    } catch (err) {
      bus.closeSession(handle);
      throw err;
    }
  }

  /** Stream coordinates (the monitor's pixels, 0,0 at its top-left). */
  pointerMotion(x: number, y: number): void {
    this.send('NotifyPointerMotionAbsolute', 'udd', [this.stream.node, x, y]);
  }

  /** `button`: a Linux evdev button code (BTN_LEFT…). */
  pointerButton(button: number, down: boolean): void {
    this.send('NotifyPointerButton', 'iu', [button, down ? PRESSED : RELEASED]);
  }

  /** Wheel notches; axis 0 vertical, 1 horizontal; positive = down/right. */
  pointerAxisDiscrete(axis: 0 | 1, steps: number): void {
    this.send('NotifyPointerAxisDiscrete', 'ui', [axis, steps]);
  }

  /** An X keysym: the compositor finds the key (and the Shift level) on the sharer's keymap. */
  keysym(keysym: number, down: boolean): void {
    this.send('NotifyKeyboardKeysym', 'iu', [keysym, down ? PRESSED : RELEASED]);
  }

  /**
   * mutter (43) creates the session's virtual keyboard on its first key event, and key events in the short
   * while it takes are lost — the helper's first letters, or one half of a key press that then repeats. A Shift
   * tap right at the start creates it before the helper types; if it does arrive, a lone Shift does nothing.
   */
  private primeKeyboard(): void {
    this.keysym(SHIFT_L, true);
    this.keysym(SHIFT_L, false);
  }

  /** Resolves once the portal answered every call sent so far. */
  flush(): Promise<void> {
    return this.last.then(() => undefined);
  }

  private send(member: string, signature: string, args: unknown[]): void {
    if (this.closed) return;
    // One call at a time: each is sent once the portal answered the one before, so none can overtake another.
    this.last = this.last
      .then(() => (this.closed ? undefined : this.bus.call(REMOTE_DESKTOP, member, `oa{sv}${signature}`, [this.handle, {}, ...args])))
      .catch((err: HostError) => {
        if (!this.closed) this._onError.fire(err);
      });
  }
}
