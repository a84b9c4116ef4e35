/**
 * Control of one window, end to end: Alice answers the control question with "One Window…" and picks her
 * terminal from the host's list; Bob's clicks and keys reach that terminal and nothing else on her screen.
 */
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { HostStats, WindowInfo } from '../../src/protocol/host';
import { TwoParties } from './support/TwoParties';
import { until } from '../webview/support/WebviewHarness';

describe('session: control limited to one window the sharer picks', function () {
  this.timeout(180_000);
  let t: TwoParties;
  let other: ChildProcess;
  let offered: readonly WindowInfo[] = [];
  const stats: HostStats[] = [];
  const otherFile = () => join(t.work, 'other.txt');
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };

  before(async function () {
    t = await TwoParties.connect({
      prompts: {
        askControl: async () => 'oneWindow',
        pickWindow: async (windows) => ((offered = windows), windows.find((w) => w.title !== 'other')?.id),
      },
    });
    other = spawn('xterm', ['-T', 'other', '-geometry', '40x8+700+400', '-e', 'sh', '-c', `cat > ${otherFile()}`], { env: t.env(), stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => spawn('xdotool', ['search', '--sync', '--onlyvisible', '--name', '^other$'], { env: t.env(), stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`xdotool ${c}`)))));
    t.hosts.at(-1)!.onStats((s) => stats.push(s));
    await t.probe.watchButtons();
  });

  after(async function () {
    other?.kill('SIGKILL');
    await t?.dispose();
  });

  const rejected = () => stats.at(-1)?.inputRejected ?? 0;
  const pagePoint = async (x: number, y: number) => {
    const box = (await t.panel.page.locator('video').boundingBox())!;
    return { x: box.x + (x / 1280) * box.width, y: box.y + (y / 720) * box.height };
  };

  it('offers the windows by title and grants control inside the chosen one: Bob types into the terminal', async function () {
    await t.takeControl();
    assert.ok(offered.some((w) => w.title === 'other') && offered.length >= 2, JSON.stringify(offered));
    const chosen = offered.find((w) => w.title !== 'other')!;
    assert.ok(t.sharer.model.history.some((e) => e.kind === 'status' && e.text === `Bob (bob) may control only the window "${chosen.title}"; input anywhere else is refused.`), 'Alice\'s history says which window');
    await t.panel.page.keyboard.type('inside\n');
    await until(() => t.typed.includes('inside\n'), 'the line in Alice\'s terminal');
  });

  it('refuses Bob\'s click on another window: no button reaches Alice\'s display', async function () {
    const presses = t.probe.buttonPresses.length;
    const before = rejected();
    const p = await pagePoint(760, 440);
    await t.panel.page.mouse.click(p.x, p.y);
    await until(() => rejected() > before, 'the host to count the refused click', 10_000);
    assert.equal(t.probe.buttonPresses.length, presses, 'no button press reached the display');
    await until(() => t.panel.page.locator('.keyboard-hint').textContent().then((text) => text === 'Alice\'s computer refused that: this part of the screen is not open to your control.'), 'Bob\'s panel to say it was refused');
  });

  it('refuses Bob\'s keys once Alice points at another window (its keys would land there)', async function () {
    await new Promise<void>((resolve, reject) => spawn('xdotool', ['mousemove', '760', '440'], { env: t.env(), stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`xdotool ${c}`)))));
    const before = rejected();
    await t.panel.page.keyboard.type('outside\n');
    await until(() => rejected() > before, `the host to count the refused keys (terminal: ${JSON.stringify(t.typed)}, other: ${JSON.stringify(read(otherFile()))})`, 10_000);
    assert.equal(read(otherFile()), '', 'nothing reached the other window');
    assert.ok(!t.typed.includes('outside'), 'nor the terminal');
  });
});
