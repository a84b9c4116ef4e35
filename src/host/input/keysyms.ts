/**
 * Browser KeyboardEvent → X keysym. Printable keys map by `key` (the character the helper typed), so text
 * arrives as typed whatever either side's layout; named keys map by `key`, modifiers by `code` (left/right).
 */

const NAMED: Readonly<Record<string, number>> = {
  Enter: 0xff0d, Tab: 0xff09, Backspace: 0xff08, Escape: 0xff1b, Delete: 0xffff, Insert: 0xff63,
  Home: 0xff50, End: 0xff57, PageUp: 0xff55, PageDown: 0xff56,
  ArrowLeft: 0xff51, ArrowUp: 0xff52, ArrowRight: 0xff53, ArrowDown: 0xff54,
  CapsLock: 0xffe5, NumLock: 0xff7f, ScrollLock: 0xff14, Pause: 0xff13, PrintScreen: 0xff61,
  ContextMenu: 0xff67, Help: 0xff6a, AltGraph: 0xfe03,
  F1: 0xffbe, F2: 0xffbf, F3: 0xffc0, F4: 0xffc1, F5: 0xffc2, F6: 0xffc3,
  F7: 0xffc4, F8: 0xffc5, F9: 0xffc6, F10: 0xffc7, F11: 0xffc8, F12: 0xffc9,
};

const MODIFIER_CODES: Readonly<Record<string, number>> = {
  ShiftLeft: 0xffe1, ShiftRight: 0xffe2, ControlLeft: 0xffe3, ControlRight: 0xffe4,
  AltLeft: 0xffe9, AltRight: 0xffea, MetaLeft: 0xffeb, MetaRight: 0xffec, OSLeft: 0xffeb, OSRight: 0xffec,
};

const MODIFIER_KEYS: Readonly<Record<string, number>> = { Shift: 0xffe1, Control: 0xffe3, Alt: 0xffe9, Meta: 0xffeb, OS: 0xffeb, Super: 0xffeb };

/** Keysyms of Shift and AltGr, which the injector may press or lift around a character. */
export const KEYSYM = { shiftL: 0xffe1, shiftR: 0xffe2, level3: 0xfe03, escape: 0xff1b, controlL: 0xffe3, altL: 0xffe9 } as const;

export interface MappedKey {
  readonly keysym: number;
  /** A character: type it with whatever Shift/AltGr the sharer's layout needs, not the helper's. */
  readonly printable: boolean;
  readonly modifier: boolean;
}

/** Keysym for one Unicode character (X's rule: Latin-1 is itself, the rest 0x01000000 + code point). */
export function charKeysym(char: string): number | undefined {
  const cp = char.codePointAt(0);
  if (cp === undefined || [...char].length !== 1 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return undefined;
  return cp <= 0xff ? cp : 0x01000000 + cp;
}

export function mapKey(code: string, key: string): MappedKey | undefined {
  if (code in MODIFIER_CODES && key !== 'AltGraph') return { keysym: MODIFIER_CODES[code], printable: false, modifier: true };
  if (key in MODIFIER_KEYS) return { keysym: MODIFIER_KEYS[key], printable: false, modifier: true };
  if (key === 'AltGraph') return { keysym: NAMED.AltGraph, printable: false, modifier: true };
  if (key in NAMED) return { keysym: NAMED[key], printable: false, modifier: false };
  if (key === ' ') return { keysym: 0x20, printable: true, modifier: false };
  const keysym = charKeysym(key);
  return keysym === undefined ? undefined : { keysym, printable: true, modifier: false };
}
