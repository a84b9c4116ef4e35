/** What WindowPrivacy hides and refuses, decided over a window list (the X11 side is in privacy.test.ts). */
import * as assert from 'assert';
import type { InputMessage } from '../../src/protocol/peer';
import { blackOut } from '../../src/host/privacy/RedactingCapture';
import { matchesRule, WindowPrivacy } from '../../src/host/privacy/WindowPrivacy';
import type { TopWindow, WindowSnapshot } from '../../src/host/x11/X11Windows';
import { DEFAULT_REDACT_WINDOWS } from '../../src/protocol/host';

const win = (id: number, title: string, className: string, x: number, y: number, width: number, height: number, overrideRedirect = false): TopWindow => ({
  id,
  frame: id + 1000,
  title,
  instance: className.toLowerCase(),
  className,
  x,
  y,
  width,
  height,
  overrideRedirect,
});
const SCREEN = { x: 0, y: 0, width: 1000, height: 800 };
const terminal = win(1, 'bash — ~/src', 'XTerm', 100, 100, 300, 200);
const vault = win(2, 'Passwords.kdbx', 'KeePassXC', 500, 100, 200, 200);
const editor = win(3, 'main.ts - Visual Studio Code', 'Code', 50, 250, 400, 300);
const snapshot = (windows: readonly TopWindow[], focus?: number): WindowSnapshot => ({ generation: 1, windows, focus });
const click = (x: number, y: number): InputMessage => ({ type: 'pointerButton', button: 'left', down: true, x, y });

describe('host: window privacy decisions', () => {
  it('matches rules against title and class, ignoring case; blank rules match nothing', () => {
    assert.ok(matchesRule(vault, DEFAULT_REDACT_WINDOWS), 'by class');
    assert.ok(matchesRule(win(4, 'Unlock — 1password', 'Chromium', 0, 0, 1, 1), DEFAULT_REDACT_WINDOWS), 'by title, any case');
    assert.ok(matchesRule(win(5, '', 'Gcr-prompter', 0, 0, 1, 1), DEFAULT_REDACT_WINDOWS), 'a key-ring prompt');
    assert.ok(!matchesRule(terminal, DEFAULT_REDACT_WINDOWS));
    assert.ok(!matchesRule(terminal, ['  ']));
  });

  it('hides redacted windows clipped to the shared region, in its coordinates', () => {
    const p = new WindowPrivacy(['keepass']);
    assert.deepStrictEqual(p.hiddenRects(snapshot([terminal, vault]), SCREEN), [{ x: 500, y: 100, width: 200, height: 200 }]);
    // One monitor at x=600: only the part of the vault on it, relative to the monitor.
    assert.deepStrictEqual(p.hiddenRects(snapshot([terminal, vault]), { x: 600, y: 0, width: 400, height: 800 }), [{ x: 0, y: 100, width: 100, height: 200 }]);
  });

  it('Only One Window: everything around it, windows stacked above it, and all of it when it is gone', () => {
    const p = new WindowPrivacy([]);
    p.shareOnly(terminal.id);
    const rects = p.hiddenRects(snapshot([terminal, editor]), SCREEN);
    const frame = Buffer.alloc(SCREEN.width * SCREEN.height * 4, 0xff);
    blackOut(frame, SCREEN.width, rects);
    const lit = (x: number, y: number) => frame[(y * SCREEN.width + x) * 4] !== 0;
    assert.ok(lit(120, 120), 'the shared window shows');
    assert.ok(!lit(120, 280), 'the editor above it is hidden where it covers it');
    assert.ok(!lit(20, 20) && !lit(999, 799) && !lit(450, 150), 'the rest is hidden');
    assert.deepStrictEqual(p.hiddenRects(snapshot([editor]), SCREEN), [{ x: 0, y: 0, width: 1000, height: 800 }]);
  });

  it('refuses input on a redacted window, and keys while one has the focus (releases always pass)', () => {
    const p = new WindowPrivacy(DEFAULT_REDACT_WINDOWS);
    const s = snapshot([terminal, vault], vault.id);
    assert.match(p.refusal(click(510, 110), s, SCREEN) ?? '', /hidden window \(KeePassXC\)/);
    assert.strictEqual(p.refusal(click(110, 110), s, SCREEN), undefined);
    assert.match(p.refusal({ type: 'key', code: 'KeyA', key: 'a', down: true }, s, SCREEN) ?? '', /hidden window/);
    assert.strictEqual(p.refusal({ type: 'key', code: 'KeyA', key: 'a', down: false }, s, SCREEN), undefined);
    assert.strictEqual(p.refusal({ type: 'releaseAll' }, s, SCREEN), undefined);
  });

  it('scoped control: only where the chosen window is on top, and keys only while it has the focus', () => {
    const p = new WindowPrivacy([]);
    p.scopeControl(terminal.id);
    const s = snapshot([terminal, editor, win(9, 'menu', 'Code', 120, 120, 30, 30, true)], terminal.id);
    assert.strictEqual(p.refusal(click(110, 110), s, SCREEN), undefined);
    assert.strictEqual(p.refusal(click(125, 125), s, SCREEN), undefined, 'a menu does not stand in the way');
    assert.match(p.refusal(click(110, 280), s, SCREEN) ?? '', /outside the window/, 'the editor is on top there');
    assert.match(p.refusal({ type: 'wheel', x: 900, y: 700, dx: 0, dy: 1 }, s, SCREEN) ?? '', /outside the window/);
    assert.strictEqual(p.refusal({ type: 'key', code: 'KeyA', key: 'a', down: true }, s, SCREEN), undefined);
    assert.match(p.refusal({ type: 'key', code: 'KeyA', key: 'a', down: true }, snapshot(s.windows, editor.id), SCREEN) ?? '', /other than the one/);
  });
});
