/** Picks the capture backend for this machine, or fails with a clear ERR_PLATFORM_UNSUPPORTED. */
import { ScreenChoice } from '../../protocol/host';
import { HostError } from '../HostError';
import { X11Display } from '../x11/X11Display';
import { CursorTracker, ScreenCapture, ScreenRegion } from './ScreenCapture';
import { X11Capture } from './X11Capture';
import { X11Cursor } from './X11Cursor';
import { monitorRegion } from './X11Monitors';

export interface CaptureBackend {
  readonly capture: ScreenCapture;
  readonly cursor: CursorTracker;
  readonly display: X11Display;
}

/** The X display to use, or an explanation of why there is none. */
export function x11DisplayName(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32' || platform === 'darwin') {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', `Screen sharing is not supported on ${platform === 'win32' ? 'Windows' : 'macOS'} yet.`);
  }
  // Under Wayland an X display (Xwayland) shows only X clients: sharing it would look like a black screen.
  if (env.XDG_SESSION_TYPE === 'wayland' || env.WAYLAND_DISPLAY) {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'Screen sharing is not supported in Wayland sessions yet; log in with an X11 session to share your screen.');
  }
  if (!env.DISPLAY) {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'No X11 display (DISPLAY is not set): screen sharing is not supported in this session yet.');
  }
  return env.DISPLAY;
}

export async function openCapture(displayName: string, screen: ScreenChoice): Promise<CaptureBackend> {
  const display = await X11Display.connect(displayName);
  try {
    const region: ScreenRegion =
      screen === 'all' ? { x: 0, y: 0, width: display.screen.pixel_width, height: display.screen.pixel_height } : await monitorRegion(display, screen.monitor);
    const capture = await X11Capture.open(display, region);
    const cursor = await X11Cursor.open(display, region);
    return { capture, cursor, display };
  } catch (err) {
    display.dispose();
    throw err;
  }
}
