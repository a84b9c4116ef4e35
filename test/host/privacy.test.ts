/**
 * Privacy through the real host process on Xvfb and a Chromium viewer: windows that look like a password
 * manager are black in the viewer's picture (regions and video), follow moves, appear and renames, and take
 * no input; control scoped to one window refuses input anywhere else, following moves and resizes; "Only
 * One Window…" shows nothing but that window.
 */
import * as assert from 'assert';
import { DEFAULT_REDACT_WINDOWS, WindowInfo } from '../../src/protocol/host';
import { near, TestDisplay, TestSession } from './support/session';
import { until } from './support/poll';
import { XProbe } from './support/xprobe';

const W = 1280;
const H = 720;
const BACKGROUND = [0x20, 0x40, 0x80];
const SECRET = [255, 0, 255];
const NOTES = [0, 192, 0];
const BLACK = [0, 0, 0];

/**
 * Watches every picture the viewer paints (canvas and video, each animation frame) for the secret's magenta
 * and counts the pixels it found; a plain script so the test runner's helpers stay out of the page.
 */
const WATCH_LEAKS = `(() => {
  const probe = document.createElement('canvas');
  probe.width = ${W / 2};
  probe.height = ${H / 2};
  const ctx = probe.getContext('2d', { willReadFrequently: true });
  window.raLeaks = { frames: 0, magenta: 0 };
  const look = (source) => {
    ctx.drawImage(source, 0, 0, probe.width, probe.height);
    const d = ctx.getImageData(0, 0, probe.width, probe.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i + 2] > 150 && d[i + 1] < 90) window.raLeaks.magenta++;
  };
  const tick = () => {
    const stage = document.querySelector('.ra-stage');
    const canvas = stage && stage.querySelector('canvas');
    const video = stage && stage.querySelector('video');
    if (canvas && canvas.width > 0) look(canvas);
    if (video && video.videoWidth > 0) look(video);
    window.raLeaks.frames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

async function secretWindow(display: TestDisplay, title: string, geometry: string): Promise<void> {
  display.spawn('xterm', ['-T', title, '-bg', 'magenta', '-fg', 'magenta', '-cr', 'magenta', '-geometry', geometry, '-e', 'sleep', '600']);
  await display.run('xdotool', ['search', '--sync', '--onlyvisible', '--name', title]);
}

async function plainWindow(display: TestDisplay, title: string, geometry: string): Promise<void> {
  display.spawn('xterm', ['-T', title, '-bg', '#00c000', '-fg', '#00c000', '-cr', '#00c000', '-geometry', geometry, '-e', 'sleep', '600']);
  await display.run('xdotool', ['search', '--sync', '--onlyvisible', '--name', title]);
}

/** A window's rectangle as the X server has it (xdotool). */
async function geometry(display: TestDisplay, title: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const { execFileSync } = await import('child_process');
  const id = execFileSync('xdotool', ['search', '--onlyvisible', '--name', title], { env: display.env, encoding: 'utf8' }).trim().split('\n')[0];
  const out = execFileSync('xdotool', ['getwindowgeometry', '--shell', id], { env: display.env, encoding: 'utf8' });
  const v = (k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(out)?.[1]);
  return { x: v('X'), y: v('Y'), width: v('WIDTH'), height: v('HEIGHT') };
}

function describePath(path: 'regions' | 'video'): void {
  describe(`host: redaction in the ${path} path (password-manager windows never reach the viewer)`, function () {
    this.timeout(120_000);
    let display: TestDisplay;
    let session: TestSession;
    let probe: XProbe;

    const colour = (x: number, y: number, w: number, h: number) => session.color(x, y, w, h);
    const tolerance = path === 'video' ? 48 : 4;
    async function shows(what: string, x: number, y: number, w: number, h: number, expected: number[]): Promise<void> {
      let seen: number[] = [];
      await until(
        what,
        async () => {
          seen = await colour(x, y, w, h);
          return near(seen, expected, tolerance);
        },
        20_000,
        50,
        () => JSON.stringify(seen),
      );
    }
    const leaks = () => session.viewer.page.evaluate(() => (window as unknown as { raLeaks: { frames: number; magenta: number } }).raLeaks);

    before(async function () {
      display = await TestDisplay.start(W, H);
      await plainWindow(display, 'notes', '30x8+100+100');
      await secretWindow(display, 'Vault.kdbx - KeePassXC', '30x8+700+300');
      // After the first client: Xvfb resets (and forgets the background) when its last client leaves.
      await display.run('xsetroot', ['-solid', '#204080']);
      probe = await XProbe.open(display.x.display);
      await probe.watchButtons();
      session = await TestSession.open(display, undefined, path === 'video' ? { REMOTE_ASSIST_SCREEN: 'video' } : {}, {}, { redactWindows: DEFAULT_REDACT_WINDOWS });
      await session.viewer.page.evaluate(WATCH_LEAKS);
    });

    after(async function () {
      await session?.close();
      probe?.close();
      await display?.close();
    });

    it('shows the screen and the plain window, with the password manager black', async function () {
      const secret = await geometry(display, 'KeePassXC');
      const notes = await geometry(display, 'notes');
      await shows('the plain window in the viewer', notes.x + 10, notes.y + 10, notes.width - 20, notes.height - 20, NOTES);
      await shows('the background in the viewer', 20, 400, 200, 200, BACKGROUND);
      await shows('the password manager black in the viewer', secret.x + 4, secret.y + 4, secret.width - 8, secret.height - 8, BLACK);
      // The X server itself shows magenta there: the host hid it, the screen did not lack it.
      assert.equal(await probe.darkPixels(secret.x + 4, secret.y + 4, 20, 20), 0);
      assert.equal(await session.viewer.page.evaluate(() => window.remoteAssist.showsCanvas()), path === 'regions', `the viewer shows the ${path} path`);
    });

    it('follows the window as it moves and resizes: the new place is black, the old one shows again', async function () {
      const before = await geometry(display, 'KeePassXC');
      await display.run('xdotool', ['search', '--onlyvisible', '--name', 'KeePassXC', 'windowmove', '%@', '200', '380']);
      await display.run('xdotool', ['search', '--onlyvisible', '--name', 'KeePassXC', 'windowsize', '%@', '400', '250']);
      const after = await until('the window to move and resize', async () => {
        const g = await geometry(display, 'KeePassXC');
        return g.x === 200 && g.width === 400 ? g : undefined;
      });
      await shows('the moved window black', after.x + 4, after.y + 4, after.width - 8, after.height - 8, BLACK);
      await shows('the old place showing the background', before.x + 4, before.y + 4, before.width - 8, before.height - 8, BACKGROUND);
    });

    it('hides a password manager that appears, and a window renamed to one', async function () {
      await secretWindow(display, '1Password', '20x6+900+80');
      const fresh = await geometry(display, '1Password');
      await shows('the new password manager black', fresh.x + 4, fresh.y + 4, fresh.width - 8, fresh.height - 8, BLACK);
      await plainWindow(display, 'shopping list', '20x6+900+500');
      const renamed = await geometry(display, 'shopping list');
      await shows('the plain window before the rename', renamed.x + 4, renamed.y + 4, renamed.width - 8, renamed.height - 8, NOTES);
      await display.run('xdotool', ['search', '--onlyvisible', '--name', 'shopping list', 'set_window', '--name', 'Bitwarden', '%@']);
      await shows('the renamed window black', renamed.x + 4, renamed.y + 4, renamed.width - 8, renamed.height - 8, BLACK);
    });

    it('refuses a click on the password manager (no button reaches the display) and applies one beside it', async function () {
      const before = session.record.controls.length;
      await session.viewer.page.evaluate(() => window.remoteAssist.requestControl());
      await until('the control request', () => session.record.controlRequests > 0);
      session.supervisor.grantControl();
      await until('control granted', () => session.record.controls.length > before && session.record.controls.at(-1)?.granted);
      const page = session.viewer.page;
      const secret = await geometry(display, 'KeePassXC');
      const inside = await page.evaluate(([x, y]) => window.remoteAssist.pagePoint(x, y, 1280, 720), [secret.x + 50, secret.y + 50] as const);
      const pressesBefore = probe.buttonPresses.length;
      await page.mouse.click(inside.x, inside.y);
      await until('ERR_INPUT_REFUSED from the host', () => session.record.errors.find((e) => e.code === 'ERR_INPUT_REFUSED'));
      // The helper hears that it was refused, and nothing about which window is there.
      const told = await until('the viewer to hear of the refusal', async () => (await session.viewerEvents('inputRefused'))[0]);
      assert.deepEqual(Object.keys(told).sort(), ['at', 'type']);
      // The pointer may go anywhere the helper may reach; it never got into the hidden window.
      const outside = await page.evaluate(() => window.remoteAssist.pagePoint(40, 650, 1280, 720));
      await page.mouse.click(outside.x, outside.y);
      await until('the click beside it on the display', () => probe.buttonPresses.length > pressesBefore);
      assert.deepEqual(probe.buttonPresses.slice(pressesBefore), [1], 'exactly one press: the one beside the window');
      const pointer = await probe.pointer();
      assert.ok(!(pointer.x >= secret.x && pointer.x < secret.x + secret.width && pointer.y >= secret.y && pointer.y < secret.y + secret.height), 'the pointer is not in the hidden window');
    });

    it('never painted a magenta pixel in the viewer, across all of the above', async function () {
      const seen = await leaks();
      assert.ok(seen.frames > 10, `the watcher looked at ${seen.frames} frames`);
      assert.equal(seen.magenta, 0, `${seen.magenta} magenta pixels reached the viewer`);
    });

    it('shows the windows again once the sharer clears the rules (and the watcher sees them)', async function () {
      session.supervisor.setRedaction([]);
      const secret = await geometry(display, 'KeePassXC');
      await shows('the password manager itself', secret.x + 4, secret.y + 4, secret.width - 8, secret.height - 8, SECRET);
      await until('the watcher to count magenta', async () => (await leaks()).magenta > 0);
    });
  });
}

describePath('regions');
describePath('video');

describe('host: control scoped to one window, and Only One Window…', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let session: TestSession;
  let probe: XProbe;
  let windows: WindowInfo[] = [];

  const page = () => session.viewer.page;
  async function clickAt(x: number, y: number): Promise<void> {
    const p = await page().evaluate(([x, y]) => window.remoteAssist.pagePoint(x, y, 1280, 720), [x, y] as const);
    await page().mouse.click(p.x, p.y);
  }
  /** Clicks at (x, y) and waits for the host's verdict: a button press on the display, or rejected input counted. */
  async function click(x: number, y: number): Promise<'applied' | 'refused'> {
    const presses = probe.buttonPresses.length;
    const rejected = session.record.stats.at(-1)?.inputRejected ?? 0;
    await clickAt(x, y);
    return until(`the host's verdict on a click at ${x},${y}`, () => {
      if (probe.buttonPresses.length > presses) return 'applied';
      return (session.record.stats.at(-1)?.inputRejected ?? 0) > rejected ? 'refused' : undefined;
    });
  }

  before(async function () {
    display = await TestDisplay.start(W, H);
    await plainWindow(display, 'terminal', '40x10+100+100');
    await plainWindow(display, 'other', '20x6+800+100');
    probe = await XProbe.open(display.x.display);
    await probe.watchButtons();
    session = await TestSession.open(display, undefined, {}, {}, { redactWindows: DEFAULT_REDACT_WINDOWS });
    session.supervisor.onWindows((list) => (windows = list));
    session.supervisor.listWindows();
    await until('the window list', () => windows.length >= 2);
  });

  after(async function () {
    await session?.close();
    probe?.close();
    await display?.close();
  });

  it('lists the top-level windows with their titles', function () {
    const titles = windows.map((w) => w.title);
    assert.ok(titles.includes('terminal') && titles.includes('other'), JSON.stringify(windows));
    assert.ok(windows.every((w) => w.className === 'XTerm'), JSON.stringify(windows));
  });

  it('refuses a grant for a window that does not exist, with a clear code', async function () {
    const refusals: { code: string }[] = [];
    const listener = session.supervisor.onControlRefused((r) => refusals.push(r));
    session.supervisor.grantControl({ window: 0x7fffffff });
    // refused as a control refusal (both sides end the request), with the coded reason
    await until('ERR_WINDOW_NOT_FOUND', () => refusals.find((r) => r.code === 'ERR_WINDOW_NOT_FOUND')).finally(() => listener.dispose());
    assert.ok(!session.record.controls.some((c) => c.granted), 'control was not granted');
  });

  it('applies input inside the chosen window only, following its moves and resizes', async function () {
    const terminal = windows.find((w) => w.title === 'terminal') as WindowInfo;
    await page().evaluate(() => window.remoteAssist.requestControl());
    await until('the control request', () => session.record.controlRequests > 0);
    session.supervisor.grantControl({ window: terminal.id });
    await until('control granted', () => session.record.controls.at(-1)?.granted);
    const g = await geometry(display, 'terminal');
    assert.equal(await click(g.x + 30, g.y + 30), 'applied');
    assert.equal(await click(20, 650), 'refused', 'the desktop beside it');
    const other = await geometry(display, 'other');
    assert.equal(await click(other.x + 20, other.y + 20), 'refused', 'another window');

    await display.run('xdotool', ['search', '--onlyvisible', '--name', '^terminal$', 'windowmove', '%@', '500', '350']);
    await until('the terminal to move', async () => (await geometry(display, 'terminal')).x === 500);
    assert.equal(await click(g.x + 30, g.y + 30), 'refused', 'where the window was');
    assert.equal(await click(530, 380), 'applied', 'where the window is now');

    await display.run('xdotool', ['search', '--onlyvisible', '--name', '^terminal$', 'windowsize', '%@', '700', '300']);
    await until('the terminal to grow', async () => (await geometry(display, 'terminal')).width === 700);
    assert.equal(await click(1150, 400), 'applied', 'in the part the resize added');
  });

  it('Only One Window… shows that window and blacks out the rest, following it', async function () {
    const terminal = windows.find((w) => w.title === 'terminal') as WindowInfo;
    session.supervisor.shareWindow(terminal.id);
    const g = await geometry(display, 'terminal');
    const other = await geometry(display, 'other');
    const is = async (x: number, y: number, w: number, h: number, expected: number[]) => near(await session.color(x, y, w, h), expected, 4);
    await until('the other window and the desktop black', async () => (await is(other.x + 4, other.y + 4, other.width - 8, other.height - 8, BLACK)) && (await is(20, 20, 60, 60, BLACK)));
    assert.ok(await is(g.x + 10, g.y + 10, g.width - 20, g.height - 20, NOTES), 'the shared window still shows');
    await display.run('xdotool', ['search', '--onlyvisible', '--name', '^terminal$', 'windowmove', '%@', '40', '40']);
    await until('the shared window shown at its new place', async () => is(50, 50, 100, 100, NOTES));
    await until('its old place black', async () => is(900, 500, 100, 100, BLACK));
    session.supervisor.shareWindow(undefined);
    await until('the whole screen again', async () => is(other.x + 4, other.y + 4, other.width - 8, other.height - 8, NOTES));
  });
});
