/**
 * Notices ESC on the sharer's own keyboard through uiohook-napi (libuiohook: a low-level keyboard hook on
 * Windows, a CGEventTap on macOS, XRecord on X11), without taking the key from the sharer's application.
 * It sees injected keys too, so the helper's own ESC presses are counted off as the injector sent them.
 */
import { HostError } from '../HostError';
import { Emitter } from '../../common/lifecycle';
import { EscapeWatcher } from './EscapeWatcher';
import { InputInjector } from './InputInjector';

export interface Uiohook {
  uIOhook: {
    on(event: 'keydown', listener: (e: { keycode: number }) => void): unknown;
    off(event: 'keydown', listener: (e: { keycode: number }) => void): unknown;
    start(): void;
    stop(): void;
  };
  UiohookKey: { Escape: number };
}

/** Loads uiohook-napi (a native module the bundle leaves outside) only on this path. */
export function loadUiohook(): Uiohook {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('uiohook-napi') as Uiohook;
  } catch (err) {
    throw new HostError('ERR_PLATFORM_UNSUPPORTED', `Remote control is not supported on this system yet (uiohook-napi did not load: ${(err as Error).message})`);
  }
}

export class UiohookEscapeWatcher implements EscapeWatcher {
  private readonly _onEscape = new Emitter<void>();
  readonly onEscape = this._onEscape.event;
  private watching = false;
  private readonly listener = (e: { keycode: number }) => {
    if (!this.watching || e.keycode !== this.hook.UiohookKey.Escape) return;
    if (this.injector.consumeInjectedEscape()) return;
    this._onEscape.fire();
  };

  constructor(
    private readonly hook: Uiohook,
    private readonly injector: InputInjector,
  ) {
    hook.uIOhook.on('keydown', this.listener);
  }

  /** The hook runs only while control is granted (it sees every key press on the machine). */
  start(): void {
    if (this.watching) return;
    this.watching = true;
    this.injector.forgetInjectedEscapes();
    this.hook.uIOhook.start();
  }

  stop(): void {
    if (!this.watching) return;
    this.watching = false;
    this.hook.uIOhook.stop();
  }

  dispose(): void {
    this.stop();
    this.hook.uIOhook.off('keydown', this.listener);
    this._onEscape.dispose();
  }
}
