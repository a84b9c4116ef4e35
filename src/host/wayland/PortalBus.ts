/**
 * The session bus as the desktop portal needs it: a dbus-next connection that can receive file descriptors
 * (OpenPipeWireRemote returns one; dbus-next passes them through usocket), portal requests turned into promises
 * (each answer arrives as a Response signal on a Request object whose path we choose with handle_token), and
 * the session's Closed signal. Every failure becomes a HostError with a code the extension can act on.
 */
import * as dbus from 'dbus-next';
import { Disposable, Emitter, toDisposable } from '../../common/lifecycle';
import { HostError } from '../HostError';

export const PORTAL_NAME = 'org.freedesktop.portal.Desktop';
export const PORTAL_PATH = '/org/freedesktop/portal/desktop';
export type PortalOptions = Record<string, dbus.Variant>;

/** The portal's Response codes: 0 success, 1 the user cancelled the dialog, 2 any other end. */
const USER_CANCELLED = 1;

export class PortalBus extends Disposable {
  private readonly _onSessionClosed = this.register(new Emitter<string>());
  /** A portal session ended from the portal's side (the user stopped sharing, the compositor went away). */
  readonly onSessionClosed = this._onSessionClosed.event;
  private readonly _onSignal = this.register(new Emitter<dbus.Message>());
  /** Signals of the portal that subscribe() asked for (GlobalShortcuts.Activated). */
  readonly onSignal = this._onSignal.event;
  private readonly pending = new Map<string, { resolve: (results: PortalOptions) => void; reject: (err: Error) => void; what: string }>();
  private tokens = 0;

  private constructor(private readonly bus: dbus.MessageBus) {
    super();
    bus.on('message', (message) => this.onMessage(message));
    this.register(toDisposable(() => this.failPending(new HostError('ERR_PORTAL', 'the screen-sharing session was stopped'))));
    this.register(toDisposable(() => bus.disconnect()));
  }

  /** Connects to the session bus named by DBUS_SESSION_BUS_ADDRESS and listens for portal answers. */
  static async connect(address: string | undefined): Promise<PortalBus> {
    if (!address) throw new HostError('ERR_PORTAL', 'No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set): the desktop portal cannot be reached to share a Wayland screen.');
    if (!usocketLoads() && !reachableWithoutUsocket(address)) {
      throw new HostError('ERR_PORTAL', `The D-Bus session bus is on an abstract socket (${address.split(',')[0]}), which needs usocket, and its binary is missing from this installation: reinstall the extension's package for this platform, or start the session with a path-based bus (systemd's, at $XDG_RUNTIME_DIR/bus).`);
    }
    const bus = dbus.sessionBus({ busAddress: address, negotiateUnixFd: true } as dbus.SessionBusOptions);
    await new Promise<void>((resolve, reject) => {
      bus.once('connect', () => resolve());
      bus.once('error', (err: Error) => reject(new HostError('ERR_PORTAL', `The D-Bus session bus cannot be reached (${err.message}): the desktop portal is needed to share a Wayland screen.`)));
    });
    const portal = new PortalBus(bus);
    try {
      await portal.callBus('AddMatch', "type='signal',sender='org.freedesktop.portal.Desktop',interface='org.freedesktop.portal.Request',member='Response'");
      await portal.callBus('AddMatch', "type='signal',sender='org.freedesktop.portal.Desktop',interface='org.freedesktop.portal.Session',member='Closed'");
      return portal;
    } catch (err) {
      portal.dispose();
      throw err;
    }
  }

  /** Delivers the portal's `member` signals of `iface` through onSignal from now on. */
  async subscribe(iface: string, member: string): Promise<void> {
    await this.callBus('AddMatch', `type='signal',sender='${PORTAL_NAME}',interface='${iface}',member='${member}'`);
  }

  /** An interface's version property, or a clear error when the portal or the interface is missing. */
  async version(iface: string): Promise<number> {
    const reply = await this.call('org.freedesktop.DBus.Properties', 'Get', 'ss', [iface, 'version'], `${iface} version`);
    const value = (reply.body[0] as dbus.Variant | undefined)?.value;
    if (typeof value !== 'number') throw new HostError('ERR_PORTAL', `The desktop portal does not offer ${iface}: install xdg-desktop-portal with a backend for your desktop (xdg-desktop-portal-gnome, -kde or -wlr).`);
    return value;
  }

  /**
   * Calls a portal method that answers through a Request (CreateSession, SelectSources, Start…): resolves with
   * the results, or rejects with ERR_PORTAL_REFUSED when the user cancelled the portal's dialog.
   */
  async request(iface: string, member: string, signature: string, args: unknown[], options: PortalOptions): Promise<PortalOptions> {
    const token = `remoteassist${process.pid}_${++this.tokens}`;
    const path = `${PORTAL_PATH}/request/${this.uniqueName.slice(1).replace(/\./g, '_')}/${token}`;
    const what = `${iface.split('.').pop()}.${member}`;
    // Registered before the call: a portal without a dialog can answer before the call returns.
    const answer = new Promise<PortalOptions>((resolve, reject) => this.pending.set(path, { resolve, reject, what }));
    try {
      await this.call(iface, member, `${signature}a{sv}`, [...args, { ...options, handle_token: new dbus.Variant('s', token) }], what);
    } catch (err) {
      this.pending.delete(path);
      throw err;
    }
    return answer;
  }

  /** A plain method call on the portal (OpenPipeWireRemote, the RemoteDesktop Notify* calls). */
  async call(iface: string, member: string, signature: string, body: unknown[], what = member): Promise<dbus.Message> {
    if (this.isDisposed) throw new HostError('ERR_PORTAL', 'the screen-sharing session was stopped');
    try {
      const reply = await this.bus.call(new dbus.Message({ destination: PORTAL_NAME, path: PORTAL_PATH, interface: iface, member, signature, body }));
      if (!reply) throw new Error('no reply');
      return reply;
    } catch (err) {
      throw portalError(err, what);
    }
  }

  /** Closes a portal session (it stops the stream and ends any input it allowed). */
  closeSession(session: string): void {
    if (this.isDisposed) return;
    this.bus.send(new dbus.Message({ destination: PORTAL_NAME, path: session, interface: 'org.freedesktop.portal.Session', member: 'Close' }));
  }

  /** True where the connection negotiated descriptor passing (dbus-next does it only over usocket). */
  get canReceiveFds(): boolean {
    return (this.bus as unknown as { _connection?: { stream?: { supportsUnixFd?: boolean } } })._connection?.stream?.supportsUnixFd === true;
  }

  private get uniqueName(): string {
    return (this.bus as unknown as { name: string }).name;
  }

  private callBus(member: string, rule: string): Promise<dbus.Message | null> {
    return this.bus.call(new dbus.Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member, signature: 's', body: [rule] }));
  }

  private onMessage(message: dbus.Message): void {
    if (message.type !== dbus.MessageType.SIGNAL || !message.path) return;
    if (message.interface === 'org.freedesktop.portal.Session' && message.member === 'Closed') return this._onSessionClosed.fire(message.path);
    if (message.interface !== 'org.freedesktop.portal.Request' || message.member !== 'Response') return this._onSignal.fire(message);
    const pending = this.pending.get(message.path);
    if (!pending) return;
    this.pending.delete(message.path);
    const [code, results] = message.body as [number, PortalOptions];
    if (code === 0) pending.resolve(results ?? {});
    else if (code === USER_CANCELLED) pending.reject(new HostError('ERR_PORTAL_REFUSED', 'Screen sharing was refused in the system dialog: nothing is shared. Start again and choose Share to let the helper see your screen.'));
    else pending.reject(new HostError('ERR_PORTAL', `The desktop portal ended ${pending.what} without an answer (the dialog was closed, or the portal failed).`));
  }

  private failPending(err: Error): void {
    for (const pending of this.pending.values()) pending.reject(err);
    this.pending.clear();
  }
}

function portalError(err: unknown, what: string): HostError {
  if (err instanceof HostError) return err;
  const type = (err as { type?: string }).type ?? '';
  const text = (err as Error).message;
  if (type === 'org.freedesktop.DBus.Error.ServiceUnknown' || type === 'org.freedesktop.DBus.Error.NameHasNoOwner') {
    return new HostError('ERR_PORTAL', 'The desktop portal (xdg-desktop-portal) is not running: it is needed to share a Wayland screen. Install xdg-desktop-portal and the backend for your desktop (xdg-desktop-portal-gnome, -kde or -wlr).');
  }
  if (type === 'org.freedesktop.DBus.Error.UnknownMethod' || type === 'org.freedesktop.DBus.Error.UnknownInterface' || type === 'org.freedesktop.DBus.Error.InvalidArgs') {
    return new HostError('ERR_PORTAL', `The desktop portal does not offer ${what} (${text}): its backend for this desktop cannot share the screen.`);
  }
  return new HostError('ERR_PORTAL', `The desktop portal failed at ${what}: ${text}`);
}

/**
 * Whether usocket (dbus-next's socket with descriptor passing) loads here: a Linux .vsix built on another
 * machine has no binary for it, and one built for Node may not load in another runtime (desktop VS Code's Electron).
 */
function usocketLoads(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('usocket');
    return true;
  } catch {
    return false;
  }
}

/**
 * Without usocket dbus-next falls back to Node's own socket for a `path=` address (systemd's session bus), but
 * cannot open an `abstract=` one (Node pads the name): an address of abstract sockets only is refused clearly.
 */
export function reachableWithoutUsocket(address: string): boolean {
  return address.split(';').some((entry) => !/^unix:(?:.*,)?abstract=/.test(entry));
}
