/**
 * Alice's own keyboard in a test: key presses through XTEST from an X connection held open, so a measurement
 * starts at the press itself and not at spawning a tool (xdotool costs tens of milliseconds to start).
 */
import { X11Display } from '../../../src/host/x11/X11Display';
import type { XTestExtension } from '../../../src/host/input/X11Input';

export const KEYSYM = { Escape: 0xff1b, End: 0xff57, Control_L: 0xffe3, Shift_L: 0xffe1, Alt_L: 0xffe9 } as const;

export class SharerKeyboard {
  private constructor(
    private readonly x: X11Display,
    private readonly xtest: XTestExtension,
    private readonly keycodeOf: ReadonlyMap<number, number>,
  ) {}

  static async open(display: string): Promise<SharerKeyboard> {
    const x = await X11Display.connect(display);
    const xtest = await x.extension<XTestExtension>('xtest');
    const count = x.keycodes.max - x.keycodes.min + 1;
    const mapping = await x.call<number[][]>((cb) => x.client.GetKeyboardMapping(x.keycodes.min, count, cb));
    const keycodeOf = new Map<number, number>();
    mapping.forEach((row, i) => row.forEach((sym) => sym && !keycodeOf.has(sym) && keycodeOf.set(sym, x.keycodes.min + i)));
    return new SharerKeyboard(x, xtest, keycodeOf);
  }

  /** Presses the keys in order and releases them in reverse (a chord); resolves once the server has them. */
  async chord(...keysyms: number[]): Promise<void> {
    const codes = keysyms.map((sym) => {
      const code = this.keycodeOf.get(sym);
      if (code === undefined) throw new Error(`no keycode for keysym 0x${sym.toString(16)}`);
      return code;
    });
    for (const code of codes) this.xtest.FakeInput(this.xtest.KeyPress, code, 0, this.x.root, 0, 0);
    for (const code of [...codes].reverse()) this.xtest.FakeInput(this.xtest.KeyRelease, code, 0, this.x.root, 0, 0);
    await this.x.call((cb) => this.x.client.GetInputFocus(cb));
  }

  dispose(): void {
    this.x.dispose();
  }
}
