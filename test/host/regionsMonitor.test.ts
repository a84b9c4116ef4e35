/** Lossless regions of one monitor: only its pixels, in its own coordinates, pixel for pixel. */
import * as assert from 'assert';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { X11Display } from '../../src/host/x11/X11Display';
import { buildHost } from './support/buildHost';
import { NodeHelperPeer } from './support/nodePeer';
import { until } from './support/poll';
import { ScreenDecoder } from './support/ScreenDecoder';
import { sentImage } from './support/screenImage';
import { TEST_QUALITY, TestDisplay } from './support/session';

describe('host: lossless regions of one monitor (RANDR 1.5)', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let supervisor: HostSupervisor;
  let helper: NodeHelperPeer;
  let x: X11Display;
  const decoder = new ScreenDecoder();
  const decodeErrors: Error[] = [];
  let connected: { width: number; height: number } | undefined;
  let lastDiff = -1;

  /** The right monitor is x 640–1279 of the X screen. */
  const converged = (what: string) =>
    until(
      what,
      async () => decoder.mode === 'regions' && decoder.width === 640 && (lastDiff = decoder.differences(await sentImage(x, 640, 720, 640, 0, { x: 640, y: 0, width: 640, height: 720 }))) === 0,
      30_000,
      100,
      () => `${lastDiff} pixels differ, size ${decoder.width}x${decoder.height}, decode errors ${decodeErrors.map((e) => e.message).join('; ')}`,
    );

  before(async function () {
    display = await TestDisplay.start(1280, 720);
    await display.xterm(['-geometry', '20x10+700+100', '-bg', '#00c800', '-fg', '#00c800'], 'right');
    await display.xterm(['-geometry', '20x10+100+100', '-bg', '#c80000', '-fg', '#c80000'], 'left');
    await display.run('xsetroot', ['-solid', '#2040c0']);
    await display.run('xrandr', ['--setmonitor', 'LEFT', '640/170x720/190+0+0', 'none']);
    await display.run('xrandr', ['--setmonitor', 'RIGHT', '640/170x720/190+640+0', 'none']);
    x = await X11Display.connect(display.x.display);
    helper = new NodeHelperPeer((payload) => supervisor.signal(payload));
    helper.onScreen = (data) => {
      decoder.push(data, (seq) => helper.send('screen', JSON.stringify({ type: 'ack', seq }))).catch((err: Error) => decodeErrors.push(err));
    };
    supervisor = new HostSupervisor({ hostScript: await buildHost(), env: display.env });
    supervisor.onSignal((payload) => helper.signal(payload));
    supervisor.onConnected((size) => (connected = size));
    supervisor.start({ quality: TEST_QUALITY, screen: { monitor: 'RIGHT' } });
    await until('the helper to connect', () => helper.connected && connected !== undefined, 30_000);
  });

  after(async function () {
    helper?.destroy();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    x?.dispose();
    await display?.close();
  });

  it('sends exactly that monitor, and its changes', async function () {
    assert.deepStrictEqual(connected, { width: 640, height: 720 });
    await converged('the right monitor in the decoded screen');
    // The green window at screen x=700 is at x=60 on this monitor.
    const at = (130 * 640 + 90) * 4;
    assert.deepStrictEqual([...decoder.rgba.subarray(at, at + 4)], [0, 200, 0, 255]);
    await display.run('xsetroot', ['-solid', '#d0d020']);
    await converged('the new background in the decoded screen');
    assert.deepStrictEqual(decodeErrors, []);
  });
});
