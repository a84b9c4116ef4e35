/**
 * The helper is not trusted: a scripted helper that ignores the viewer's manners sends input without a
 * grant, garbage, out-of-screen coordinates and floods, then vanishes while holding a key. The sharer's
 * screen and keyboard must not change unless granted, the host must report each problem and stay up, and
 * nothing may stay held.
 */
import * as assert from 'assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { emptyRecord, startHost, TestDisplay } from './support/session';
import { NodeHelperPeer } from './support/nodePeer';
import { until } from './support/poll';
import { XK, XProbe } from './support/xprobe';

describe('host: robustness against a hostile helper', function () {
  this.timeout(120_000);
  const record = emptyRecord();
  let display: TestDisplay;
  let supervisor: HostSupervisor;
  let helper: NodeHelperPeer;
  let probe: XProbe;
  let dir: string;
  let typed: string;
  const read = () => (existsSync(typed) ? readFileSync(typed, 'latin1') : '');
  const errorsWith = (code: string) => record.errors.filter((e) => e.code === code).length;
  const key = (k: string, code: string, down: boolean) => helper.input({ type: 'key', code, key: k, down });
  const typeLine = (text: string) => {
    for (const ch of text) {
      key(ch, '', true);
      key(ch, '', false);
    }
    key('Enter', 'Enter', true);
    key('Enter', 'Enter', false);
  };

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), 'ra-host-robust-'));
    typed = path.join(dir, 'typed.txt');
    display = await TestDisplay.start(1280, 720);
    await display.xterm(['-geometry', '80x12+0+0', '-e', 'sh', '-c', `cat > ${typed}`], 'typing');
    probe = await XProbe.open(display.x.display);
    // Focus follows the pointer: park it on the terminal, as the sharer would have it.
    await display.run('xdotool', ['mousemove', '200', '60']);
    supervisor = await startHost(display, (p) => helper.signal(p), record);
    helper = new NodeHelperPeer((p) => supervisor.signal(p));
    await until('the scripted helper to connect', () => record.connected && helper.connected && helper.channels.get('input')?.readyState === 'open');
    await until('the screen message', () => helper.received.control.some((m) => m.includes('"screen"')));
  });

  after(async function () {
    helper?.destroy();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    probe?.close();
    await display?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops and counts input sent without a grant', async function () {
    typeLine('sneaky');
    helper.input({ type: 'pointerMove', x: 900, y: 600 });
    helper.input({ type: 'pointerButton', button: 'left', down: true, x: 900, y: 600 });
    await until('the host to count the dropped input', () => (record.stats.at(-1)?.inputDropped ?? 0) >= 16, 20_000, 50, () => JSON.stringify(record.stats.at(-1)));
    assert.deepStrictEqual(await probe.pointer(), { x: 200, y: 60, buttons: 0 });
    assert.deepStrictEqual(await probe.keysDown(), []);
    assert.strictEqual(read(), '');
  });

  it('reports garbage on every channel and stays up', async function () {
    const before = errorsWith('ERR_PEER_PROTOCOL');
    helper.send('input', 'not json');
    helper.send('input', JSON.stringify({ type: 'key', code: 'KeyA', key: 'a'.repeat(600), down: true }));
    helper.send('input', JSON.stringify({ type: 'format', disk: 'C:' }));
    helper.send('input', new Uint8Array([1, 2, 3]));
    helper.send('control', '{"type":"grantMyself"}');
    helper.send('chat', JSON.stringify({ type: 'chat', text: '' }));
    helper.send('chat', 'x'.repeat(20_000));
    await until('protocol errors reported', () => errorsWith('ERR_PEER_PROTOCOL') > before);
    assert.ok(record.errors.every((e) => !e.fatal), JSON.stringify(record.errors));
    assert.strictEqual(record.exited, false);
    assert.deepStrictEqual(record.chats, []);
    // Still serving: a valid chat message gets through.
    helper.send('chat', JSON.stringify({ type: 'chat', text: 'still here' }));
    await until('the valid chat', () => record.chats.includes('still here'));
  });

  it('with a grant: applies valid input, rejects off-screen coordinates and floods', async function () {
    helper.send('control', JSON.stringify({ type: 'requestControl' }));
    await until('the control request', () => record.controlRequests > 0);
    supervisor.grantControl();
    await until('control granted', () => record.controls.at(-1)?.granted === true);
    helper.input({ type: 'pointerMove', x: 210, y: 70 });
    await until('the pointer moved by the helper', async () => {
      const p = await probe.pointer();
      return p.x === 210 && p.y === 70;
    });
    helper.input({ type: 'pointerMove', x: 1280, y: 10 });
    helper.input({ type: 'pointerMove', x: 30000, y: 30000 });
    typeLine('granted');
    await until('the granted line', () => read() === 'granted\n', 20_000, 50, read);
    assert.deepStrictEqual(await probe.pointer(), { x: 210, y: 70, buttons: 0 });

    const flood = JSON.stringify({ type: 'pointerMove', x: 211, y: 71 });
    for (let i = 0; i < 5000; i++) helper.send('input', flood);
    await until('the flood reported', () => errorsWith('ERR_INPUT_FLOOD') > 0);
    await until('rejections counted', () => (record.stats.at(-1)?.inputRejected ?? 0) >= 1000, 20_000, 50, () => JSON.stringify(record.stats.at(-1)));
    assert.strictEqual(record.exited, false);
  });

  it('releases what a vanished helper held and ends the session', async function () {
    // After the flood the rate limit refills; until then input is (rightly) dropped.
    await until('input accepted again after the flood', async () => {
      helper.input({ type: 'pointerMove', x: 220, y: 80 });
      const p = await probe.pointer();
      return p.x === 220 && p.y === 80;
    }, 20_000, 200);
    key('Shift', 'ShiftLeft', true);
    helper.input({ type: 'pointerButton', button: 'left', down: true, x: 300, y: 300 });
    await until('Shift and button held on the display', async () => (await probe.keysDown()).includes(XK.Shift_L) && ((await probe.pointer()).buttons & 1) === 1);
    helper.destroy();
    await until('the host to end the session', () => record.exited, 30_000);
    assert.deepStrictEqual(await probe.keysDown(), []);
    assert.strictEqual((await probe.pointer()).buttons, 0);
    assert.strictEqual(record.controls.at(-1)?.granted, false);
    assert.strictEqual(record.controls.at(-1)?.reason, 'disconnected');
  });
});
