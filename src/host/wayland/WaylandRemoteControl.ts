/**
 * Control on Wayland, and how the sharer ends it. A RemoteDesktop session is opened when control is granted
 * (the portal asks the sharer once more, at system level, whether to allow remote interaction) and closed when
 * control ends, so the desktop's own "being controlled" indicator is on exactly while the helper controls.
 *
 * The local ESC: a Wayland client cannot watch the keyboard outside its own windows (no global hooks). What the
 * sharer has instead: Ctrl+Alt+End — VS Code's Stop Control keybinding, and a desktop-wide shortcut where the
 * portal offers GlobalShortcuts (StopShortcut, bound when control first starts) — and the desktop's indicator of
 * the remote session (GNOME's Stop button), which ends the portal session; either revokes control here, as ESC
 * does on X11. So does an input call the portal refuses (its backend or the compositor's session went away).
 */
import { Disposable, Emitter, IDisposable } from '../../common/lifecycle';
import { EscapeWatcher } from '../input/EscapeWatcher';
import { HostError } from '../HostError';
import { PortalBus } from './PortalBus';
import { RemoteDesktopSession } from './RemoteDesktopSession';
import { RestoreTokenFile } from './RestoreTokenFile';
import { StopShortcut } from './StopShortcut';
import { WaylandInput } from './WaylandInput';

export class WaylandRemoteControl extends Disposable implements EscapeWatcher {
  private readonly _onEscape = this.register(new Emitter<void>());
  /** The sharer ended the remote session from the desktop, or refused it in the dialog: control ends. */
  readonly onEscape = this._onEscape.event;
  private readonly _onError = this.register(new Emitter<HostError>());
  /** Why control could not start or was cut (reported to the extension; not fatal). */
  readonly onError = this._onError.event;
  private session: RemoteDesktopSession | undefined;
  private listeners: IDisposable[] = [];
  /** Bumped by stop(): a session that finishes opening after control ended is closed at once. */
  private generation = 0;
  /** Control is on (granted, until stop() or its end). */
  private active = false;
  /** The desktop-wide stop shortcut: bound once, when control first starts (undefined: not offered, or refused). */
  private shortcut: Promise<StopShortcut | undefined> | undefined;

  constructor(
    private readonly bus: PortalBus,
    readonly input: WaylandInput,
    private readonly tokens: RestoreTokenFile,
  ) {
    super();
    this.register(input);
    this.register({ dispose: () => this.closeSession() });
    this.register({ dispose: () => void this.shortcut?.then((s) => s?.dispose()) });
  }

  start(): void {
    if (this.session || this.isDisposed) return;
    this.input.forgetInjectedEscapes();
    this.active = true;
    const generation = ++this.generation;
    RemoteDesktopSession.open(this.bus, this.tokens.read()).then(
      (session) => {
        if (generation !== this.generation || this.isDisposed) return session.dispose();
        this.tokens.write(session.restoreToken);
        this.session = session;
        // An input call the portal refuses means the session is gone on its side (its backend ended): control ends too.
        const failed = (err: HostError) => {
          this._onError.fire(new HostError(err.code, `Remote control ended: the desktop's remote session is gone (${err.message}).`));
          this.ended();
        };
        this.listeners = [session.onClosed(() => this.ended()), session.onError(failed)];
        this.input.session = session;
        // After the portal's dialog, so that a desktop asking to confirm the shortcut does so on its own.
        this.bindShortcut();
      },
      (err: HostError) => {
        if (generation !== this.generation || this.isDisposed) return;
        this.active = false;
        this._onError.fire(err);
        this._onEscape.fire();
      },
    );
  }

  stop(): void {
    this.active = false;
    this.generation++;
    this.closeSession();
  }

  private bindShortcut(): void {
    if (this.shortcut) return;
    // Where it cannot be bound the sharer still has VS Code's keybinding and Stop Control (the texts name them).
    this.shortcut = StopShortcut.open(this.bus).catch(() => undefined);
    void this.shortcut.then((shortcut) => {
      if (!shortcut) return;
      if (this.isDisposed) return shortcut.dispose();
      shortcut.onActivated(() => this.active && this.ended());
    });
  }

  /** The portal closed the session under us (the sharer pressed Stop on the desktop's indicator), or the sharer's stop shortcut. */
  private ended(): void {
    this.active = false;
    this.generation++;
    this.closeSession();
    this._onEscape.fire();
  }

  private closeSession(): void {
    for (const listener of this.listeners.splice(0)) listener.dispose();
    this.input.session = undefined;
    this.session?.dispose();
    this.session = undefined;
  }
}
