/**
 * Notices ESC pressed on the sharer's own keyboard while control is shared, without grabbing it (the
 * sharer's application still gets its ESC): XInput2 raw key events on the root window report every
 * press from every device — even a tap shorter than any polling interval — and cost nothing while idle.
 * The helper's own injected ESC presses are counted off one by one (the injector knows how many it sent).
 */
import { HostError } from '../HostError';
import { Emitter } from '../../common/lifecycle';
import { EscapeWatcher } from './EscapeWatcher';
import { X11Display, X11Event } from '../x11/X11Display';
import { InputInjector } from './InputInjector';

interface XInputExtension {
  xi2: unknown;
  AllMasterDevices: number;
  KeyEventFlags: { KeyRepeat: number };
  XISelectEvents(window: number, masks: { deviceId: number; mask: string[] | number }): void;
}

export class X11EscapeWatcher implements EscapeWatcher {
  private readonly _onEscape = new Emitter<void>();
  readonly onEscape = this._onEscape.event;
  private watching = false;
  private readonly listener = (ev: X11Event) => this.onEvent(ev);

  private constructor(
    private readonly x: X11Display,
    private readonly xi: XInputExtension,
    private readonly escapeKeycodes: readonly number[],
    private readonly injector: InputInjector,
  ) {
    x.client.on('event', this.listener);
  }

  static async open(display: X11Display, escapeKeycodes: readonly number[], injector: InputInjector): Promise<X11EscapeWatcher> {
    const xi = await display.extension<XInputExtension>('xinput');
    if (!xi.xi2) throw new HostError('ERR_DISPLAY', `X server ${display.name} lacks XInput 2 (needed to notice ESC without stealing it)`);
    return new X11EscapeWatcher(display, xi, escapeKeycodes, injector);
  }

  /** Watches only while control is granted. */
  start(): void {
    if (this.watching) return;
    this.watching = true;
    this.injector.forgetInjectedEscapes();
    this.xi.XISelectEvents(this.x.root, { deviceId: this.xi.AllMasterDevices, mask: ['RawKeyPress'] });
  }

  stop(): void {
    if (!this.watching) return;
    this.watching = false;
    this.xi.XISelectEvents(this.x.root, { deviceId: this.xi.AllMasterDevices, mask: 0 });
  }

  private onEvent(ev: X11Event): void {
    if (!this.watching || ev.name !== 'XIRawKeyPress') return;
    if (((ev.flags as number) & this.xi.KeyEventFlags.KeyRepeat) !== 0) return;
    if (!this.escapeKeycodes.includes(ev.detail as number)) return;
    if (this.injector.consumeInjectedEscape()) return;
    this._onEscape.fire();
  }

  dispose(): void {
    this.stop();
    this.x.client.removeListener('event', this.listener);
    this._onEscape.dispose();
  }
}
