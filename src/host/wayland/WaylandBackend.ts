/**
 * The Wayland backend: the screen through the desktop portal's ScreenCast session and its PipeWire stream,
 * control through a RemoteDesktop session opened when control is granted (WaylandRemoteControl).
 * The portal asks the sharer which monitor to share (its own dialog, outside our process: we never see the
 * screen before they answer); "Remember this selection" gives a restore token that the host keeps, so the next
 * session starts without the dialog. The cursor is drawn into the frames by the compositor.
 */
import { DisposableStore, Emitter } from '../../common/lifecycle';
import { ScreenChoice } from '../../protocol/host';
import { ScreenArea } from '../capture/ScreenArea';
import { CursorShape, CursorTracker } from '../capture/ScreenCapture';
import { HostError } from '../HostError';
import type { PlatformBackend, SharedScreen } from '../PlatformBackend';
import { PipeWireCapture } from './PipeWireCapture';
import { PortalBus } from './PortalBus';
import { RestoreTokenFile } from './RestoreTokenFile';
import { ScreenCastSession, WINDOW } from './ScreenCastSession';
import { WaylandInput } from './WaylandInput';
import { WaylandRemoteControl } from './WaylandRemoteControl';

export async function openWayland(env: NodeJS.ProcessEnv, screen: ScreenChoice, resources: DisposableStore): Promise<PlatformBackend> {
  if (screen !== 'all') throw new HostError('ERR_MONITOR_NOT_FOUND', 'On Wayland the monitor to share is chosen in the system dialog: share "all" and pick the monitor there.');
  const errors = resources.add(new Emitter<Error>());
  // Reported to the extension with their codes (HostSession reports SharedScreen errors), never fatal here.
  const screenErrors = resources.add(new Emitter<HostError>());
  const bus = resources.add(await PortalBus.connect(env.DBUS_SESSION_BUS_ADDRESS));
  const tokens = RestoreTokenFile.forEnv(env, 'screen');
  const session = resources.add(await ScreenCastSession.open(bus, tokens.read()));
  tokens.write(session.restoreToken);
  resources.add(session.onClosed(() => screenErrors.fire(new HostError('ERR_PORTAL', 'Screen sharing was stopped from the desktop (the portal closed the screen cast): the helper no longer sees your screen.'))));
  const capture = resources.add(await openStream(session, env));
  resources.add(capture.onError((err) => screenErrors.fire(err)));
  const area = resources.add(new ScreenArea(capture.region, true));
  const screens: SharedScreen = { area, current: 'all', onError: screenErrors.event };
  const cursor = resources.add(new EmbeddedCursor());
  const control = resources.add(new WaylandRemoteControl(bus, new WaylandInput(), RestoreTokenFile.forEnv(env, 'control')));
  resources.add(control.onError((err) => screenErrors.fire(err)));
  // The portal's pointer does not follow a window stream (mutter 43 kept it at its first point in the test): control of a shared window is refused.
  const controlUnavailable =
    session.stream.sourceType === WINDOW
      ? new HostError('ERR_PLATFORM_UNSUPPORTED', 'On Wayland a shared window cannot be controlled yet, only a shared screen: to hand over control, stop sharing and share again choosing Entire Screen in the system dialog.')
      : undefined;
  return { capture, cursor, screens, control: { injector: control.input, escape: control }, controlUnavailable, resources, onError: errors.event };
}

/** How long a new reader waits for its first frame before it connects again, and how many times it does. */
const FIRST_FRAME_WAIT_MS = 3000;
const READER_ATTEMPTS = 6;

/**
 * The stream's reader, once frames flow: nothing is offered before, and a broken PipeWire fails the start
 * clearly. A reader started while the portal's new node is still being linked can fail at once ("Failed to
 * set pipeline to PAUSED"), and one linked just after the compositor sent the stream's first frame gets none
 * until the shared window next redraws (seen under load with mutter 43: 28 s for a still window), so a reader
 * with no frame after a few seconds is replaced — a new consumer's link makes the compositor send a frame.
 * The last attempt waits as long as it takes.
 */
async function openStream(session: ScreenCastSession, env: NodeJS.ProcessEnv): Promise<PipeWireCapture> {
  for (let attempt = 1; ; attempt++) {
    const capture = new PipeWireCapture(session.stream, session.pipeWireFd, env);
    const last = attempt === READER_ATTEMPTS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => !last && (timer = setTimeout(() => resolve(false), FIRST_FRAME_WAIT_MS)));
    try {
      if (await Promise.race([capture.ready().then(() => true), late])) return capture;
      capture.dispose();
    } catch (err) {
      capture.dispose();
      if (last) throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The compositor draws the pointer into the frames (cursor_mode embedded): no separate cursor to send. */
class EmbeddedCursor implements CursorTracker {
  private readonly _onMove = new Emitter<{ x: number; y: number; serial: number }>();
  readonly onMove = this._onMove.event;
  private readonly _onShape = new Emitter<CursorShape>();
  readonly onShape = this._onShape.event;

  refresh(): void {}

  dispose(): void {
    this._onMove.dispose();
    this._onShape.dispose();
  }
}
