/**
 * ESC while control is shared, as both injectors must handle it: the helper's ESC reaches the sharer's
 * application and does not end control; the sharer's own ESC (xdotool: another X client) ends it, and revoking
 * releases the Shift the helper held through the viewer.
 */
import * as assert from 'assert';
import { until } from './poll';
import { TestDisplay, TestSession } from './session';
import { XK, XProbe } from './xprobe';

export async function helperEscapeThenSharerEscape(s: { session: TestSession; display: TestDisplay; probe: XProbe; read: () => string }): Promise<void> {
  const page = s.session.viewer.page;
  const lastControl = () => s.session.record.controls.at(-1);
  await page.keyboard.press('Escape');
  await page.keyboard.type('x\n');
  await until('the helper ESC line', () => s.read().endsWith('\x1bx\n'), 20_000, 50, s.read);
  assert.strictEqual(lastControl()?.granted, true, "the helper's ESC must not end control");
  // Hold Shift through the viewer, then the sharer presses ESC on their own keyboard.
  await page.keyboard.down('Shift');
  await until('Shift held on the display', async () => (await s.probe.keysDown()).includes(XK.Shift_L));
  await s.display.run('xdotool', ['key', 'Escape']);
  await until('control revoked by local ESC', () => lastControl()?.granted === false);
  assert.strictEqual(lastControl()?.reason, 'localEscape');
  // Revoking released what the helper held.
  await until('Shift released', async () => !(await s.probe.keysDown()).includes(XK.Shift_L));
  await page.keyboard.up('Shift');
}
