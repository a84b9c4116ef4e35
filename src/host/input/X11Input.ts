/**
 * Input injection through XTEST. Characters are typed with the keycode and Shift level of the sharer's own
 * keymap; a character the keymap lacks is bound to a spare keycode for the moment (as xdotool does).
 * The X server's autorepeat is off for a key while the helper holds it (like x11vnc): the helper's own
 * browser repeats a held key, and a late key-up on a busy link must not turn into repeated characters
 * (a repeat after Shift was lifted again would even be the wrong character: `"` then `''''`).
 */
import { PointerButton } from '../../protocol/peer';
import { X11Display } from '../x11/X11Display';
import { HeldInput } from './HeldInput';
import { InputInjector } from './InputInjector';
import { KEYSYM, mapKey } from './keysyms';

export interface XTestExtension {
  KeyPress: number;
  KeyRelease: number;
  ButtonPress: number;
  ButtonRelease: number;
  MotionNotify: number;
  FakeInput(type: number, detail: number, time: number, window: number, x: number, y: number): void;
}

const BUTTON: Readonly<Record<PointerButton, number>> = { left: 1, middle: 2, right: 3, back: 8, forward: 9 };
const SPARE_POOL = 4;

interface KeyboardControl {
  GetKeyboardControl(cb: (err: Error | null, control: { autoRepeats: Buffer }) => void): void;
  ChangeKeyboardControl(values: { key: number; autoRepeatMode: number }): void;
}

/** X's auto-repeat-mode values. */
const REPEAT_OFF = 0;
const REPEAT_ON = 1;

/** Shift, Control, Caps/Shift Lock, Meta, Alt, Super, Hyper, AltGr. */
function isModifier(keysym: number): boolean {
  return (keysym >= KEYSYM.shiftL && keysym <= 0xffee) || keysym === KEYSYM.level3;
}

interface Held {
  readonly keycode: number;
  readonly keysym: number;
}

export class X11Input extends HeldInput<Held, number> implements InputInjector {
  /** keysym → [keycode, level] with the lowest level found (0 plain, 1 Shift). */
  private readonly keycodeOf = new Map<number, [number, number]>();
  private readonly spares: number[] = [];
  private readonly sparesBound = new Map<number, number>();
  private nextSpare = 0;
  /** Keycodes whose autorepeat we turned off, and whether the sharer had it on. */
  private readonly repeatSuspended = new Map<number, boolean>();
  private disposed = false;
  /** Every keycode the sharer's keymap has for ESC (for the local-ESC watcher). */
  readonly escapeKeycodes: number[] = [];

  private constructor(
    private readonly x: X11Display,
    private readonly xtest: XTestExtension,
    private readonly origin: { x: number; y: number },
    private readonly keysymsPerKeycode: number,
    mapping: number[][],
    /** The sharer's per-key autorepeat bits (GetKeyboardControl), keycode k at bit k. */
    private readonly autoRepeats: Buffer,
  ) {
    super();
    mapping.forEach((row, i) => {
      const keycode = x.keycodes.min + i;
      if (row.every((k) => k === 0)) {
        this.spares.push(keycode);
        return;
      }
      if (row.includes(KEYSYM.escape)) this.escapeKeycodes.push(keycode);
      for (let level = 0; level < Math.min(2, row.length); level++) {
        const keysym = row[level];
        if (keysym && !this.keycodeOf.has(keysym)) this.keycodeOf.set(keysym, [keycode, level]);
      }
    });
    // Prefer spares at the top of the range: low keycodes are often claimed by evdev-style tables later.
    this.spares.reverse().splice(SPARE_POOL);
  }

  static async open(display: X11Display, origin: { x: number; y: number }): Promise<X11Input> {
    const xtest = await display.extension<XTestExtension>('xtest');
    const count = display.keycodes.max - display.keycodes.min + 1;
    const mapping = await display.call<number[][]>((cb) => display.client.GetKeyboardMapping(display.keycodes.min, count, cb));
    const control = await display.call<{ autoRepeats: Buffer }>((cb) => (display.client as unknown as KeyboardControl).GetKeyboardControl(cb));
    return new X11Input(display, xtest, origin, mapping[0]?.length ?? 2, mapping, Buffer.from(control.autoRepeats));
  }

  pointerMove(x: number, y: number): void {
    this.xtest.FakeInput(this.xtest.MotionNotify, 0, 0, this.x.root, this.origin.x + x, this.origin.y + y);
  }

  pointerButton(button: PointerButton, down: boolean, x: number, y: number): void {
    const n = BUTTON[button];
    if (!down && !this.heldButtons.has(n)) return;
    this.pointerMove(x, y);
    this.fakeButton(n, down);
  }

  wheel(x: number, y: number, dx: number, dy: number): void {
    this.pointerMove(x, y);
    // X models each wheel notch as a click of buttons 4/5 (vertical) and 6/7 (horizontal).
    const clicks = (button: number, n: number) => {
      for (let i = 0; i < n; i++) {
        this.fakeButton(button, true);
        this.fakeButton(button, false);
      }
    };
    clicks(dy < 0 ? 4 : 5, Math.abs(dy));
    clicks(dx < 0 ? 6 : 7, Math.abs(dx));
  }

  key(code: string, key: string, down: boolean): boolean {
    const id = code || key;
    if (!down) {
      const held = this.heldKeys.get(id);
      if (!held) return false;
      this.heldKeys.delete(id);
      this.fakeKey(held.keycode, false, held.keysym);
      return true;
    }
    const mapped = mapKey(code, key);
    if (!mapped) return false;
    const found = this.keycodeOf.get(mapped.keysym) ?? this.bindSpare(mapped.keysym);
    if (!found) return false;
    const [keycode, level] = found;
    // A repeated keydown (the helper holds the key): a held modifier stays as it is; any other key is
    // released first, since X drops a second press of a key that is down and does not autorepeat.
    const previous = this.heldKeys.get(id);
    if (previous && previous.keycode === keycode && isModifier(mapped.keysym)) return true;
    if (previous) this.fakeKey(previous.keycode, false, previous.keysym);
    this.heldKeys.set(id, { keycode, keysym: mapped.keysym });
    if (mapped.printable && !this.shortcutHeld()) this.typeAtLevel(keycode, level, mapped.keysym);
    else this.fakeKey(keycode, true, mapped.keysym);
    return true;
  }

  releaseAll(): void {
    for (const held of this.heldKeys.values()) this.fakeKey(held.keycode, false, held.keysym);
    this.heldKeys.clear();
    for (const button of this.heldButtons) this.fakeButton(button, false);
    this.heldButtons.clear();
  }

  flush(): Promise<void> {
    return this.x.call((cb) => this.x.client.GetInputFocus(cb)).then(() => undefined);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseAll();
    for (const keycode of this.sparesBound.keys()) this.x.client.ChangeKeyboardMapping(keycode, this.keysymsPerKeycode, new Array(this.keysymsPerKeycode).fill(0));
  }

  /** Presses a character's keycode with exactly the Shift state its level needs, whatever the helper holds. */
  private typeAtLevel(keycode: number, level: number, keysym: number): void {
    const shifts = [...this.heldKeys.values()].filter((h) => h.keysym === KEYSYM.shiftL || h.keysym === KEYSYM.shiftR || h.keysym === KEYSYM.level3);
    const wantShift = level === 1;
    const lifted = shifts.filter((h) => !(wantShift && h.keysym !== KEYSYM.level3));
    const hasShift = shifts.some((h) => h.keysym !== KEYSYM.level3);
    const shiftKeycode = this.keycodeOf.get(KEYSYM.shiftL)?.[0];
    const addShift = wantShift && !hasShift && shiftKeycode !== undefined;
    for (const h of lifted) this.fakeKey(h.keycode, false, h.keysym);
    if (addShift) this.fakeKey(shiftKeycode, true, KEYSYM.shiftL);
    this.fakeKey(keycode, true, keysym);
    if (addShift) this.fakeKey(shiftKeycode, false, KEYSYM.shiftL);
    for (const h of lifted) this.fakeKey(h.keycode, true, h.keysym);
  }

  /** Control, Alt or Super held: the key is a shortcut, so it goes as a plain keycode with those modifiers. */
  private shortcutHeld(): boolean {
    for (const h of this.heldKeys.values()) if (h.keysym >= KEYSYM.controlL && h.keysym <= 0xffee && h.keysym !== 0xffe5) return true;
    return false;
  }

  /** Binds `keysym` to a spare keycode (round robin, so a client still reading the last one sees it intact). */
  private bindSpare(keysym: number): [number, number] | undefined {
    if (this.spares.length === 0) return undefined;
    const keycode = this.spares[this.nextSpare++ % this.spares.length];
    const previous = this.sparesBound.get(keycode);
    if (previous !== undefined) this.keycodeOf.delete(previous);
    this.x.client.ChangeKeyboardMapping(keycode, this.keysymsPerKeycode, new Array(this.keysymsPerKeycode).fill(keysym));
    this.sparesBound.set(keycode, keysym);
    this.keycodeOf.set(keysym, [keycode, 0]);
    return [keycode, 0];
  }

  private fakeKey(keycode: number, down: boolean, keysym: number): void {
    if (keysym === KEYSYM.escape && down) this.escapeSent();
    if (down) this.suspendRepeat(keycode);
    this.xtest.FakeInput(down ? this.xtest.KeyPress : this.xtest.KeyRelease, keycode, 0, this.x.root, 0, 0);
    if (!down) this.restoreRepeat(keycode);
  }

  private suspendRepeat(keycode: number): void {
    if (this.repeatSuspended.has(keycode)) return;
    const repeats = (this.autoRepeats[keycode >> 3] & (1 << (keycode & 7))) !== 0;
    this.repeatSuspended.set(keycode, repeats);
    if (repeats) (this.x.client as unknown as KeyboardControl).ChangeKeyboardControl({ key: keycode, autoRepeatMode: REPEAT_OFF });
  }

  private restoreRepeat(keycode: number): void {
    const repeats = this.repeatSuspended.get(keycode);
    this.repeatSuspended.delete(keycode);
    if (repeats) (this.x.client as unknown as KeyboardControl).ChangeKeyboardControl({ key: keycode, autoRepeatMode: REPEAT_ON });
  }

  private fakeButton(button: number, down: boolean): void {
    if (down) this.heldButtons.add(button);
    else this.heldButtons.delete(button);
    this.xtest.FakeInput(down ? this.xtest.ButtonPress : this.xtest.ButtonRelease, button, 0, this.x.root, 0, 0);
  }
}
