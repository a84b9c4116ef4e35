/** Opens X11 capture (screen or one monitor, with the cursor) on its own display connection. */
import { ScreenChoice } from '../../protocol/host';
import { X11Display } from '../x11/X11Display';
import { CursorTracker, ScreenCapture } from './ScreenCapture';
import { X11Capture } from './X11Capture';
import { X11Cursor } from './X11Cursor';
import { X11ScreenFollower } from './X11ScreenFollower';

export interface CaptureBackend {
  readonly capture: ScreenCapture;
  readonly cursor: CursorTracker;
  readonly display: X11Display;
  /** The shared area, kept on the sharer's choice through RANDR changes; choose() switches monitors. */
  readonly screens: X11ScreenFollower;
}

export async function openCapture(displayName: string, screen: ScreenChoice): Promise<CaptureBackend> {
  const display = await X11Display.connect(displayName);
  try {
    const screens = await X11ScreenFollower.open(display, screen);
    const capture = await X11Capture.open(display, screens.area);
    const cursor = await X11Cursor.open(display, screens.area);
    return { capture, cursor, display, screens };
  } catch (err) {
    display.dispose();
    throw err;
  }
}
