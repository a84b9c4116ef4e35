/**
 * The sharer's stop chord as a desktop-wide shortcut, where the portal offers org.freedesktop.portal.GlobalShortcuts
 * (GNOME 48 and later, KDE Plasma; not Debian 12's xdg-desktop-portal 1.16 with GNOME 43, where the tests run —
 * there version() fails and the sharer has VS Code's keybinding and Stop Control). Ctrl+Alt+End rather than ESC:
 * a bound shortcut is taken from every app, and ESC is every app's key. Its Activated signal ends control as
 * ESC does on X11; the helper's keys never complete the chord (stopChord), so only the sharer's keyboard can.
 */
import * as dbus from 'dbus-next';
import { Disposable, Emitter, toDisposable } from '../../common/lifecycle';
import { PortalBus } from './PortalBus';

export const GLOBAL_SHORTCUTS = 'org.freedesktop.portal.GlobalShortcuts';
const SHORTCUT_ID = 'stop-control';
/** The XDG shortcuts format of VS Code's Stop Control keybinding (ctrl+alt+end). */
const TRIGGER = 'CTRL+ALT+End';

export class StopShortcut extends Disposable {
  private readonly _onActivated = this.register(new Emitter<void>());
  readonly onActivated = this._onActivated.event;

  private constructor(bus: PortalBus, handle: string) {
    super();
    this.register(
      bus.onSignal((message) => {
        if (message.interface !== GLOBAL_SHORTCUTS || message.member !== 'Activated') return;
        const [session, id] = message.body as [string, string];
        if (session === handle && id === SHORTCUT_ID) this._onActivated.fire();
      }),
    );
    this.register(toDisposable(() => bus.closeSession(handle)));
  }

  /** Binds the chord (the desktop may ask the sharer to confirm it); undefined where the portal has no GlobalShortcuts. */
  static async open(bus: PortalBus): Promise<StopShortcut | undefined> {
    const version = await bus.version(GLOBAL_SHORTCUTS).catch(() => 0);
    if (version < 1) return undefined;
    await bus.subscribe(GLOBAL_SHORTCUTS, 'Activated');
    const created = await bus.request(GLOBAL_SHORTCUTS, 'CreateSession', '', [], { session_handle_token: new dbus.Variant('s', `remoteassiststop${process.pid}`) });
    const handle = String(created.session_handle?.value ?? '');
    if (!handle) return undefined;
    const shortcut = new StopShortcut(bus, handle);
    try {
      const properties = { description: new dbus.Variant('s', 'Remote Assist: stop remote control'), preferred_trigger: new dbus.Variant('s', TRIGGER) };
      await bus.request(GLOBAL_SHORTCUTS, 'BindShortcuts', 'oa(sa{sv})s', [handle, [[SHORTCUT_ID, properties]], ''], {});
      return shortcut;
    } catch (err) {
      shortcut.dispose();
      throw err;
    }
  }
}
