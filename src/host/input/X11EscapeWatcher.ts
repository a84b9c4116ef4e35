/**
 * Notices ESC pressed on the sharer's own keyboard while control is shared, without grabbing it (the
 * sharer's application still gets its ESC): polls the key bitmap with QueryKeymap, ignoring the helper's
 * injected ESC.
 */
import { Disposable, Emitter } from '../Emitter';
import { X11Display } from '../x11/X11Display';
import { InputInjector } from './InputInjector';

const POLL_MS = 20;
/** Injected ESC may still show in the key bitmap for a moment after we released it. */
const INJECTED_GRACE_MS = 150;

export class X11EscapeWatcher implements Disposable {
  private readonly _onEscape = new Emitter<void>();
  readonly onEscape = this._onEscape.event;
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  private wasDown = true;

  constructor(
    private readonly x: X11Display,
    private readonly escapeKeycodes: readonly number[],
    private readonly injector: InputInjector,
  ) {}

  /** Watching costs a round trip every 20 ms, so it runs only while control is granted. */
  start(): void {
    if (this.timer || this.escapeKeycodes.length === 0) return;
    // An ESC already held when control starts is not a new press.
    this.wasDown = true;
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    if (this.pending) return;
    this.pending = true;
    this.x.client.QueryKeymap((err, bits) => {
      this.pending = false;
      if (err || !this.timer) return;
      const down = this.escapeKeycodes.some((k) => (bits[k >> 3] & (1 << (k & 7))) !== 0);
      const pressed = down && !this.wasDown;
      this.wasDown = down;
      if (pressed && !this.injector.injectedEscape(INJECTED_GRACE_MS)) this._onEscape.fire();
    });
  }

  dispose(): void {
    this.stop();
    this._onEscape.dispose();
  }
}
