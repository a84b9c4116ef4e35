/**
 * One org.freedesktop.portal.ScreenCast session: a monitor chosen by the sharer in the portal's dialog (or
 * restored without a dialog from the token of an earlier "Remember this selection"), started, and the
 * PipeWire remote (a file descriptor) its stream is read from. Closing it stops the stream.
 */
import { closeSync } from 'fs';
import * as dbus from 'dbus-next';
import { Disposable, Emitter, toDisposable } from '../../common/lifecycle';
import { HostError } from '../HostError';
import { PortalBus, PortalOptions } from './PortalBus';

export const SCREEN_CAST = 'org.freedesktop.portal.ScreenCast';
/** Source types (a bit mask): the sharer chooses one monitor or one window in the portal's dialog. */
export const MONITOR = 1;
export const WINDOW = 2;
const CURSOR_EMBEDDED = 2;
/** Kept until the sharer revokes it in the system's settings (not only for this run of the host). */
const PERSIST_UNTIL_REVOKED = 2;

/** The stream the portal started: its PipeWire node, what it shows, and where a monitor sits in the compositor's layout. */
export interface PortalStream {
  readonly node: number;
  /** MONITOR or WINDOW (the sharer's choice in the dialog). */
  readonly sourceType: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export class ScreenCastSession extends Disposable {
  private readonly _onClosed = this.register(new Emitter<void>());
  /** The portal ended the session (the sharer stopped sharing from the desktop's indicator, or it went away). */
  readonly onClosed = this._onClosed.event;

  private constructor(
    private readonly bus: PortalBus,
    readonly handle: string,
    readonly stream: PortalStream,
    /** Passed to the next open so the dialog is not asked again; absent where the portal cannot persist. */
    readonly restoreToken: string | undefined,
    /** The PipeWire connection that can see only this session's stream (absent: see openPipeWireRemote). */
    readonly pipeWireFd: number | undefined,
  ) {
    super();
    this.register(bus.onSessionClosed((path) => path === handle && this._onClosed.fire()));
    if (pipeWireFd !== undefined) this.register(toDisposable(() => closeSync(pipeWireFd)));
    this.register(toDisposable(() => bus.closeSession(handle)));
  }

  /** Asks the portal for a monitor or a window (its dialog, unless restoreToken still holds) and opens its stream. */
  static async open(bus: PortalBus, restoreToken: string | undefined): Promise<ScreenCastSession> {
    const version = await bus.version(SCREEN_CAST);
    const created = await bus.request(SCREEN_CAST, 'CreateSession', '', [], { session_handle_token: new dbus.Variant('s', `remoteassist${process.pid}`) });
    const handle = String(created.session_handle?.value ?? '');
    if (!handle) throw new HostError('ERR_PORTAL', 'The desktop portal created no screen-cast session.');
    try {
      const options: PortalOptions = { types: new dbus.Variant('u', await sourceTypes(bus, MONITOR | WINDOW)), multiple: new dbus.Variant('b', false) };
      if ((await cursorModes(bus)) & CURSOR_EMBEDDED) options.cursor_mode = new dbus.Variant('u', CURSOR_EMBEDDED);
      // persist_mode and restore_token arrived in version 4 of the interface.
      if (version >= 4) {
        options.persist_mode = new dbus.Variant('u', PERSIST_UNTIL_REVOKED);
        if (restoreToken) options.restore_token = new dbus.Variant('s', restoreToken);
      }
      await bus.request(SCREEN_CAST, 'SelectSources', 'o', [handle], options);
      const started = await bus.request(SCREEN_CAST, 'Start', 'os', [handle, ''], {});
      const stream = firstStream(started);
      const fd = await openPipeWireRemote(bus, SCREEN_CAST, handle);
      const token = typeof started.restore_token?.value === 'string' ? started.restore_token.value : undefined;
      return new ScreenCastSession(bus, handle, stream, token, fd);
    } catch (err) {
      bus.closeSession(handle);
      throw err;
    }
  }
}

/** Which of `wanted` the portal offers (AvailableSourceTypes); a monitor at least. */
export async function sourceTypes(bus: PortalBus, wanted: number): Promise<number> {
  const reply = await bus.call('org.freedesktop.DBus.Properties', 'Get', 'ss', [SCREEN_CAST, 'AvailableSourceTypes']).catch(() => undefined);
  const value = (reply?.body[0] as dbus.Variant | undefined)?.value;
  return (typeof value === 'number' ? value & wanted : 0) || MONITOR;
}

async function cursorModes(bus: PortalBus): Promise<number> {
  const reply = await bus.call('org.freedesktop.DBus.Properties', 'Get', 'ss', [SCREEN_CAST, 'AvailableCursorModes']).catch(() => undefined);
  const value = (reply?.body[0] as dbus.Variant | undefined)?.value;
  return typeof value === 'number' ? value : 0;
}

/** The first stream of a Start answer (we ask for one monitor or window). */
export function firstStream(started: PortalOptions): PortalStream {
  const streams = started.streams?.value as Array<[number, PortalOptions]> | undefined;
  const first = streams?.[0];
  if (!first) throw new HostError('ERR_PORTAL', 'The desktop portal started the screen cast without a stream (no monitor was chosen).');
  const [node, props] = first;
  const [x, y] = (props.position?.value as [number, number] | undefined) ?? [0, 0];
  const [width, height] = (props.size?.value as [number, number] | undefined) ?? [0, 0];
  const sourceType = typeof props.source_type?.value === 'number' ? props.source_type.value : MONITOR;
  if (!(width > 0 && height > 0)) throw new HostError('ERR_PORTAL', `The desktop portal did not say how large the shared ${sourceType === WINDOW ? 'window' : 'monitor'} is.`);
  return { node, sourceType, x, y, width, height };
}

/**
 * The PipeWire remote for a started session: a descriptor that reaches only the session's streams. Undefined
 * where this D-Bus connection cannot receive descriptors (dbus-next passes them through usocket, a native module
 * built at install; without it the reply carries only the descriptor's index).
 */
export async function openPipeWireRemote(bus: PortalBus, iface: string, handle: string): Promise<number | undefined> {
  if (!bus.canReceiveFds) return undefined;
  const reply = await bus.call(iface, 'OpenPipeWireRemote', 'oa{sv}', [handle, {}]);
  const fd = reply.body[0];
  if (typeof fd !== 'number' || fd < 0) throw new HostError('ERR_PIPEWIRE', 'The desktop portal did not pass the PipeWire connection.');
  return fd;
}
