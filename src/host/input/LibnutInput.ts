/**
 * Input injection through @nut-tree-fork/libnut: SendInput on Windows, CGEvent on macOS, XTEST on X11. Same
 * semantics as X11Input: keys by KeyboardEvent code/key (keyboard-layout independent text), held keys and
 * buttons released on revoke, and a count of the ESC presses it injected for the local-ESC watcher.
 */
import { PointerButton } from '../../protocol/peer';
import { HeldInput } from './HeldInput';
import { InputInjector } from './InputInjector';
import { mapLibnutKey, shortcutKeyName } from './libnutKeys';

export interface LibnutControl {
  keyToggle(key: string, down: 'down' | 'up', modifier?: string | string[]): void;
  typeString(text: string): void;
  moveMouse(x: number, y: number): void;
  mouseToggle(down: 'down' | 'up', button: string): void;
  scrollMouse(x: number, y: number): void;
  setKeyboardDelay(ms: number): void;
  setMouseDelay(ms: number): void;
}

const BUTTON: Readonly<Partial<Record<PointerButton, string>>> = { left: 'left', middle: 'middle', right: 'right' };
const SHORTCUT_MODIFIERS = new Set(['control', 'right_control', 'alt', 'right_alt', 'command', 'right_cmd']);

export class LibnutInput extends HeldInput<string, string> implements InputInjector {
  private disposed = false;

  constructor(
    private readonly nut: LibnutControl,
    /** Physical pixels per point (2 on a Retina display): captured pixels → libnut's logical coordinates. */
    private readonly density: number,
  ) {
    super();
    // libnut sleeps after every event by default (10 ms): input must not queue behind sleeps
    nut.setKeyboardDelay(0);
    nut.setMouseDelay(0);
  }

  pointerMove(x: number, y: number): void {
    this.nut.moveMouse(Math.round(x / this.density), Math.round(y / this.density));
  }

  pointerButton(button: PointerButton, down: boolean, x: number, y: number): void {
    const name = BUTTON[button];
    if (!name || (!down && !this.heldButtons.has(name))) return;
    this.pointerMove(x, y);
    this.toggleButton(name, down);
  }

  wheel(x: number, y: number, dx: number, dy: number): void {
    this.pointerMove(x, y);
    // libnut counts notches with positive = up/left; the viewer sends browser deltas (positive = down/right)
    this.nut.scrollMouse(-dx, -dy);
  }

  key(code: string, key: string, down: boolean): boolean {
    const id = code || key;
    if (!down) {
      const held = this.heldKeys.get(id);
      if (held === undefined) return false;
      this.heldKeys.delete(id);
      this.nut.keyToggle(held, 'up');
      return true;
    }
    const mapped = mapLibnutKey(code, key);
    if (!mapped) return false;
    const shortcut = mapped.kind === 'text' && this.shortcutHeld() ? shortcutKeyName(mapped.text) : undefined;
    if (mapped.kind === 'text' && shortcut === undefined) {
      this.nut.typeString(mapped.text);
      return true;
    }
    const name = mapped.kind === 'key' ? mapped.name : (shortcut as string);
    const previous = this.heldKeys.get(id);
    // a repeated keydown: a held modifier stays; another key is released and pressed again (it types again)
    if (previous === name && mapped.kind === 'key' && mapped.modifier) return true;
    if (previous !== undefined) this.nut.keyToggle(previous, 'up');
    this.heldKeys.set(id, name);
    if (name === 'escape') this.escapeSent();
    this.nut.keyToggle(name, 'down');
    return true;
  }

  releaseAll(): void {
    for (const name of this.heldKeys.values()) this.nut.keyToggle(name, 'up');
    this.heldKeys.clear();
    for (const button of this.heldButtons) this.nut.mouseToggle('up', button);
    this.heldButtons.clear();
  }

  /** libnut's calls return once the system has the event. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseAll();
  }

  private shortcutHeld(): boolean {
    for (const name of this.heldKeys.values()) if (SHORTCUT_MODIFIERS.has(name)) return true;
    return false;
  }

  private toggleButton(name: string, down: boolean): void {
    if (down) this.heldButtons.add(name);
    else this.heldButtons.delete(name);
    this.nut.mouseToggle(down ? 'down' : 'up', name);
  }
}
