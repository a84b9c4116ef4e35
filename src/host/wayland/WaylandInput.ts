/**
 * Input through the portal's RemoteDesktop session: pointer in stream coordinates, evdev buttons, wheel notches,
 * keys as X keysyms (the compositor picks the key and Shift level on the sharer's keymap, so text arrives as
 * typed). Until the sharer allowed remote interaction in the portal's dialog there is no session, and input is
 * dropped — nothing reaches the desktop without that second, system-level consent.
 */
import { PointerButton } from '../../protocol/peer';
import { HeldInput } from '../input/HeldInput';
import { InputInjector } from '../input/InputInjector';
import { KEYSYM, mapKey } from '../input/keysyms';
import { completesStopChord } from '../input/stopChord';
import { RemoteDesktopSession } from './RemoteDesktopSession';

/** linux/input-event-codes.h */
const BUTTON: Readonly<Record<PointerButton, number>> = { left: 0x110, right: 0x111, middle: 0x112, back: 0x116, forward: 0x115 };

export class WaylandInput extends HeldInput<number, number> implements InputInjector {
  private current: RemoteDesktopSession | undefined;

  /** The session input goes to (undefined: none yet, or it ended — input is dropped). */
  set session(session: RemoteDesktopSession | undefined) {
    // Keys and buttons held in an ended session are gone with it.
    if (!session) this.forgetHeld();
    this.current = session;
  }

  pointerMove(x: number, y: number): void {
    this.current?.pointerMotion(x, y);
  }

  pointerButton(button: PointerButton, down: boolean, x: number, y: number): void {
    const code = BUTTON[button];
    if (!this.current || (!down && !this.heldButtons.has(code))) return;
    this.current.pointerMotion(x, y);
    if (down) this.heldButtons.add(code);
    else this.heldButtons.delete(code);
    this.current.pointerButton(code, down);
  }

  wheel(x: number, y: number, dx: number, dy: number): void {
    if (!this.current) return;
    this.current.pointerMotion(x, y);
    if (dy) this.current.pointerAxisDiscrete(0, dy);
    if (dx) this.current.pointerAxisDiscrete(1, dx);
  }

  key(code: string, key: string, down: boolean): boolean {
    if (!this.current) return false;
    const id = code || key;
    if (!down) {
      const held = this.heldKeys.get(id);
      if (held === undefined) return false;
      this.heldKeys.delete(id);
      this.current.keysym(held, false);
      return true;
    }
    const mapped = mapKey(code, key);
    if (!mapped) return false;
    // Ctrl+Alt+End is the sharer's way to stop control here (see stopChord): refused from the helper.
    if (completesStopChord(this.heldKeys.values(), mapped.keysym)) return false;
    const previous = this.heldKeys.get(id);
    // A repeated keydown: a held modifier stays; another key is released and pressed again (it types again).
    if (previous === mapped.keysym && mapped.modifier) return true;
    if (previous !== undefined) this.current.keysym(previous, false);
    this.heldKeys.set(id, mapped.keysym);
    if (mapped.keysym === KEYSYM.escape) this.escapeSent();
    this.current.keysym(mapped.keysym, true);
    return true;
  }

  releaseAll(): void {
    for (const keysym of this.heldKeys.values()) this.current?.keysym(keysym, false);
    for (const button of this.heldButtons) this.current?.pointerButton(button, false);
    this.forgetHeld();
  }

  flush(): Promise<void> {
    return this.current?.flush() ?? Promise.resolve();
  }

  dispose(): void {
    this.releaseAll();
    this.current = undefined;
  }

  private forgetHeld(): void {
    this.heldKeys.clear();
    this.heldButtons.clear();
  }
}
