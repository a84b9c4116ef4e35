/**
 * The gate's window check: the helper's input is refused on a redacted window and, with control scoped to
 * one window, anywhere but on that window's current rectangle (it follows moves, resizes and stacking
 * through X11Windows). Decisions use the list as of the last X event this process has read.
 */
import { InputMessage } from '../../protocol/peer';
import { ScreenRegion } from '../capture/ScreenCapture';
import { X11Windows } from '../x11/X11Windows';
import { WindowPrivacy } from './WindowPrivacy';

/** What the ControlGate asks before applying input: a reason to refuse it, or undefined. */
export interface InputFence {
  refusal(message: InputMessage): string | undefined;
}

export class WindowFence implements InputFence {
  constructor(
    private readonly windows: X11Windows,
    private readonly privacy: WindowPrivacy,
    private readonly region: ScreenRegion,
  ) {}

  refusal(message: InputMessage): string | undefined {
    return this.privacy.refusal(message, this.windows.snapshot, this.region);
  }
}
