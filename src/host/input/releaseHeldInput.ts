/**
 * After a host process died without cleaning up (kill -9, a crash): the X server keeps every key and button
 * that process pressed through XTEST held (checked on Xvfb: a killed client's Shift and Button1 stay down),
 * so a fresh connection lifts whatever the server reports as down (QueryKeymap, QueryPointer).
 */
import { X11Display } from '../x11/X11Display';
import type { XTestExtension } from './X11Input';

/** The pointer mask bits of buttons 1–5 (X11 Button1Mask…Button5Mask). */
const BUTTON_MASKS: readonly [number, number][] = [
  [1, 1 << 8],
  [2, 1 << 9],
  [3, 1 << 10],
  [4, 1 << 11],
  [5, 1 << 12],
];

export interface Released {
  readonly keys: number[];
  readonly buttons: number[];
}

export async function releaseHeldInput(display: string): Promise<Released> {
  const x = await X11Display.connect(display);
  try {
    const xtest = await x.extension<XTestExtension>('xtest');
    const keymap = await x.call<Buffer>((cb) => x.client.QueryKeymap(cb));
    const pointer = await x.call<{ keyMask: number }>((cb) => x.client.QueryPointer(x.root, cb));
    const keys: number[] = [];
    for (let keycode = x.keycodes.min; keycode <= x.keycodes.max; keycode++) {
      if (keymap[keycode >> 3] & (1 << (keycode & 7))) keys.push(keycode);
    }
    const buttons = BUTTON_MASKS.filter(([, mask]) => pointer.keyMask & mask).map(([button]) => button);
    for (const keycode of keys) {
      xtest.FakeInput(xtest.KeyRelease, keycode, 0, x.root, 0, 0);
      // The host turns autorepeat off for a key while the helper holds it; X's default is on.
      (x.client as unknown as { ChangeKeyboardControl(v: { key: number; autoRepeatMode: number }): void }).ChangeKeyboardControl({ key: keycode, autoRepeatMode: 1 });
    }
    for (const button of buttons) xtest.FakeInput(xtest.ButtonRelease, button, 0, x.root, 0, 0);
    // A round trip: the server has applied the releases before the connection closes.
    await x.call((cb) => x.client.GetInputFocus(cb));
    return { keys, buttons };
  } finally {
    x.dispose();
  }
}
