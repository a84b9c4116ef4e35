/** Opens X11 capture (screen or one monitor, with the cursor) on its own display connection. */
import { ScreenChoice } from '../../protocol/host';
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
