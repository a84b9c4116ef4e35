/**
 * Picks what captures the screen and applies input on this machine: X11 (complete: damage-driven capture,
 * cursor, monitors, XTEST input, local ESC) or libnut on Windows/macOS (capture and input through libnut, local
 * ESC through uiohook-napi; view only where uiohook does not load) or Wayland (the desktop portal's ScreenCast
 * and RemoteDesktop sessions, frames from PipeWire). Anything else
 * fails with a clear ERR_PLATFORM_UNSUPPORTED — never a silent black screen.
 */
import { ScreenChoice } from '../protocol/host';
import { DisposableStore, Emitter, Event } from '../common/lifecycle';
import { HostError } from './HostError';
import { LibnutCapture, LibnutCursor, loadLibnut } from './capture/LibnutCapture';
import { openCapture } from './capture/createCapture';
import { checkMacPermission } from './capture/macPermissions';
import { ScreenArea } from './capture/ScreenArea';
import { CursorTracker, ScreenCapture } from './capture/ScreenCapture';
import { EscapeWatcher } from './input/EscapeWatcher';
import { InputInjector } from './input/InputInjector';
import { LibnutControl, LibnutInput } from './input/LibnutInput';
import { loadUiohook, Uiohook, UiohookEscapeWatcher } from './input/UiohookEscapeWatcher';
import { X11EscapeWatcher } from './input/X11EscapeWatcher';
import { X11Input } from './input/X11Input';
import { X11PanicChord } from './input/X11PanicChord';
import { X11Display } from './x11/X11Display';
import { X11SharingFrame } from './x11/X11SharingFrame';
import { FrameMaskedCapture } from './capture/FrameMaskedCapture';
import { X11Windows } from './x11/X11Windows';
import { X11Overlay } from './x11/X11Overlay';
import { openWayland } from './wayland/WaylandBackend';
import { isWaylandSession } from '../common/waylandSession';

/** What is shared: the live area, the sharer's choice, and switching it where the platform can. */
export interface SharedScreen {
  readonly area: ScreenArea;
  readonly current: ScreenChoice;
  /** Shares another monitor (or all); absent where only the whole screen can be shared. */
  choose?(choice: ScreenChoice): Promise<boolean>;
  /** The chosen monitor went away (the area stays within what was shared). */
  readonly onError: Event<HostError>;
}

export interface PlatformBackend {
  readonly capture: ScreenCapture;
  readonly screens: SharedScreen;
  readonly cursor: CursorTracker;
  /** Input and the local-ESC watcher; absent where remote control is not supported yet. */
  readonly control?: { readonly injector: InputInjector; readonly escape: EscapeWatcher };
  /** The top-level windows, for redaction and scoped control (X11 only; on the capture's connection). */
  readonly windows?: X11Windows;
  /** The sharer's panic chord (Ctrl+Shift+Alt+End) on their own keyboard, wherever the focus is; where it can be watched. */
  readonly panic?: { readonly onPanic: Event<void> };
  /** Why control cannot be granted here though the platform supports it (a missing macOS permission). */
  readonly controlUnavailable?: HostError;
  /** Everything above, and the connections behind it. */
  readonly resources: DisposableStore;
  /** Asynchronous failures of the display (X errors without a callback); worth reporting, not fatal. */
  readonly onError: Event<Error>;
  /** Windows: the secure desktop (a UAC prompt) hides the screen from capture (true) or gives it back (false). */
  readonly screenHidden?: { readonly hidden: boolean; readonly onDidChange: Event<boolean> };
  /** The frame drawn around the shared area while pixels are sent (absent where none can be drawn yet). */
  readonly frame?: X11SharingFrame;
  /** Where the helper's marks are drawn on the sharer's screen (absent where none can be drawn yet). */
  readonly overlay?: X11Overlay;
}

export type BackendKind = 'x11' | 'libnut' | 'wayland';

/** Which backend serves this session, or a clear reason why none can. */
export function chooseBackend(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): BackendKind {
  if (platform === 'win32' || platform === 'darwin') return 'libnut';
  // Under Wayland an X display (Xwayland) shows only X clients: the screen comes through the desktop portal.
  if (isWaylandSession(env)) return 'wayland';
  if (!env.DISPLAY) {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'No X11 display (DISPLAY is not set): screen sharing is not supported in this session yet.');
  }
  // REMOTE_ASSIST_CAPTURE=libnut runs the cross-platform backend on X11 (diagnosis, and its test).
  return env.REMOTE_ASSIST_CAPTURE === 'libnut' ? 'libnut' : 'x11';
}

/** `platform`: the system the session runs on (main.ts passes process.platform; a test may say win32). */
export async function openBackend(kind: BackendKind, env: NodeJS.ProcessEnv, screen: ScreenChoice, platform: NodeJS.Platform = process.platform): Promise<PlatformBackend> {
  const resources = new DisposableStore();
  try {
    if (kind === 'wayland') return await openWayland(env, screen, resources);
    return kind === 'x11' ? await openX11(env.DISPLAY as string, screen, resources) : openLibnut(screen, resources, platform);
  } catch (err) {
    resources.dispose();
    throw err;
  }
}

async function openX11(displayName: string, screen: ScreenChoice, resources: DisposableStore): Promise<PlatformBackend> {
  const errors = resources.add(new Emitter<Error>());
  const opened = await openCapture(displayName, screen);
  const { cursor, display, screens } = opened;
  resources.add(display);
  resources.add(display.onError((err) => errors.fire(err)));
  resources.add(screens);
  // The frame follows the live area; it has its own connection and is opened before the window list, which ignores it.
  const frame = resources.add(await X11SharingFrame.open(displayName, screens.area));
  // The frame's strips are blacked out of every grab, so the frame never reaches the helper.
  const capture = resources.add(new FrameMaskedCapture(opened.capture, frame));
  resources.add(cursor);
  // The helper's marks: in the picture (the helper sees them where the sharer does), never in the window list.
  const overlay = resources.add(await X11Overlay.open(displayName, screens.area, [frame.window]));
  const windows = resources.add(await X11Windows.open(display, [frame.window, overlay.window]));
  // Input and the ESC watcher get their own connection so big frame reads never delay them.
  const inputDisplay = resources.add(await X11Display.connect(displayName));
  resources.add(inputDisplay.onError((err) => errors.fire(err)));
  // Without XInput 2 the chord cannot be watched; the Panic command in VS Code still works.
  const chord = await X11PanicChord.open(displayName).catch(() => undefined);
  const panic = chord && resources.add(chord);
  // An X server without XTEST can still be watched: view only, and a control request is refused clearly.
  if (!(await inputDisplay.hasExtension('XTEST'))) {
    const controlUnavailable = new HostError('ERR_PLATFORM_UNSUPPORTED', `The X display ${displayName} does not offer XTEST, so it cannot be controlled remotely (view only).`);
    return { capture, cursor, screens, windows, panic, controlUnavailable, frame, overlay, resources, onError: errors.event };
  }
  const injector = resources.add(await X11Input.open(inputDisplay, screens.area));
  const escape = resources.add(await X11EscapeWatcher.open(inputDisplay, injector.escapeKeycodes, injector));
  return { capture, cursor, screens, windows, control: { injector, escape }, panic, frame, overlay, resources, onError: errors.event };
}

function openLibnut(screen: ScreenChoice, resources: DisposableStore, platform: NodeJS.Platform): PlatformBackend {
  if (screen !== 'all') throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'Choosing one monitor is not supported on this system yet; share the whole screen.');
  const libnut = loadLibnut();
  // macOS: without Screen Recording the capture shows only the desktop background; say so instead.
  const noScreen = process.platform === 'darwin' ? checkMacPermission('screen') : undefined;
  if (noScreen) throw noScreen;
  const capture = resources.add(LibnutCapture.open(libnut, platform === 'win32'));
  const screens: SharedScreen = { area: resources.add(new ScreenArea(capture.region, true)), current: 'all', onError: () => ({ dispose: () => undefined }) };
  const cursor = resources.add(new LibnutCursor(libnut, capture.density));
  const controlUnavailable = process.platform === 'darwin' ? checkMacPermission('accessibility') : undefined;
  const control = controlUnavailable ? undefined : openLibnutControl(libnut as unknown as LibnutControl, capture.density, resources);
  // libnut reports failures by throwing from its calls, which the capture handles itself.
  const detector = capture.secureDesktop;
  const screenHidden = detector && { get hidden() { return detector.hidden; }, onDidChange: detector.onDidChange };
  return { capture, cursor, screens, control, controlUnavailable, screenHidden, resources, onError: () => ({ dispose: () => undefined }) };
}

/** Control needs the local-ESC watcher: without uiohook the session stays view only (the gate refuses control). */
function openLibnutControl(libnut: LibnutControl, density: number, resources: DisposableStore): PlatformBackend['control'] {
  let hook: Uiohook;
  try {
    hook = loadUiohook();
  } catch {
    return undefined;
  }
  const injector = resources.add(new LibnutInput(libnut, density));
  const escape = resources.add(new UiohookEscapeWatcher(hook, injector));
  return { injector, escape };
}
