/** What the sharer is told to press to stop control: ESC where it is watched, VS Code's Ctrl+Alt+End on Wayland. */
import * as assert from 'assert';
import { sharerStopKey } from '../../src/common/waylandSession';
import { SessionTexts as T } from '../../src/session/SessionTexts';
import pkg from '../../package.json';

describe('the sharer\'s stop key in the texts', function () {
  it('is ESC on X11, Windows and macOS, and VS Code\'s Stop Control keybinding on Wayland', function () {
    assert.strictEqual(sharerStopKey('linux', { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }), 'ESC');
    assert.strictEqual(sharerStopKey('win32', {}), 'ESC');
    assert.strictEqual(sharerStopKey('darwin', {}), 'ESC');
    const wayland = sharerStopKey('linux', { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' });
    assert.strictEqual(T.controlGrantedSharer('Bob', wayland), 'Bob is sharing control of your computer. Press Ctrl+Alt+End in VS Code or choose Stop Control to stop.');
    assert.strictEqual(T.statusBarControl('Bob', wayland), 'Bob is in control — Ctrl+Alt+End to stop');
    assert.strictEqual(T.controlQuestionDetail(wayland), 'To stop control at any time, press Ctrl+Alt+End in VS Code or choose Stop Control.');
    assert.strictEqual(T.controlGrantedSharer('Bob'), 'Bob is sharing control of your computer. Press ESC or choose Stop Control to stop.');
  });

  it('names the chord the keybinding really has, while control is granted', function () {
    const binding = pkg.contributes.keybindings.find((b) => b.command === 'remoteAssist.stopControl');
    assert.strictEqual(binding?.key, 'ctrl+alt+end');
    assert.strictEqual(binding?.when, 'remoteAssist.control == granted');
  });
});
