/**
 * Alice (sharer) and Bob (helper), each in a VS Code window that can reload, every part real: the assistance
 * server on loopback, Alice's SharerSession starting the real host process on an Xvfb display, Bob's
 * HelperSession driving the real panel page in headless Chromium, real WebRTC. A window is what the extension
 * builds in activate() — a NetworkClient, a SessionCoordinator, a SessionResume — and its reload is what VS Code
 * does: deactivate (SessionResume.suspend), dispose everything, then activate again from the same storage.
 */
import { spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HostSupervisor } from '../../../src/supervisor/HostSupervisor';
import type { NetworkClient } from '../../../src/network/NetworkClient';
import type { ResumeRecord } from '../../../src/protocol/resume';
import type { MonitorInfo, ScreenChoice } from '../../../src/protocol/host';
import type { SuspendableSession } from '../../../src/session/ActiveSession';
import { HelperSession } from '../../../src/session/HelperSession';
import { SessionCoordinator } from '../../../src/session/SessionCoordinator';
import { SessionResume } from '../../../src/session/SessionResume';
import { SharerSession } from '../../../src/session/SharerSession';
import { WebviewRouter } from '../../../src/views/WebviewRouter';
import { buildHost } from '../../host/support/buildHost';
import { Fixture } from '../../server/support';
import type { RunningServer } from '../../../src/server/startServer';
import { startXvfb, XDisplay } from '../../support/xvfb';
import { until, WebviewHarness } from '../../webview/support/WebviewHarness';
import { near, samplePicture } from '../../webview/support/helperPicture';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One activation of a party's extension. */
export interface Window {
  readonly client: NetworkClient;
  readonly sessions: SessionCoordinator;
  readonly resume: SessionResume;
  /** The record this window found when it activated. */
  readonly found: ResumeRecord | undefined;
}

/** A user with a VS Code window: the storage survives reloads, the window does not. */
export class Party {
  /** The extension's storage (resume.json) and its history folder. */
  readonly storage: string;
  readonly historyDir: string;
  token: string | undefined;
  window!: Window;
  /** Sharer: the answer to "Resume sharing with …?" and who each question named. */
  resumeAnswer = true;
  readonly resumeAsked: string[] = [];
  readonly consentAsked: string[] = [];
  /** Sharer: the monitor picker's answer, when the window has a picker (set before the window opens), and the monitors each pick offered. */
  screenAnswer: ScreenChoice | undefined;
  readonly screensOffered: string[][] = [];

  constructor(
    readonly alias: string,
    readonly displayName: string,
    work: string,
  ) {
    this.storage = join(work, alias, 'storage');
    this.historyDir = join(work, alias, 'chat');
  }

  get session(): SuspendableSession | undefined {
    return this.window.sessions.active;
  }
}

export class ReloadingWindows {
  readonly fx = new Fixture();
  readonly work = mkdtempSync(join(tmpdir(), 'ra-reload-'));
  readonly alice = new Party('alice', 'Alice', this.work);
  readonly bob = new Party('bob', 'Bob', this.work);
  readonly hosts: HostSupervisor[] = [];
  display!: XDisplay;
  server!: RunningServer;
  panel!: WebviewHarness;
  private hostScript!: string;
  private router: WebviewRouter | undefined;

  /** `graceMs`: how long the server keeps a session whose party went away. */
  static async start(graceMs: number): Promise<ReloadingWindows> {
    const w = new ReloadingWindows();
    [w.display, w.hostScript, w.server] = await Promise.all([startXvfb(1280, 720, ['-noreset']), buildHost(), w.fx.server({ limits: { sessionGraceMs: graceMs } })]);
    await new Promise<void>((resolve, reject) =>
      spawn('xsetroot', ['-solid', '#2040c0'], { env: w.env(), stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`xsetroot exited ${c}`)))),
    );
    w.panel = await WebviewHarness.open('panel');
    await w.open(w.alice);
    await w.open(w.bob);
    await w.alice.window.client.addContact('bob');
    await until(() => w.bob.window.client.contacts.some((c) => c.alias === 'alice' && c.status === 'incoming'), 'Alice\'s contact request at Bob');
    await w.bob.window.client.acceptContact('alice');
    return w;
  }

  env(): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env, DISPLAY: this.display.display };
    delete e.WAYLAND_DISPLAY;
    return e;
  }

  /** Alice invites Bob, Bob accepts, Alice says Yes; resolves once Bob sees her desktop. */
  async connect(): Promise<void> {
    const invited = new Promise<string>((resolve) => this.bob.window.client.onDidReceiveInvitation((inv) => resolve(inv.id)));
    await this.alice.window.client.invite('bob');
    await this.bob.window.client.acceptInvitation(await invited);
    await until(() => this.bothConnected(), 'both sides connected', 40_000);
    await until(() => this.seesDesktop(), 'Alice\'s desktop in Bob\'s panel', 30_000);
  }

  bothConnected(): boolean {
    return this.alice.session?.model.phase === 'connected' && this.bob.session?.model.phase === 'connected';
  }

  seesDesktop(): Promise<boolean> {
    return samplePicture(this.panel.page).then((p) => p !== undefined && near(p.rgb, [0x20, 0x40, 0xc0]));
  }

  panelStatus(): Promise<string | null> {
    return this.panel.page.locator('.session-status .status-line').textContent();
  }

  /** Activates `party`'s extension, as extension.ts does: the record first, then the client signs in. */
  async open(party: Party): Promise<Window> {
    const found = SessionResume.take(party.storage, quiet);
    const client = this.fx.client({ logger: quiet, clientId: found?.clientId });
    let helper: HelperSession | undefined;
    const sessions = new SessionCoordinator(
      {
        sharer: (session, c, resumed) => {
          if (party !== this.alice) throw new Error('only Alice shares in these tests');
          return new SharerSession(
            session,
            c,
            { myName: party.displayName, historyDir: party.historyDir },
            {
              askConsent: async (helper) => (party.consentAsked.push(helper), true),
              askControl: async () => true,
              askResume: async (helper) => (party.resumeAsked.push(helper), party.resumeAnswer),
              ...(party.screenAnswer && { pickScreen: async (monitors: readonly MonitorInfo[]) => (party.screensOffered.push(monitors.map((m) => m.name)), party.screenAnswer) }),
            },
            { allowRemoteControl: () => false, qualityPreset: () => 'Best' },
            () => {
              const h = new HostSupervisor({ hostScript: this.hostScript, env: this.env(), logger: quiet });
              this.hosts.push(h);
              return h;
            },
            quiet,
            undefined,
            undefined,
            resumed,
          );
        },
        helper: (session, c, resumed) => {
          if (party !== this.bob) throw new Error('only Bob helps in these tests');
          const router = this.router!;
          helper = new HelperSession(session, c, { myName: party.displayName, historyDir: party.historyDir }, (m) => router.post(m), quiet, undefined, undefined, resumed);
          router.show(helper);
          return helper;
        },
      },
      party.historyDir,
      quiet,
    );
    sessions.watch(client);
    if (party === this.bob) {
      // Bob's panel, as AssistancePanel wires it: the page VS Code restored after a reload shows the last
      // history (idle view) until the session comes back to it.
      const router = (this.router = new WebviewRouter({
        post: (m) => void this.panel.send(m),
        viewerReport: (r) => helper?.handleViewerReport(r),
        idleView: () => sessions.lastStoredView(),
        log: quiet,
      }));
      this.panel.listener = (m) => router.receive(m);
      router.receive({ type: 'ready' });
    }
    const serverUrl = this.server.url;
    const resume = new SessionResume(party.storage, { client, serverUrl }, sessions, quiet);
    if (found) resume.expect(found, serverUrl);
    await client.connect(serverUrl, party.token ? { token: party.token } : { alias: party.alias, displayName: party.displayName });
    party.token ??= client.token;
    party.window = { client, sessions, resume, found };
    return party.window;
  }

  /** VS Code closes `party`'s window (or starts reloading it): deactivate, then every subscription disposed. */
  async close(party: Party): Promise<ResumeRecord | undefined> {
    const { client, sessions, resume } = party.window;
    const record = await resume.suspend();
    sessions.dispose();
    client.dispose();
    if (party === this.bob) {
      // The webview goes with the window; VS Code's serializer brings a new page back on reload.
      this.panel.listener = undefined;
      this.router?.dispose();
      this.router = undefined;
    }
    return record;
  }

  /** A window reload: closed as above, the panel page reloaded (Bob), the extension activated again. */
  async reload(party: Party): Promise<ResumeRecord | undefined> {
    const record = await this.close(party);
    if (party === this.bob) await this.panel.page.reload();
    await this.open(party);
    return record;
  }

  async dispose(): Promise<void> {
    for (const party of [this.alice, this.bob]) party.window?.sessions.dispose();
    for (const h of this.hosts) await h.stop(500).catch(() => undefined);
    await this.panel?.close();
    await this.fx.dispose();
    await this.display?.stop();
    rmSync(this.work, { recursive: true, force: true });
  }
}
