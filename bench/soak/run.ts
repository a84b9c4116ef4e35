/**
 * `npm run soak [-- --minutes N] [--round-seconds S]` (defaults 30 and 10): one Remote Assistance session kept busy for N minutes, every
 * part real — the assistance server (its own process) on loopback, Alice's SharerSession running the host
 * process on a private Xvfb display with a screen in motion, Bob's HelperSession driving the panel page in
 * headless Chromium. Every S seconds a round: chat both ways, Bob takes control (Alice says Yes) and types into
 * Alice's xterm, Alice stops control, a file each way. Each minute it records resident memory, open
 * descriptors and CPU of every process (Chromium: PSS summed over its processes); the last line is JSON with
 * the growth from minute 1 to the end.
 * Not part of `npm test`.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseArgs } from 'util';
import { silentLogger } from '../../src/common/logger';
import { FilesUi, SessionFiles } from '../../src/files/SessionFiles';
import { HostFilesEndpoint } from '../../src/common/files/FilesEndpoint';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { HelperSession } from '../../src/session/HelperSession';
import { SessionFeatures } from '../../src/session/SessionFeatures';
import { SharerSession } from '../../src/session/SharerSession';
import { ToolbarDispatch } from '../../src/views/ToolbarDispatch';
import { WebviewRouter } from '../../src/views/WebviewRouter';
import { buildHost } from '../../test/host/support/buildHost';
import { Fixture, spawnServer } from '../../test/server/support';
import { cpuSeconds, fdCount, rssMiB } from '../../test/support/processStats';
import { startXvfb } from '../../test/support/xvfb';
import { until, WebviewHarness } from '../../test/webview/support/WebviewHarness';
import { memoryMiB, processTree } from '../vnc/ProcessMeter';
import { startScene } from '../host/scene';
import { saveRun } from '../resultsStore';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, 'round-seconds': { type: 'string', default: '10' } } });
const MINUTES = Number(values.minutes);
/** A round (chat, control with typing, a file each way) starts this often, as a working pair would. */
const ROUND_MS = Number(values['round-seconds']) * 1000;
if (!(MINUTES >= 1) || !(ROUND_MS >= 0)) throw new Error(`--minutes must be at least 1 and --round-seconds at least 0 (got ${values.minutes}, ${values['round-seconds']})`);
const FILE_BYTES = 2 * 1024 * 1024;
const log = (line: string) => process.stdout.write(`${line}\n`);
const r1 = (n: number) => Math.round(n * 10) / 10;

type Group = 'server' | 'host' | 'chromium' | 'xvfb' | 'extensions';
interface Sample {
  readonly memMiB: number;
  readonly fds: number;
  readonly cpu: number;
}

/** The topmost descendants of this process whose command is `name` (Chromium's browser process, Xvfb). */
function childrenNamed(name: RegExp): number[] {
  const named = new Map<number, number>();
  for (const pid of processTree([process.pid])) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name.test(comm)) named.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  return [...named].filter(([, ppid]) => !named.has(ppid)).map(([pid]) => pid);
}

/**
 * Memory, descriptors and CPU seconds of one group: resident memory of single processes (`alone`), or the
 * proportional set size of a process tree (Chromium's processes share most of their pages).
 */
function sample(roots: number[], alone: boolean): Sample {
  const pids = alone ? roots : processTree(roots);
  return {
    memMiB: alone ? roots.reduce((n, pid) => n + (rssMiB(pid) ?? 0), 0) : memoryMiB(roots),
    fds: pids.reduce((n, pid) => n + (fdCount(pid) ?? 0), 0),
    cpu: pids.reduce((n, pid) => n + (cpuSeconds(pid) ?? 0), 0),
  };
}

/** The user at the keyboard: saves every offered file into `inbox`. */
function savingUi(inbox: string): FilesUi {
  let n = 0;
  return {
    askSave: async ({ name }) => ({ path: join(inbox, `${++n}-${name}`), overwrite: false }),
    showProgress: () => ({ update: () => undefined, close: () => undefined }),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const work = mkdtempSync(join(tmpdir(), 'ra-soak-'));
  const fixture = new Fixture();
  const cleanups: (() => unknown)[] = [() => rmSync(work, { recursive: true, force: true }), () => fixture.dispose()];
  const xclients: ChildProcess[] = [];
  let errors = 0;
  const problem = (what: string) => {
    errors++;
    log(`error: ${what}`);
  };
  try {
    const display = await startXvfb(1280, 720);
    cleanups.push(() => display.stop());
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display.display };
    delete env.WAYLAND_DISPLAY;
    const typedFile = join(work, 'typed.txt');
    xclients.push(spawn('xterm', ['-name', 'typed', '-geometry', '60x10+100+100', '-e', 'sh', '-c', `cat > ${typedFile}`], { env, stdio: 'ignore' }));
    cleanups.push(() => xclients.forEach((c) => c.kill('SIGKILL')));
    await new Promise<void>((resolve, reject) => spawn('xdotool', ['search', '--sync', '--onlyvisible', '--classname', 'typed'], { env, stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error('no xterm')))));
    // The screen in motion: a scrolling scene beside the xterm, all the time.
    const scene = await startScene(display.display, { fps: 15, area: { x: 700, y: 300, width: 520, height: 380 } });
    cleanups.push(() => scene.close());

    const server = await spawnServer(fixture, ['--port', '0', '--data', join(work, 'data')]);
    const hostScript = await buildHost();
    const alice = new NetworkClient({ logger: silentLogger });
    const bob = new NetworkClient({ logger: silentLogger });
    cleanups.push(() => alice.dispose(), () => bob.dispose());
    await alice.connect(server.url, { alias: 'alice', displayName: 'Alice' });
    await bob.connect(server.url, { alias: 'bob', displayName: 'Bob' });
    await alice.addContact('bob');
    await bob.acceptContact('alice');
    const panel = await WebviewHarness.open('panel');
    cleanups.push(() => panel.close());

    // Alice asks Bob for help; Bob accepts; both build their sessions as the extension does.
    const started = (client: NetworkClient) => new Promise<Session>((resolve) => client.onDidStartSession(resolve));
    const [aliceStarted, bobStarted] = [started(alice), started(bob)];
    const received = new Promise<string>((resolve) => bob.onDidReceiveInvitation((inv) => resolve(inv.id)));
    await alice.invite('bob', 'a long afternoon');
    await bob.acceptInvitation(await received);
    const [aliceSession, bobSession] = await Promise.all([aliceStarted, bobStarted]);
    const [sharerInbox, helperInbox, outbox] = ['alice-inbox', 'bob-inbox', 'outbox'].map((d) => join(work, d));
    for (const d of [sharerInbox, helperInbox, outbox]) mkdirSync(d);
    // The helper session posts to the panel through the router, which needs the session: tied after both exist.
    const panelLink: { router?: WebviewRouter } = {};
    const helper = new HelperSession(bobSession, bob, { myName: 'Bob', historyDir: join(work, 'bob') }, (m) => panelLink.router?.post(m), silentLogger, undefined, (peer, endpoint, history) =>
      new SessionFiles(endpoint, savingUi(helperInbox), peer, history, silentLogger, 64 * 1024 * 1024),
    );
    const dispatch = new ToolbarDispatch(() => helper, new SessionFeatures(), { settings: async () => undefined, help: async () => undefined });
    const router = (panelLink.router = new WebviewRouter({ post: (m) => void panel.send(m).catch(() => undefined), toolbar: (a) => dispatch.run(a), viewerReport: (r) => helper.handleViewerReport(r), log: silentLogger }));
    panel.listener = (m) => router.receive(m);
    router.receive({ type: 'ready' });
    router.show(helper);
    let host: HostSupervisor | undefined;
    const sharer = new SharerSession(
      aliceSession,
      alice,
      { myName: 'Alice', historyDir: join(work, 'alice') },
      { askConsent: async () => true, askControl: async () => true },
      { allowRemoteControl: () => true, qualityPreset: () => 'Auto' },
      () => (host = new HostSupervisor({ hostScript, env, logger: silentLogger })),
      silentLogger,
      undefined,
      (peer, endpoint, history) => new SessionFiles(endpoint as HostFilesEndpoint, savingUi(sharerInbox), peer, history, silentLogger, 64 * 1024 * 1024),
    );
    cleanups.push(() => sharer.dispose(), () => helper.dispose(), async () => host?.stop(1000));
    await sharer.start();
    await until(() => helper.model.phase === 'connected' && sharer.model.phase === 'connected' && host?.pid, 'both sides connected', 60_000);
    const hostPid = host?.pid as number;
    host?.onError((e) => e.fatal && problem(`host ${e.code}: ${e.message}`));
    const file = join(outbox, 'soak.bin');
    writeFileSync(file, randomBytes(FILE_BYTES));

    const saved = (session: { model: { history: readonly { kind: string; text: string }[] } }) => session.model.history.filter((e) => e.kind === 'status' && e.text.includes('was saved to')).length;
    const step = async (what: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (err) {
        problem(`${what}: ${(err as Error).message}`);
      }
    };
    let round = 0;
    const roundOnce = async () => {
      round++;
      if (sharer.model.phase !== 'connected' || helper.model.phase !== 'connected') throw new Error(`the session ended (${sharer.model.phase}/${helper.model.phase})`);
      await step('chat from Alice', async () => {
        await sharer.sendChat(`Alice, round ${round}`);
        await until(() => helper.model.history.some((e) => e.kind === 'message' && e.text === `Alice, round ${round}`), 'Alice\'s chat at Bob');
      });
      await step('chat from Bob', async () => {
        const input = panel.page.locator('vscode-text-field.chat-input input');
        await input.click();
        await panel.page.keyboard.type(`Bob, round ${round}`);
        await panel.page.keyboard.press('Enter');
        await until(() => sharer.model.history.some((e) => e.kind === 'message' && e.text === `Bob, round ${round}`), 'Bob\'s chat at Alice');
      });
      await step('control with typing', async () => {
        await panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
        await until(() => helper.model.control === 'granted' && sharer.model.control === 'granted', 'control granted');
        const box = (await panel.page.locator('video').boundingBox())!;
        await panel.page.mouse.click(box.x + (300 / 1280) * box.width, box.y + (150 / 720) * box.height);
        await panel.page.keyboard.type(`echo ${round}`);
        await panel.page.keyboard.press('Enter');
        await until(() => readFileSync(typedFile, 'utf8').endsWith(`echo ${round}\n`) || undefined, 'Bob\'s keystrokes in Alice\'s xterm');
        sharer.stopControl();
        await until(() => helper.model.control === 'viewOnly' && sharer.model.control === 'viewOnly', 'control stopped');
      });
      await step('a file from Alice to Bob', async () => {
        const before = saved(helper);
        sharer.files?.send([file]);
        await until(() => saved(helper) > before, 'the file saved at Bob', 60_000);
      });
      await step('a file from Bob to Alice', async () => {
        const before = saved(sharer);
        helper.files?.send([file]);
        await until(() => saved(sharer) > before, 'the file saved at Alice', 60_000);
      });
      for (const inbox of [sharerInbox, helperInbox]) for (const name of readdirSync(inbox)) rmSync(join(inbox, name));
    };

    const groups = (): Record<Group, Sample> => ({
      server: sample([server.child.pid as number], true),
      host: sample([hostPid], true),
      chromium: sample(childrenNamed(/^(chromium|chrome)$/), false),
      xvfb: sample(childrenNamed(/^Xvfb$/), true),
      extensions: sample([process.pid], true),
    });
    const minutes: Record<Group, Sample>[] = [groups()];
    const started0 = Date.now();
    let nextMinute = started0 + 60_000;
    log(`soak: ${MINUTES} minute(s); server ${server.child.pid}, host ${hostPid}, chromium ${childrenNamed(/^(chromium|chrome)$/).join(',')}`);
    let nextRound = started0;
    while (Date.now() < started0 + MINUTES * 60_000) {
      if (Date.now() >= nextRound) {
        nextRound += ROUND_MS;
        await roundOnce();
      } else await new Promise((r) => setTimeout(r, Math.min(1000, nextRound - Date.now())));
      while (Date.now() >= nextMinute) {
        const now = groups();
        const last = minutes[minutes.length - 1];
        minutes.push(now);
        const cells = (Object.keys(now) as Group[]).map((g) => `${g} ${r1(now[g].memMiB)} MiB ${now[g].fds} fd ${r1(((now[g].cpu - last[g].cpu) / 60) * 100)}% cpu`);
        log(`minute ${minutes.length - 1} (round ${round}, errors ${errors}): ${cells.join(' | ')}`);
        nextMinute += 60_000;
      }
    }
    // Growth from minute 1 (everything warmed up) to the end; a one-minute run compares with the start.
    const base = minutes[Math.min(1, minutes.length - 1)];
    const end = minutes[minutes.length - 1];
    const first = minutes[0];
    const span = (minutes.length - 1) * 60;
    const by = (f: (g: Group) => number) => Object.fromEntries((Object.keys(end) as Group[]).map((g) => [g, f(g)]));
    const summary = {
      bench: 'soak',
      minutes: minutes.length - 1,
      rounds: round,
      rss_growth_mb: by((g) => r1(end[g].memMiB - base[g].memMiB)),
      fd_growth: by((g) => end[g].fds - base[g].fds),
      cpu_pct: by((g) => r1(((end[g].cpu - first[g].cpu) / Math.max(1, span)) * 100)),
      errors,
    };
    saveRun('soak', startedAt, summary, { minutes });
    log(JSON.stringify(summary));
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
  process.exit(errors === 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? err}\n`);
  process.exit(2);
});
