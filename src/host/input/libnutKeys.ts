/**
 * Browser KeyboardEvent → libnut key names, with the same rules as keysyms.ts for X11: modifiers by `code`
 * (left/right), named keys by `key`, printable keys by `key` (the character the helper typed, whatever either
 * side's layout), which libnut types with the Shift/AltGr the sharer's own layout needs.
 */
import { mapKey } from './keysyms';

const MODIFIERS: Readonly<Record<string, string>> = {
  ShiftLeft: 'shift', ShiftRight: 'right_shift', ControlLeft: 'control', ControlRight: 'right_control',
  AltLeft: 'alt', AltRight: 'right_alt', MetaLeft: 'command', MetaRight: 'right_cmd', OSLeft: 'command', OSRight: 'right_cmd',
};
const MODIFIER_KEYS: Readonly<Record<string, string>> = { Shift: 'shift', Control: 'control', Alt: 'alt', Meta: 'command', OS: 'command', Super: 'command' };

const NAMED: Readonly<Record<string, string>> = {
  Enter: 'enter', Tab: 'tab', Backspace: 'backspace', Escape: 'escape', Delete: 'delete', Insert: 'insert',
  Home: 'home', End: 'end', PageUp: 'pageup', PageDown: 'pagedown',
  ArrowLeft: 'left', ArrowUp: 'up', ArrowRight: 'right', ArrowDown: 'down',
  CapsLock: 'caps_lock', NumLock: 'num_lock', ScrollLock: 'scroll_lock', PrintScreen: 'printscreen', ContextMenu: 'menu',
  ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`F${i + 1}`, `f${i + 1}`])),
};

export type LibnutKey =
  /** pressed and released as a key (held while the helper holds it) */
  | { readonly kind: 'key'; readonly name: string; readonly modifier: boolean }
  /** a character: typed whole (libnut picks the keys and levels) */
  | { readonly kind: 'text'; readonly text: string };

export function mapLibnutKey(code: string, key: string): LibnutKey | undefined {
  if (code in MODIFIERS && key !== 'AltGraph') return { kind: 'key', name: MODIFIERS[code], modifier: true };
  if (key in MODIFIER_KEYS) return { kind: 'key', name: MODIFIER_KEYS[key], modifier: true };
  if (key === 'AltGraph') return { kind: 'key', name: 'right_alt', modifier: true };
  if (key in NAMED) return { kind: 'key', name: NAMED[key], modifier: false };
  // what X11 can type, libnut can: the same character rule (one printable code point)
  return mapKey(code, key)?.printable ? { kind: 'text', text: key } : undefined;
}

/**
 * With Control, Alt or the command key held, a letter or digit is a shortcut: it goes as that key (Ctrl+C),
 * not as text. Other characters stay text.
 */
export function shortcutKeyName(text: string): string | undefined {
  return /^[A-Za-z0-9]$/.test(text) ? text.toLowerCase() : undefined;
}
