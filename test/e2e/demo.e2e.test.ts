/**
 * `npm run demo` as a newcomer uses it: start it, open both printed addresses, press Ctrl+C (SIGINT to
 * the whole foreground process group, as a terminal sends it), and check that nothing it started is left.
 */
import assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/stack/EmbeddedStack';
import { pollUntil } from '../../scripts/stack/poll';
import { descendants, isAlive } from './support/processes';
import { CHROMIUM_ARGS, RESULTS_DIR } from './support/Scene';
import { UI_TIMEOUT_MS, Workbench } from './support/Workbench';

describe('npm run demo', function () {
  let demo: ChildProcess | undefined;

  after(async function () {
    this.timeout(120_000);
    // Only if the test failed half-way: Ctrl+C lets the demo stop what it started (its children lead
    // their own process groups, so killing the demo's group alone would leave them behind).
    const running = () => demo?.pid !== undefined && demo.exitCode === null && demo.signalCode === null;
    if (!running()) return;
    process.kill(-demo!.pid!, 'SIGINT');
    await pollUntil('the demo to stop after Ctrl+C', () => !running(), { timeoutMs: 90_000 }).catch(() => {
      if (running()) process.kill(-demo!.pid!, 'SIGKILL');
    });
  });

  it('starts two workbenches, serves both addresses, and leaves nothing behind on Ctrl+C', async function () {
    this.timeout(600_000);
    let output = '';
    demo = spawn('npm', ['run', 'demo'], { cwd: REPO_ROOT, env: { ...process.env, DISPLAY: '' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | string | null>((resolve) => demo?.once('exit', (code, signal) => resolve(code ?? signal)));

    const urls = await pollUntil('the demo to print both addresses', () => {
      if (demo?.exitCode !== null) throw new Error(`the demo exited early:\n${output}`);
      const alice = /Alice .*?(http:\/\/\S+)/.exec(output)?.[1];
      const bob = /Bob .*?(http:\/\/\S+)/.exec(output)?.[1];
      return alice && bob ? { alice, bob } : undefined;
    }, { timeoutMs: 480_000, intervalMs: 500 });

    for (const url of [urls.alice, urls.bob]) {
      const response = await fetch(url);
      const html = await response.text();
      assert.strictEqual(response.status, 200, `${url} answers`);
      assert.match(html, /workbench/i, `${url} serves a VS Code workbench`);
    }

    // Both workbenches start signed in, as contacts who see each other online (each extension host runs
    // while its workbench is open in a browser, so both are opened first).
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const alice = await Workbench.open(browser, 'Alice', urls.alice);
      const bob = await Workbench.open(browser, 'Bob', urls.bob);
      for (const [wb, other] of [[alice, 'Bob'], [bob, 'Alice']] as const) {
        await wb.openActivity('Assistance');
        const row = await wb.treeItem('Contacts', other);
        await pollUntil(`${wb.name} to see ${other} online`, async () => /online/.test((await row.getAttribute('aria-label')) ?? ''), { timeoutMs: UI_TIMEOUT_MS });
        await wb.screenshot(join(RESULTS_DIR, `demo-${wb.name.toLowerCase()}.png`));
      }
    } finally {
      await browser.close();
    }

    const started = descendants(demo.pid!);
    assert.ok([...started.values()].some((cmd) => cmd.includes('Xvfb')), 'the demo started Xvfb (no $DISPLAY)');
    assert.ok([...started.values()].filter((cmd) => cmd.includes('code-server')).length >= 2, 'two code-servers run');

    process.kill(-demo.pid!, 'SIGINT');
    // npm passes Ctrl+C on and then ends by the same signal, as a shell expects; the demo itself exits 0.
    assert.ok([0, 'SIGINT'].includes((await exited) ?? -1), `the demo exits cleanly on Ctrl+C:\n${output}`);
    assert.match(output, /Stopped\. Nothing is left running\./);
    const leftovers = () => [...started].filter(([pid]) => isAlive(pid)).map(([pid, cmd]) => `${pid} ${cmd}`);
    await pollUntil('every process the demo started to end', () => leftovers().length === 0, { timeoutMs: 30_000 }).catch(() => {
      assert.deepStrictEqual(leftovers(), [], 'no process is left behind');
    });
  });
});
