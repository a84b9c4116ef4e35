/**
 * Help from any browser: the helper has no VS Code. The assistance server serves the helper's page at /join;
 * Bob opens the invitation's web address in headless Chromium (a plain page, no workbench), types his name and
 * the password, Alice's real SharerSession asks her, and her real host process on Xvfb shares the screen over
 * real WebRTC with the browser's own RTCPeerConnection. Only Alice's answers to her questions come from the test.
 */
import assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { build } from 'esbuild';
import { createServer as createNetServer, type AddressInfo } from 'net';
import { Browser, chromium, Page } from 'playwright-core';
import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { TalkController } from '../../src/common/audio/TalkController';
import { VoiceTexts } from '../../src/common/audio/VoiceTexts';
import { startPulseAudio, type TestPulseAudio } from '../audio/support/pulseaudio';
import { HEARD, dbfs, hearSentence, sayAndHear, speak } from '../audio/support/speech';
import { SessionFiles } from '../../src/files/SessionFiles';
import { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { RunningServer, startServer } from '../../src/server/startServer';
import { browserLink, formatInvitationLink, parseInvitationLink } from '../../src/session/InvitationLink';
import { DirectLinks } from '../../src/session/DirectLinks';
import { SharerSession } from '../../src/session/SharerSession';
import { buildHost } from '../host/support/buildHost';
import { displayEnv, runOnDisplay, startXvfb, XDisplay } from '../support/xvfb';
import { near, samplePicture } from '../webview/support/helperPicture';
import { until } from '../webview/support/WebviewHarness';

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'browser');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The page's bundle as esbuild.js builds it (dist/browser/helper.js, where every server serves it from). */
async function buildPage(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'src/browser/main.ts')],
    outfile: join(ROOT, 'dist', 'browser', 'helper.js'),
    bundle: true,
    platform: 'browser',
    target: 'chrome114',
    format: 'iife',
    define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' },
    logLevel: 'silent',
  });
}

function statuses(history: readonly { kind: string; text: string }[]): string[] {
  return history.filter((e) => e.kind === 'status').map((e) => e.text);
}

describe('Help from any browser (server page + host on Xvfb + plain Chromium page, real WebRTC)', function () {
  this.timeout(120_000);
  let display: XDisplay;
  const xclients: ChildProcess[] = [];
  let server: RunningServer;
  let alice: NetworkClient;
  let browser: Browser;
  let page: Page;
  let work: string;
  let hostScript: string;
  const asked: string[] = [];
  /** Alice's answer to "let Bob view your screen?". */
  let consent = true;
  const hosts: HostSupervisor[] = [];
  let sharer: SharerSession | undefined;
  const problems: string[] = [];
  const requested: string[] = [];
  /** Two users' audio devices (sharer_*, helper_*): Alice's host and Bob's Chromium each use their own. */
  let pulse: TestPulseAudio;
  let aliceTalk: TalkController | undefined;
  /** Alice's answer to "Bob wants to start a voice conversation". */
  let talkAnswer = true;
  const aliceVoiceErrors: string[] = [];
  let sentenceA: string;
  let sentenceB: string;

  const env = () => displayEnv(display);
  const x = (cmd: string, args: string[]) => runOnDisplay(display, cmd, args);
  const text = (selector: string) => page.locator(selector).first().textContent();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'ra-browser-'));
    mkdirSync(join(work, 'alice-inbox'));
    await buildPage();
    [display, hostScript, server, pulse] = await Promise.all([startXvfb(1280, 720), buildHost(), startServer({ port: 0, logger: quiet }), startPulseAudio(['sharer', 'helper'])]);
    sentenceA = await speak(pulse.dir, 'a', 'Please open the terminal and run the build again.');
    sentenceB = await speak(pulse.dir, 'b', 'I can see the error now, it is on line forty two.');
    xclients.push(spawn('xterm', ['-name', 'typed', '-geometry', '60x10+100+100', '-e', 'sh', '-c', `cat > ${join(work, 'typed.txt')}`], { env: env(), stdio: 'ignore' }));
    await x('xdotool', ['search', '--sync', '--onlyvisible', '--classname', 'typed']);
    await x('xsetroot', ['-solid', '#2040c0']);
    alice = new NetworkClient({ logger: quiet });
    await alice.connect(server.url, { alias: 'alice', displayName: 'Alice' });
    alice.onDidStartSession((session: Session) => startSharer(session, alice));
    // Bob's browser uses his microphone and speaker (through the test's PulseAudio), unmuted, and asks him
    // nothing before opening the microphone (as if he had clicked Allow).
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream'],
      ignoreDefaultArgs: ['--mute-audio'],
      env: { ...pulse.env, PULSE_SOURCE: 'helper_mic', PULSE_SINK: 'helper_speaker' },
    });
    page = await newPage();
  });

  /** Alice's extension: her real SharerSession, with the real host process on the Xvfb display. */
  function startSharer(session: Session, client: NetworkClient): void {
      sharer = new SharerSession(
        session,
        client,
        { myName: 'Alice', historyDir: join(work, 'alice') },
        { askConsent: async (helper) => (asked.push(helper), consent), askControl: async (helper) => (asked.push(helper), true) },
        { allowRemoteControl: () => true, qualityPreset: () => 'Best' },
        () => {
          const h = new HostSupervisor({ hostScript, env: { ...pulse.env, ...env() }, logger: quiet });
          hosts.push(h);
          return h;
        },
        quiet,
        (peerName, endpoint, history) =>
          (aliceTalk = new TalkController({
            peerName,
            endpoint,
            settings: () => ({ input: 'sharer_mic', output: 'sharer_speaker', echoCancel: false, micMode: 'open' }),
            askToTalk: async (peer) => (asked.push(`talk ${peer}`), talkAnswer),
            history,
            showError: (message) => aliceVoiceErrors.push(message),
            log: quiet,
          })),
        (peerName, endpoint, history) =>
          new SessionFiles(
            endpoint,
            {
              // Alice saves what Bob sends into her inbox; she watches progress in the panel's list only.
              askSave: async (offer) => (asked.push(`file ${offer.name} from ${offer.peerName}`), { path: join(work, 'alice-inbox', offer.name), overwrite: false }),
              showProgress: () => ({ update() {}, close() {} }),
            },
            peerName,
            history,
            quiet,
            64 * 1024 * 1024,
          ),
      );
      void sharer.start();
  }

  /** Bob's browser tab (a certificate the browser does not know is accepted only where asked, as Bob would click through). */
  async function newPage(acceptCertificate = false): Promise<Page> {
    const p = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark', ignoreHTTPSErrors: acceptCertificate })).newPage();
    p.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('request', (r) => requested.push(r.url()));
    await p.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`);
    return p;
  }

  after(async () => {
    sharer?.dispose();
    for (const h of hosts) await h.stop(500).catch(() => undefined);
    await browser?.close();
    alice?.dispose();
    await server?.close();
    for (const c of xclients) c.kill('SIGKILL');
    await display?.stop();
    await pulse?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Alice's link (the password apart) as the web address Bob opens. */
  async function aliceLink(expiresInMs?: number): Promise<{ url: string; password: string }> {
    const link = await alice.createLink(expiresInMs);
    const parsed = parseInvitationLink(formatInvitationLink(link.url, link.expiresAt));
    return { url: browserLink({ ...parsed, secret: undefined }), password: link.secret };
  }

  async function open(url: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(url);
    await page.locator('.join-form').waitFor();
  }

  it('the page is served with a strict Content-Security-Policy and nothing secret in any request', async () => {
    const { url, password } = await aliceLink();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/join#id=[A-Za-z0-9_-]+&expires=\d+$/);
    const response = await fetch(url.split('#')[0]);
    assert.strictEqual(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9_-]+'; /);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.strictEqual(response.headers.get('cross-origin-opener-policy'), 'same-origin');
    // Another site's page cannot open the server's WebSocket through the user's browser.
    const port = new URL(server.url).port;
    const foreign = await page.evaluate((p) => new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${p}`);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    }), port);
    assert.strictEqual(foreign, 'refused');
    // (the browser reports that refusal as a console error)
    problems.length = 0;
    await open(url);
    const id = new URL(url).hash.match(/id=([^&]+)/)![1];
    assert.ok(requested.every((r) => !r.includes(id) && !r.includes(password)), `a request carried the link: ${requested.join(' ')}`);
    // The fragment leaves the address bar once read.
    assert.strictEqual(new URL(page.url()).hash, '');
    await page.screenshot({ path: join(SHOTS, 'join-form.png') });
  });

  it('a wrong password is refused clearly in the page, and an expired link before anything is sent', async () => {
    const { url } = await aliceLink();
    await open(url);
    await page.locator('.join-name').fill('Bob');
    await page.locator('.join-password').fill('not the password');
    await page.locator('.join-connect').click();
    await until(() => text('.join-problem').then((t) => t === 'The password is wrong. Check it with the person who invited you and try again.'), 'the wrong password refused');
    assert.strictEqual(sharer, undefined, 'no session started');
    await page.screenshot({ path: join(SHOTS, 'wrong-password.png') });

    const expired = await aliceLink(1);
    await open(expired.url);
    await until(() => text('.join-problem').then((t) => t === 'This invitation has expired. Ask for a new one.'), 'the expired link refused');
    assert.strictEqual(await page.locator('.join-connect').isDisabled(), true);
    // Without the expiry in the link, the server refuses it all the same.
    await open(expired.url.replace(/&expires=\d+/, ''));
    await page.locator('.join-name').fill('Bob');
    await page.locator('.join-password').fill(expired.password);
    await page.locator('.join-connect').click();
    await until(() => text('.join-problem').then((t) => t === 'This invitation has expired. Ask for a new one.'), 'the server refusing the expired link');
    assert.strictEqual(sharer, undefined, 'no session started');
  });

  it('Bob joins with the password: Alice is asked, says yes, Bob sees her live screen and "Connected to Alice."; chat both ways', async () => {
    const { url, password } = await aliceLink();
    await open(url);
    await page.locator('.join-name').fill('Bob');
    await page.locator('.join-password').fill(password);
    await page.locator('.join-connect').click();
    await until(() => sharer?.model.phase === 'connected', 'Alice connected', 40_000);
    assert.match(asked[0], /^Bob \(guest-[A-Za-z0-9]+\)$/);
    await until(() => text('.session-status .status-line').then((t) => t === 'Connected to Alice.'), 'the status line in Bob\'s page', 30_000);
    assert.strictEqual(await page.locator('.join-overlay').count(), 0);
    await until(() => samplePicture(page).then((p) => p && near(p.rgb, [0x20, 0x40, 0xc0])), 'Alice\'s blue desktop in Bob\'s page', 30_000);
    assert.deepStrictEqual(statuses(sharer!.model.history), ['You allowed Bob to view your screen and chat with you.', 'Connected to Bob.', 'Screen View Only']);

    const input = page.locator('vscode-text-field.chat-input input');
    await input.click();
    await page.keyboard.type('Hi Alice, I am in a browser.');
    await page.keyboard.press('Enter');
    await until(() => sharer!.model.history.some((e) => e.kind === 'message' && e.from === 'peer' && e.author === 'Bob' && e.text === 'Hi Alice, I am in a browser.'), 'Bob\'s message at Alice');
    await sharer!.sendChat('Welcome, Bob.');
    await until(() => page.locator('.chat-history .from-peer .text').last().textContent().then((t) => t === 'Welcome, Bob.'), 'Alice\'s message in Bob\'s page');
    await page.screenshot({ path: join(SHOTS, 'connected.png') });
  });

  it('Take Control: Alice is asked, says yes; Bob\'s keys reach her xterm; ESC on her machine ends it', async () => {
    await page.locator('vscode-button[data-action="takeControl"]').press('Enter');
    await until(() => sharer!.model.control === 'granted', 'control granted at Alice', 20_000);
    assert.match(asked.at(-1)!, /^Bob \(guest-/);
    await until(() => page.locator('.chat-history .entry.status .text').allTextContents().then((t) => t.includes('Alice has allowed you to share control. Click the remote desktop to type; Alice can stop it with ESC.')), 'the grant in Bob\'s page');
    const box = (await page.locator('video').boundingBox())!;
    await page.mouse.click(box.x + (300 / 1280) * box.width, box.y + (150 / 720) * box.height);
    await until(() => text('.keyboard-hint').then((t) => /^Your keyboard and mouse control Alice's computer/.test(t ?? '')), 'the keyboard captured');
    await page.keyboard.type('typed in a browser');
    await page.keyboard.press('Enter');
    await until(() => {
      try {
        return readFileSync(join(work, 'typed.txt'), 'utf8') === 'typed in a browser\n';
      } catch {
        return false;
      }
    }, 'Bob\'s keystrokes in Alice\'s xterm', 20_000);
    await page.screenshot({ path: join(SHOTS, 'in-control.png') });
    await x('xdotool', ['key', 'Escape']);
    await until(() => sharer!.model.control === 'viewOnly', 'control ended by ESC', 10_000);
    await until(() => page.locator('.chat-history .entry.status .text').last().textContent().then((t) => t === 'Screen View Only'), 'Screen View Only in Bob\'s page');
  });

  it('Settings: Bob asks for Low quality from the page; Alice\'s history records it', async () => {
    await page.locator('vscode-button[data-action="settings"]').click();
    await page.locator('.quality-picker').waitFor();
    await page.screenshot({ path: join(SHOTS, 'settings.png') });
    await page.locator('.quality-option[data-preset="Low"]').click();
    await until(() => statuses(sharer!.model.history).includes('Bob asked for Low quality.'), 'the request in Alice\'s history');
    await until(() => text('.notice').then((t) => t === 'Screen quality: Low.'), 'the notice in Bob\'s page');
    assert.strictEqual(sharer!.quality, 'Low');
  });

  it('Send a File both ways: Alice accepts what Bob picks; Bob saves what Alice sends as a verified download', async () => {
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    // Bob's file: 3 MiB of varied bytes, picked with the browser's own file chooser.
    const fromBob = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < fromBob.length; i++) fromBob[i] = (i * 7 + (i >> 10)) & 0xff;
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('vscode-button[data-action="sendFile"]').click()]);
    await chooser.setFiles({ name: 'trace.bin', mimeType: 'application/octet-stream', buffer: fromBob });
    await until(() => {
      try {
        return sha(readFileSync(join(work, 'alice-inbox', 'trace.bin'))) === sha(fromBob);
      } catch {
        return false;
      }
    }, 'Bob\'s file in Alice\'s inbox', 60_000);
    assert.ok(asked.includes('file trace.bin from Bob'));
    await until(() => statuses(sharer!.model.history).some((t) => /^"trace\.bin" \(3\.1 MB\) from Bob was saved to .*trace\.bin; its SHA-256 matched\.$/.test(t)), 'the received line in Alice\'s history');
    await until(() => page.locator('.chat-history .entry.status .text').allTextContents().then((t) => t.some((l) => l === '"trace.bin" (3.1 MB) was sent to Alice; its SHA-256 matched.')), 'the sent line in Bob\'s page');

    // Alice's file: Bob is asked in the page, saves it, and gets exactly her bytes.
    const fromAlice = join(work, 'notes.txt');
    writeFileSync(fromAlice, 'the failing test is test/flaky.test.ts:42\n'.repeat(2000));
    sharer!.files!.send([fromAlice]);
    await page.locator('.file-offer').waitFor();
    assert.match((await text('.file-offer p')) ?? '', /^Alice wants to send you "notes\.txt" \(/);
    await page.screenshot({ path: join(SHOTS, 'file-offer.png') });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('.file-offer .offer-save').click()]);
    assert.strictEqual(download.suggestedFilename(), 'notes.txt');
    assert.strictEqual(sha(readFileSync((await download.path())!)), sha(readFileSync(fromAlice)));
    await until(() => page.locator('.chat-history .entry.status .text').allTextContents().then((t) => t.some((l) => /^"notes\.txt" \(.*\) from Alice was saved to your browser's downloads; its SHA-256 matched\.$/.test(l))), 'the received line in Bob\'s page');
    await page.screenshot({ path: join(SHOTS, 'files.png') });
  });

  it('Start Talking: Bob asks from the page, Alice declines; Alice asks, Bob accepts in the page; each hears the other; Mute silences Bob; Stop Talking ends it', async () => {
    const talk = page.locator('vscode-button[data-action="startTalking"]');
    const pageStatuses = () => page.locator('.chat-history .entry.status .text').allTextContents();
    talkAnswer = false;
    await talk.press('Enter');
    await until(() => pageStatuses().then((t) => t.includes(VoiceTexts.declinedBy('Alice'))), 'Alice\'s No in Bob\'s page', 20_000);
    assert.match(asked.at(-1)!, /^talk Bob/);
    assert.strictEqual(aliceTalk!.current.phase, 'idle');
    talkAnswer = true;

    // Alice asks; the page asks Bob, who accepts.
    aliceTalk!.start();
    await page.locator('.talk-offer').waitFor();
    assert.match((await page.locator('.talk-offer p').textContent())!, /^Alice wants to start a voice conversation\. Do you want to accept\?$/);
    // While the question is open, Start Talking waits for Bob's answer there (it no longer declines unseen).
    await until(() => talk.evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled), 'Start Talking waiting for Bob\'s answer');
    assert.ok((await talk.textContent())?.includes('Start Talking'));
    await page.screenshot({ path: join(SHOTS, 'talk-question.png') });
    await page.locator('.talk-accept').click();
    await until(() => aliceTalk!.current.live, 'Alice\'s audio live', 30_000);
    await until(() => pageStatuses().then((t) => t.includes(VoiceTexts.started('Alice'))), 'the start in Bob\'s page (his microphone open)', 30_000);
    await until(() => talk.textContent().then((t) => t?.includes('Stop Talking') ?? false), 'the Stop Talking button');

    // The toolbar's meters in the page, at their highest while each one speaks.
    await page.evaluate(() => {
      const w = window as unknown as { __meters: Record<string, number>; __meterTimer: ReturnType<typeof setInterval> };
      w.__meters = { local: 0, remote: 0 };
      w.__meterTimer = setInterval(() => {
        for (const side of ['local', 'remote']) {
          const value = Number(document.querySelector(`.talk-meter[data-side="${side}"]`)?.getAttribute('aria-valuenow') ?? 0);
          w.__meters[side] = Math.max(w.__meters[side], value);
        }
      }, 20);
    });
    const toAlice = await hearSentence(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(toAlice.correlation >= HEARD, `Alice hears Bob's browser microphone (correlation ${toAlice.correlation.toFixed(2)}); ${problems.join(' | ')}`);
    const toBob = await hearSentence(pulse, 'sharer_mic_feed', 'sharer_mic', 'helper_speaker.monitor', sentenceA);
    assert.ok(toBob.correlation >= HEARD, `Bob's page plays Alice (correlation ${toBob.correlation.toFixed(2)})`);
    const meters = await page.evaluate(() => {
      const w = window as unknown as { __meters: Record<string, number>; __meterTimer: ReturnType<typeof setInterval> };
      clearInterval(w.__meterTimer);
      return w.__meters;
    });
    console.log(`      mouth-to-ear: Bob→Alice ${toAlice.latencyMs.toFixed(0)} ms, Alice→Bob ${toBob.latencyMs.toFixed(0)} ms; page meters at most ${meters.local}% / ${meters.remote}%`);
    assert.ok(meters.local > 50 && meters.remote > 50, `the page's meters moved with each voice (microphone ${meters.local}%, Alice ${meters.remote}%)`);
    await page.screenshot({ path: join(SHOTS, 'talking.png') });

    // Mute in the page: Alice reads it and hears silence from Bob's microphone; Unmute brings him back.
    await page.locator('vscode-button[data-action="toggleMute"]').press('Enter');
    await until(() => statuses(sharer!.model.history).some((t) => t.endsWith(' muted the microphone.')), 'Alice reading that Bob muted', 20_000);
    const muted = await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(dbfs(muted.mouth) > -40, 'Bob spoke');
    assert.ok(dbfs(muted.ear) < -70, `Alice hears silence while Bob is muted (${dbfs(muted.ear).toFixed(1)} dBFS)`);
    await page.locator('vscode-button[data-action="toggleMute"]').press('Enter');
    await until(() => statuses(sharer!.model.history).some((t) => t.endsWith(' unmuted the microphone.')), 'Alice reading that Bob unmuted', 20_000);
    const unmuted = await hearSentence(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(unmuted.correlation >= HEARD, `Alice hears Bob again after Unmute (correlation ${unmuted.correlation.toFixed(2)})`);

    await talk.press('Enter');
    await until(() => aliceTalk!.current.phase === 'idle' && !aliceTalk!.current.live, 'Alice\'s side stopped', 20_000);
    assert.ok(statuses(sharer!.model.history).some((t) => t.endsWith(' ended the voice conversation.')));
    await until(() => pageStatuses().then((t) => t.includes(VoiceTexts.stopped)), 'the end in Bob\'s page');
    const after = await sayAndHear(pulse, 'helper_mic_feed', 'helper_mic', 'sharer_speaker.monitor', sentenceB);
    assert.ok(dbfs(after.ear) < -70, `Alice hears nothing once Bob stopped (${dbfs(after.ear).toFixed(1)} dBFS)`);
    assert.deepStrictEqual(aliceVoiceErrors, []);
    assert.deepStrictEqual(problems, []);
  });

  it('Disconnect in the page ends the session on both sides, host process included', async () => {
    const host = hosts.at(-1)!;
    await page.locator('vscode-button[data-action="disconnect"]').press('Enter');
    await until(() => sharer!.model.phase === 'ended', 'Alice\'s side ended', 20_000);
    await until(() => host.state === 'exited', 'the host process gone', 10_000);
    await until(() => text('.session-status .status-line').then((t) => t === 'Disconnected from Alice.'), 'the page\'s status line');
    assert.strictEqual(statuses(sharer!.model.history).at(-1), 'Disconnected from Bob.');
    await page.screenshot({ path: join(SHOTS, 'disconnected.png') });
    assert.deepStrictEqual(problems, []);
  });

  it('from the sharer\'s own direct-link server (TLS with its generated certificate): Bob joins, Alice says yes, he sees her screen', async () => {
    const direct = new DirectLinks((client) => client.onDidStartSession((session) => startSharer(session, client)), quiet);
    try {
      const created = await direct.create('Alice', 10 * 60_000, { port: 0, address: '127.0.0.1' });
      assert.match(created.browserLink, /^https:\/\/127\.0\.0\.1:\d+\/join#id=[A-Za-z0-9_-]+&expires=\d+&join=[A-Za-z0-9_-]+$/);
      page = await newPage(true);
      await open(created.browserLink);
      await page.locator('.join-name').fill('Bob');
      await page.locator('.join-password').fill(created.password);
      await page.locator('.join-connect').click();
      await until(() => sharer?.model.phase === 'connected', 'Alice connected over her direct link', 40_000);
      await until(() => text('.session-status .status-line').then((t) => t === 'Connected to Alice.'), 'the status line in Bob\'s page', 30_000);
      await until(() => samplePicture(page).then((p) => p && near(p.rgb, [0x20, 0x40, 0xc0])), 'Alice\'s blue desktop in Bob\'s page', 30_000);
      await page.screenshot({ path: join(SHOTS, 'direct-link.png') });
      await page.locator('vscode-button[data-action="disconnect"]').press('Enter');
      await until(() => sharer!.model.phase === 'ended', 'Alice\'s side ended', 20_000);
      assert.deepStrictEqual(problems, []);
    } finally {
      direct.dispose();
    }
  });

  it('Alice says No: nothing is shared, Bob reads that she did not allow it; the used link is then refused', async () => {
    page = await newPage();
    const before = hosts.length;
    const { url, password } = await aliceLink();
    consent = false;
    try {
      await open(url);
      await page.locator('.join-name').fill('Bob');
      await page.locator('.join-password').fill(password);
      await page.locator('.join-connect').click();
      await until(() => text('.session-status .status-line').then((t) => t === 'Alice did not allow the connection.'), 'the refusal in Bob\'s page', 30_000);
    } finally {
      consent = true;
    }
    assert.strictEqual(hosts.length, before, 'no host process started');
    assert.deepStrictEqual(statuses(sharer!.model.history), ['You did not allow Bob to view your screen.']);
    await page.screenshot({ path: join(SHOTS, 'refused.png') });

    await open(url);
    await page.locator('.join-name').fill('Bob');
    await page.locator('.join-password').fill(password);
    await page.locator('.join-connect').click();
    await until(() => text('.join-problem').then((t) => t === 'This invitation was already used. Ask for a new one.'), 'the used link refused');
    assert.deepStrictEqual(problems, []);
  });

  it('from a team server on the LAN over plain http (not a secure context): the page works, the verification code included; Start Talking says there is no microphone', async () => {
    // a free port, so the server's public address can name it; the browser reaches "lan.test" on loopback
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    const lan = await startServer({ port, logger: quiet, publicUrl: `ws://lan.test:${port}` });
    const carol = new NetworkClient({ logger: quiet });
    const lanBrowser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP lan.test 127.0.0.1'] });
    try {
      await carol.connect(lan.url, { alias: 'carol', displayName: 'Alice' });
      carol.onDidStartSession((session) => startSharer(session, carol));
      const link = await carol.createLink();
      const url = browserLink({ ...parseInvitationLink(formatInvitationLink(link.url, link.expiresAt)), secret: undefined });
      assert.match(url, new RegExp(`^http://lan\\.test:${port}/join#`));
      page = await (await lanBrowser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await open(url);
      assert.strictEqual(await page.evaluate(() => window.isSecureContext), false);
      await page.locator('.join-name').fill('Bob');
      await page.locator('.join-password').fill(link.secret);
      await page.locator('.join-connect').click();
      await until(() => samplePicture(page).then((p) => p && near(p.rgb, [0x20, 0x40, 0xc0])), 'Alice\'s blue desktop in Bob\'s page', 40_000);
      await until(() => sharer?.model.verificationCode !== undefined && text('.verification-code, .session-status').then((t) => t?.includes(sharer!.model.verificationCode!)), 'the same verification code on both sides', 20_000);
      // No microphone outside a secure context: once Alice accepts, the page says why and the conversation ends on both sides.
      await page.locator('vscode-button[data-action="startTalking"]').press('Enter');
      await until(
        () => text('.notice').then((t) => t === 'No microphone for the voice conversation (the browser gives a microphone only to pages over https or from this computer). Allow the microphone for this page, or help from VS Code.'),
        'the page saying no microphone could open',
        20_000,
      );
      await until(() => aliceTalk!.current.phase === 'idle' && !aliceTalk!.current.live, 'Alice\'s side stopped', 20_000);
      assert.ok(statuses(sharer!.model.history).some((t) => t.endsWith(' ended the voice conversation.')));
      await page.screenshot({ path: join(SHOTS, 'talk-no-microphone.png') });
      await page.locator('vscode-button[data-action="disconnect"]').press('Enter');
      await until(() => sharer!.model.phase === 'ended', 'Alice\'s side ended', 20_000);
      assert.deepStrictEqual(problems, []);
    } finally {
      await lanBrowser.close();
      carol.dispose();
      await lan.close();
    }
  });
});
