/** The input seam: one implementation per platform (X11/XTEST today). Coordinates are already checked. */
import { PointerButton } from '../../protocol/peer';
import { IDisposable } from '../../common/lifecycle';

export interface InputInjector extends IDisposable {
  pointerMove(x: number, y: number): void;
  pointerButton(button: PointerButton, down: boolean, x: number, y: number): void;
  wheel(x: number, y: number, dx: number, dy: number): void;
  /** `code`/`key` as a browser KeyboardEvent reports them; unknown keys return false and do nothing. */
  key(code: string, key: string, down: boolean): boolean;
  /** Releases every key and button this injector holds down. */
  releaseAll(): void;
  /** True while a key or button injected by the helper is held down. */
  readonly holding: boolean;
  /**
   * Accounts for one ESC press seen on the display: true (and counted off) if it was one we injected, so
   * the local-ESC watcher ignores exactly the helper's presses, however close in time to the sharer's.
   */
  consumeInjectedEscape(): boolean;
  /** Drops the count (the watcher was not listening, so those presses will never be seen). */
  forgetInjectedEscapes(): void;
  /** Resolves once the display has processed everything sent so far. */
  flush(): Promise<void>;
}
