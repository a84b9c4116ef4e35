/**
 * Alice (sharer) and Bob (helper) in a live session, every part real: the assistance server as its own
 * process (so a test can kill and restart it), Alice's SharerSession starting the real host process on an
 * Xvfb display with an xterm, Bob's HelperSession driving the real panel page in headless Chromium through
 * the product's WebviewRouter and ToolbarDispatch, real WebRTC between them. The host process and Chromium
 * can run inside network-lab namespaces (hostNodePath, chromiumPath) so a test can cut the link between them.
 */
import { ChildProcess, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HostSupervisor } from '../../../src/supervisor/HostSupervisor';
import { NetworkClient } from '../../../src/network/NetworkClient';
import type { Session } from '../../../src/protocol/network';
import { FilesUi, SessionFiles } from '../../../src/files/SessionFiles';
import type { TransferSnapshot } from '../../../src/protocol/files';
import { HelperSession } from '../../../src/session/HelperSession';
import type { SystemClipboard } from '../../../src/session/HelperClipboard';
import { SessionFeatures } from '../../../src/session/SessionFeatures';
import { SharerPolicy, SharerPrompts, SharerSession, SharerTiming } from '../../../src/session/SharerSession';
import { ToolbarDispatch } from '../../../src/views/ToolbarDispatch';
import { WebviewRouter } from '../../../src/views/WebviewRouter';
import { freePort } from '../../../scripts/stack/poll';
import { buildHost } from '../../host/support/buildHost';
import { XProbe } from '../../host/support/xprobe';
import { Fixture, spawnServer, ServerProcess } from '../../server/support';
import { startXvfb, XDisplay } from '../../support/xvfb';
import { until, WebviewHarness } from '../../webview/support/WebviewHarness';
import { near, samplePicture } from '../../webview/support/helperPicture';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
type Entry = { kind: string; text: string };
export const statuses = (history: readonly Entry[]) => history.filter((e) => e.kind === 'status').map((e) => e.text);
export const messages = (history: readonly Entry[]) => history.filter((e) => e.kind === 'message').map((e) => e.text);

export interface TwoPartiesOptions {
  /** Both sign in at this address (e.g. a load balancer in front of a cluster) instead of a server process of their own. */
  readonly serverUrl?: string;
  /** Runs the host process with this Node (e.g. NetLab's executable() inside a namespace). */
  readonly hostNodePath?: string;
  /** Runs Bob's panel in this Chromium (e.g. NetLab's chromiumIn()). */
  readonly chromiumPath?: string;
  /** Alice's answers (default: Yes to everything at once; e.g. control of one window only). */
  readonly prompts?: Partial<SharerPrompts>;
  readonly policy?: Partial<SharerPolicy>;
  readonly sharerTiming?: Partial<SharerTiming>;
  /** Extra Xvfb arguments (e.g. `-extension XTEST` for a display that cannot be controlled). */
  readonly xvfbArgs?: readonly string[];
  /** Bob's wait for an answer to Take Control (HelperSession's default otherwise). */
  readonly controlAnswerMs?: number;
  /** false: resolve once Alice's session started, without waiting for the connection (a consent test). */
  readonly awaitConnected?: boolean;
  /** RANDR monitors on Alice's display, as `xrandr --setmonitor` takes them: [name, geometry]. */
  readonly monitors?: readonly (readonly [string, string])[];
  /** Alice's monitor picker (asked after her Yes when there are two or more monitors). */
  readonly pickScreen?: SharerPrompts['pickScreen'];
  /** Alice's Clipboard Sync answer, and Bob's system clipboard (vscode.env.clipboard in VS Code). */
  readonly pickClipboard?: SharerPrompts['pickClipboard'];
  readonly helperClipboard?: SystemClipboard;
  /** More environment for Alice's host process (e.g. the libnut backend). */
  readonly hostEnv?: NodeJS.ProcessEnv;
}

/** A user's Send a File answers: every offer saved into `inbox`; the latest progress of each transfer kept. */
export class FilesUser implements FilesUi {
  readonly progress = new Map<string, TransferSnapshot>();
  constructor(readonly inbox: string) {
    mkdirSync(inbox, { recursive: true });
  }
  async askSave(offer: { name: string }) {
    return { path: join(this.inbox, offer.name), overwrite: false };
  }
  showProgress(transfer: TransferSnapshot) {
    this.progress.set(transfer.key, transfer);
    return { update: (t: TransferSnapshot) => this.progress.set(t.key, t), close: () => undefined };
  }
}

export class TwoParties {
  readonly fx = new Fixture();
  readonly hosts: HostSupervisor[] = [];
  display!: XDisplay;
  probe!: XProbe;
  server!: ServerProcess;
  alice!: NetworkClient;
  bob!: NetworkClient;
  panel!: WebviewHarness;
  sharer!: SharerSession;
  helper!: HelperSession;
  /** Set when Alice's side offers Restart Sharing (after a host crash). */
  restartOffered: (() => void) | undefined;
  readonly work = mkdtempSync(join(tmpdir(), 'ra-two-'));
  /** Where Alice and Bob save the files they receive. */
  readonly aliceFiles = new FilesUser(join(this.work, 'alice-inbox'));
  readonly bobFiles = new FilesUser(join(this.work, 'bob-inbox'));
  private serverArgs: string[] = [];
  private readonly xclients: ChildProcess[] = [];
  private router!: WebviewRouter;

  private constructor(private readonly options: TwoPartiesOptions) {}

  /** Signs both in as contacts, Alice invites, Bob accepts, Alice says Yes; resolves once Bob sees her desktop. */
  static async connect(options: TwoPartiesOptions = {}): Promise<TwoParties> {
    const t = new TwoParties(options);
    await t.start();
    return t;
  }

  get typed(): string {
    try {
      return readFileSync(join(this.work, 'typed.txt'), 'utf8');
    } catch {
      return '';
    }
  }

  env(): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env, DISPLAY: this.display.display };
    delete e.WAYLAND_DISPLAY;
    return e;
  }

  panelStatus(): Promise<string | null> {
    return this.panel.page.locator('.session-status .status-line').textContent();
  }

  bothConnected(): boolean {
    return this.sharer.model.phase === 'connected' && this.helper.model.phase === 'connected';
  }

  /** Bob's panel shows Alice's blue desktop. */
  seesDesktop(): Promise<boolean> {
    return samplePicture(this.panel.page).then((p) => p !== undefined && near(p.rgb, [0x20, 0x40, 0xc0]));
  }

  async chatBothWays(fromBob: string, fromAlice: string): Promise<void> {
    const input = this.panel.page.locator('vscode-text-field.chat-input input');
    await input.click();
    await this.panel.page.keyboard.type(fromBob);
    await this.panel.page.keyboard.press('Enter');
    await until(() => messages(this.sharer.model.history).includes(fromBob), `"${fromBob}" at Alice`);
    await this.sharer.sendChat(fromAlice);
    await until(() => this.panel.page.locator('.chat-history .from-peer .text').last().textContent().then((t) => t === fromAlice), `"${fromAlice}" in Bob's panel`);
  }

  /** Bob presses Take Control (Alice allows it) and clicks into the xterm so his keys go there. */
  async takeControl(): Promise<void> {
    await this.panel.page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => this.helper.model.control === 'granted' && this.sharer.model.control === 'granted', 'control granted', 20_000);
    const box = (await this.panel.page.locator('video').boundingBox())!;
    await this.panel.page.mouse.click(box.x + (300 / 1280) * box.width, box.y + (150 / 720) * box.height);
    await until(() => this.panel.page.locator('.keyboard-hint').textContent().then((t) => /^Your keyboard and mouse control/.test(t ?? '')), 'keyboard captured');
  }

  killServer(): void {
    this.server.child.kill('SIGKILL');
  }

  async restartServer(): Promise<void> {
    this.server = await spawnServer(this.fx, this.serverArgs);
  }

  async dispose(): Promise<void> {
    this.sharer?.dispose();
    this.helper?.dispose();
    for (const h of this.hosts) await h.stop(500).catch(() => undefined);
    await this.panel?.close();
    this.probe?.close();
    await this.fx.dispose();
    for (const c of this.xclients) c.kill('SIGKILL');
    await this.display?.stop();
    rmSync(this.work, { recursive: true, force: true });
  }

  private async start(): Promise<void> {
    this.serverArgs = ['--port', String(await freePort()), '--data', join(this.work, 'server')];
    let hostScript: string;
    let server: ServerProcess | undefined;
    [this.display, hostScript, server] = await Promise.all([startXvfb(1280, 720, this.options.xvfbArgs), buildHost(), this.options.serverUrl ? undefined : spawnServer(this.fx, this.serverArgs)]);
    if (server) this.server = server;
    const url = this.options.serverUrl ?? this.server.url;
    const x = (cmd: string, args: string[]) =>
      new Promise<void>((resolve, reject) => spawn(cmd, args, { env: this.env(), stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`${cmd} exited ${c}`)))));
    // An xterm whose keystrokes land in a file: what Bob types with control granted must arrive there.
    this.xclients.push(spawn('xterm', ['-name', 'typed', '-geometry', '60x10+100+100', '-e', 'sh', '-c', `cat > ${join(this.work, 'typed.txt')}`], { env: this.env(), stdio: 'ignore' }));
    await x('xdotool', ['search', '--sync', '--onlyvisible', '--classname', 'typed']);
    await x('xsetroot', ['-solid', '#2040c0']);
    for (const [name, geometry] of this.options.monitors ?? []) await x('xrandr', ['--setmonitor', name, geometry, 'none']);
    this.probe = await XProbe.open(this.display.display);
    this.alice = this.fx.client({ logger: quiet });
    this.bob = this.fx.client({ logger: quiet });
    await this.alice.connect(url, { alias: 'alice', displayName: 'Alice' });
    await this.bob.connect(url, { alias: 'bob', displayName: 'Bob' });
    await this.alice.addContact('bob');
    await this.bob.acceptContact('alice');
    this.panel = await WebviewHarness.open('panel', undefined, { executablePath: this.options.chromiumPath });

    const started = (client: NetworkClient) => new Promise<Session>((resolve) => client.onDidStartSession(resolve));
    const [aliceStarted, bobStarted] = [started(this.alice), started(this.bob)];
    const invited = new Promise<string>((resolve) => this.bob.onDidReceiveInvitation((inv) => resolve(inv.id)));
    await this.alice.invite('bob');
    await this.bob.acceptInvitation(await invited);
    const [aliceSession, bobSession] = await Promise.all([aliceStarted, bobStarted]);
    const files = (user: FilesUser) => (peerName: string, endpoint: ConstructorParameters<typeof SessionFiles>[0], history: (line: string) => void) =>
      new SessionFiles(endpoint, user, peerName, history, quiet, 1024 * 1024 * 1024);
    this.helper = new HelperSession(bobSession, this.bob, { myName: 'Bob', historyDir: join(this.work, 'bob'), controlAnswerMs: this.options.controlAnswerMs }, (m) => this.router.post(m), quiet, undefined, files(this.bobFiles), undefined, this.options.helperClipboard);
    const dispatch = new ToolbarDispatch(() => this.helper, new SessionFeatures(), { settings: async () => undefined, help: async () => undefined });
    this.router = new WebviewRouter({ post: (m) => void this.panel.send(m), toolbar: (a) => dispatch.run(a), viewerReport: (r) => this.helper.handleViewerReport(r), log: quiet });
    this.panel.listener = (m) => this.router.receive(m);
    this.router.receive({ type: 'ready' });
    this.router.show(this.helper);
    this.sharer = new SharerSession(
      aliceSession,
      this.alice,
      { myName: 'Alice', historyDir: join(this.work, 'alice'), sharerTiming: this.options.sharerTiming },
      {
        askConsent: async () => true,
        askControl: async () => true,
        offerRestart: (restart) => (this.restartOffered = restart),
        pickScreen: this.options.pickScreen,
        pickClipboard: this.options.pickClipboard,
        ...this.options.prompts,
      },
      { allowRemoteControl: () => true, qualityPreset: () => 'Best', ...this.options.policy },
      () => {
        const h = new HostSupervisor({ hostScript, nodePath: this.options.hostNodePath, env: { ...this.env(), ...this.options.hostEnv }, logger: quiet });
        this.hosts.push(h);
        return h;
      },
      quiet,
      undefined,
      files(this.aliceFiles),
    );
    if (this.options.awaitConnected === false) {
      void this.sharer.start();
      return;
    }
    await this.sharer.start();
    await until(() => this.bothConnected(), 'both sides connected', 40_000);
    await until(() => this.seesDesktop(), 'Alice\'s desktop in Bob\'s panel', 30_000);
  }
}
