/**
 * The gate's window check: the helper's input is refused on a redacted window and, with control scoped to
 * one window, anywhere but on that window's current rectangle (it follows moves, resizes and stacking
 * through X11Windows). While an X event has not been read into the window list yet (a click just moved the
 * focus, a window just appeared), input waits, in order, until it has — so keys typed right after a click
 * are judged by where that click put the focus.
 */
import { InputMessage } from '../../protocol/peer';
import { ScreenRegion } from '../capture/ScreenCapture';
import { X11Windows } from '../x11/X11Windows';
import { WindowPrivacy } from './WindowPrivacy';

/** Input kept at most this long for the window list; then it is judged by the latest list. */
const HOLD_MAX_MS = 250;
/** Input kept at most this many messages; beyond, it is judged by the latest list. */
const HOLD_MAX_MESSAGES = 512;

/** What the ControlGate asks before applying input. */
export interface InputFence {
  /** True when the fence keeps `message` for now and hands it to `later` once it can judge it (in order). */
  hold(message: InputMessage, later: (message: InputMessage) => void): boolean;
  /** A reason to refuse `message`, or undefined. */
  refusal(message: InputMessage): string | undefined;
  /** Control ended: whatever is held is dropped. */
  clear(): void;
}

export class WindowFence implements InputFence {
  private held: InputMessage[] = [];
  private later: ((message: InputMessage) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windows: X11Windows,
    private readonly privacy: WindowPrivacy,
    private readonly region: ScreenRegion,
  ) {}

  hold(message: InputMessage, later: (message: InputMessage) => void): boolean {
    if (this.held.length === 0 && !this.windows.stale) return false;
    // Too much waiting: judge what is held by the latest list, in order, and this message after it.
    if (this.held.length >= HOLD_MAX_MESSAGES) {
      this.release();
      return false;
    }
    this.held.push(message);
    this.later = later;
    if (this.held.length === 1) {
      this.timer = setTimeout(() => this.release(), HOLD_MAX_MS);
      void this.windows.settled().then(() => this.release());
    }
    return true;
  }

  refusal(message: InputMessage): string | undefined {
    return this.privacy.refusal(message, this.windows.snapshot, this.region);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.held = [];
  }

  private release(): void {
    clearTimeout(this.timer);
    const held = this.held;
    this.held = [];
    for (const message of held) this.later?.(message);
  }
}
