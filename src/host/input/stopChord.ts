/**
 * The sharer's own stop keys — Ctrl+Alt+End (VS Code's Stop Control keybinding, and on Wayland the desktop
 * shortcut bound through the portal) and Ctrl+Shift+Alt+End (the panic chord) — belong to the sharer: input
 * the helper sends never completes them, or the helper's keys could stand in for the sharer's. Keysyms.
 */
const CONTROL = [0xffe3, 0xffe4];
const ALT = [0xffe9, 0xffea];
const END = [0xff57, 0xff9c];

/** True if pressing `keysym` while `held` are down would hold Ctrl, Alt and End together. */
export function completesStopChord(held: Iterable<number>, keysym: number): boolean {
  const down = new Set([...held, keysym]);
  const any = (keysyms: number[]) => keysyms.some((k) => down.has(k));
  return any(CONTROL) && any(ALT) && any(END);
}
