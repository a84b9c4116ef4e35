/**
 * The panic chord on the sharer's own keyboard — Ctrl+Shift+Alt+End — noticed wherever the focus is (VS Code
 * may not have it while the helper works in another window): XInput2 raw key events on the root window, as
 * for ESC, without grabbing anything. Raw events carry no modifier state, so the held modifiers are tracked
 * from their own presses and releases. It has its own X connection: XISelectEvents replaces a client's mask,
 * and the ESC watcher selects on the same root.
 */
import { Emitter } from '../../common/lifecycle';
import { HostError } from '../HostError';
import { X11Display, X11Event } from '../x11/X11Display';

interface XInputExtension {
  xi2: unknown;
  AllMasterDevices: number;
  KeyEventFlags: { KeyRepeat: number };
  XISelectEvents(window: number, masks: { deviceId: number; mask: string[] | number }): void;
}

const KEYSYM = { End: 0xff57, KP_End: 0xff9c, Shift_L: 0xffe1, Shift_R: 0xffe2, Control_L: 0xffe3, Control_R: 0xffe4, Alt_L: 0xffe9, Alt_R: 0xffea, Meta_L: 0xffe7, Meta_R: 0xffe8 };
type Modifier = 'control' | 'shift' | 'alt';

export class X11PanicChord {
  private readonly _onPanic = new Emitter<void>();
  readonly onPanic = this._onPanic.event;
  private readonly held = new Set<number>();
  private readonly listener = (ev: X11Event) => this.onEvent(ev);

  private constructor(
    private readonly x: X11Display,
    private readonly modifierOf: ReadonlyMap<number, Modifier>,
    private readonly endKeycodes: ReadonlySet<number>,
    private readonly xi: XInputExtension,
  ) {
    x.client.on('event', this.listener);
    xi.XISelectEvents(x.root, { deviceId: xi.AllMasterDevices, mask: ['RawKeyPress', 'RawKeyRelease'] });
  }

  /** Watches on its own connection to `displayName` until disposed. */
  static async open(displayName: string): Promise<X11PanicChord> {
    const x = await X11Display.connect(displayName);
    try {
      const xi = await x.extension<XInputExtension>('xinput');
      if (!xi.xi2) throw new HostError('ERR_DISPLAY', `X server ${displayName} lacks XInput 2 (needed to notice the panic chord)`);
      const count = x.keycodes.max - x.keycodes.min + 1;
      const mapping = await x.call<number[][]>((cb) => x.client.GetKeyboardMapping(x.keycodes.min, count, cb));
      const modifierOf = new Map<number, Modifier>();
      const endKeycodes = new Set<number>();
      mapping.forEach((row, i) => {
        const keycode = x.keycodes.min + i;
        const sym = row[0];
        if (sym === KEYSYM.Control_L || sym === KEYSYM.Control_R) modifierOf.set(keycode, 'control');
        else if (sym === KEYSYM.Shift_L || sym === KEYSYM.Shift_R) modifierOf.set(keycode, 'shift');
        else if (sym === KEYSYM.Alt_L || sym === KEYSYM.Alt_R || sym === KEYSYM.Meta_L || sym === KEYSYM.Meta_R) modifierOf.set(keycode, 'alt');
        if (row.includes(KEYSYM.End) || row.includes(KEYSYM.KP_End)) endKeycodes.add(keycode);
      });
      return new X11PanicChord(x, modifierOf, endKeycodes, xi);
    } catch (err) {
      x.dispose();
      throw err;
    }
  }

  private onEvent(ev: X11Event): void {
    const keycode = ev.detail as number;
    if (ev.name === 'XIRawKeyRelease') {
      this.held.delete(keycode);
      return;
    }
    if (ev.name !== 'XIRawKeyPress' || ((ev.flags as number) & this.xi.KeyEventFlags.KeyRepeat) !== 0) return;
    if (this.modifierOf.has(keycode)) {
      this.held.add(keycode);
      return;
    }
    if (!this.endKeycodes.has(keycode)) return;
    const down = new Set([...this.held].map((k) => this.modifierOf.get(k)));
    if (down.has('control') && down.has('shift') && down.has('alt')) this._onPanic.fire();
  }

  dispose(): void {
    this.x.client.removeListener('event', this.listener);
    this._onPanic.dispose();
    this.x.dispose();
  }
}
