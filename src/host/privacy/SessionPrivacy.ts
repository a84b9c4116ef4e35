/**
 * The privacy part of one host session: wraps capture so hidden windows are blacked out, gives the gate its
 * window fence, and answers the sharer's window commands (list, share only one, new rules, scoped grant).
 * Where the platform cannot list windows (libnut today) nothing is wrapped and choosing a window is refused.
 */
import { HostCommand, WindowInfo } from '../../protocol/host';
import { DisposableStore, IDisposable } from '../../common/lifecycle';
import { HostError } from '../HostError';
import { ScreenCapture } from '../capture/ScreenCapture';
import { X11Windows } from '../x11/X11Windows';
import { RedactingCapture } from './RedactingCapture';
import { InputFence, WindowFence } from './WindowFence';
import { WindowPrivacy } from './WindowPrivacy';

type PrivacyCommand = Extract<HostCommand, { type: 'listWindows' | 'shareWindow' | 'setRedaction' }>;

export class SessionPrivacy implements IDisposable {
  private readonly store = new DisposableStore();
  readonly capture: ScreenCapture;
  readonly fence: InputFence | undefined;
  private readonly privacy: WindowPrivacy;

  constructor(
    capture: ScreenCapture,
    private readonly windows: X11Windows | undefined,
    rules: readonly string[],
    sharedWindow?: number,
  ) {
    if (sharedWindow !== undefined && !windows) throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'Sharing only one window is not supported on this system yet.');
    this.privacy = new WindowPrivacy(rules);
    this.privacy.shareOnly(sharedWindow);
    this.store.add(this.privacy);
    this.capture = windows ? this.store.add(new RedactingCapture(capture, windows, this.privacy)) : capture;
    this.fence = windows && new WindowFence(windows, this.privacy, capture.region);
  }

  /** Answers a window command; `windows` events go out through `emit`. */
  async handle(command: PrivacyCommand): Promise<WindowInfo[] | undefined> {
    switch (command.type) {
      case 'listWindows':
        return this.list();
      case 'shareWindow':
        if (command.window !== undefined) await this.expectWindow(command.window);
        this.privacy.shareOnly(command.window);
        return undefined;
      case 'setRedaction':
        this.privacy.setRules(command.rules);
        return undefined;
    }
  }

  /** Control is limited to one window now. */
  get scoped(): boolean {
    return this.privacy.controlWindow !== undefined;
  }

  /** Before a grant: control only inside `window` (undefined: the whole screen). */
  async scopeControl(window: number | undefined): Promise<void> {
    if (window !== undefined) await this.expectWindow(window);
    this.privacy.scopeControl(window);
  }

  private async list(): Promise<WindowInfo[]> {
    if (!this.windows) throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'Listing windows is not supported on this system yet.');
    const { windows } = await this.windows.settled();
    return windows
      .filter((w) => !w.overrideRedirect && w.title.length > 0)
      .reverse()
      .slice(0, 256)
      .map((w) => ({ id: w.id, title: w.title.slice(0, 256), className: (w.className || w.instance).slice(0, 256) }));
  }

  private async expectWindow(id: number): Promise<void> {
    if (!this.windows) throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'Choosing one window is not supported on this system yet.');
    const { windows } = await this.windows.settled();
    if (!windows.some((w) => w.id === id && !w.overrideRedirect)) throw new HostError('ERR_WINDOW_NOT_FOUND', `window ${id} is not on the screen any more`);
  }

  dispose(): void {
    this.store.dispose();
  }
}
