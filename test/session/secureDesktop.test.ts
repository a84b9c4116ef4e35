/**
 * Windows' secure desktop (a User Account Control prompt) as Alice and Bob live it, every part real (TwoParties):
 * Alice's host runs the libnut backend Windows uses, on X11, with the platform taken as win32 for this test only
 * (REMOTE_ASSIST_TEST_PLATFORM), and her screen is blacked out by a black full-screen window — what libnut grabs
 * while the prompt is up. Bob's panel status and both histories say so, and say when the screen is back.
 */
import assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { SessionTexts as T } from '../../src/session/SessionTexts';
import { statuses, TwoParties } from './support/TwoParties';
import { until } from '../webview/support/WebviewHarness';
import { near, samplePicture } from '../webview/support/helperPicture';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'session');

describe('the Windows secure desktop (UAC) hides Alice\'s screen: both sides are told', function () {
  this.timeout(120_000);
  let t: TwoParties;
  let prompt: ChildProcess | undefined;

  before(async () => {
    t = await TwoParties.connect({ hostEnv: { REMOTE_ASSIST_CAPTURE: 'libnut', REMOTE_ASSIST_TEST_PLATFORM: 'win32' } });
  });
  after(async () => {
    prompt?.kill('SIGKILL');
    await t?.dispose();
  });

  it('says it in Bob\'s panel status and both histories while the screen is black, and clears it when frames return', async () => {
    assert.ok(!statuses(t.helper.model.history).includes(T.screenHiddenBySecureDesktop('Alice')), 'nothing said while the desktop shows');
    // Black everywhere, text cursor included, no scroll bar or border: what libnut gets during a UAC prompt.
    prompt = spawn('xterm', ['-name', 'uacblack', '-geometry', '300x100+0+0', '-bg', 'black', '-fg', 'black', '-cr', 'black', '-b', '0', '+sb'], { env: t.env(), stdio: 'ignore' });
    await until(() => t.panelStatus().then((s) => s === T.screenHiddenBySecureDesktop('Alice')), "Bob's panel status", 20_000);
    assert.strictEqual(T.screenHiddenBySecureDesktop('Alice'), "Alice's screen is hidden by a Windows security prompt (User Account Control). It comes back when the prompt is answered.");
    await until(() => t.sharer.model.screenHidden, "Alice's side told", 10_000);
    assert.ok(statuses(t.sharer.model.history).includes(T.screenHiddenBySecureDesktopSharer('Bob')));
    mkdirSync(SHOTS, { recursive: true });
    await t.panel.page.screenshot({ path: join(SHOTS, 'helper-secure-desktop.png') });
    const picture = await samplePicture(t.panel.page);
    assert.ok(picture && near(picture.rgb, [0, 0, 0], 10), `Bob sees black, as on Windows (${JSON.stringify(picture?.rgb)})`);

    prompt.kill('SIGKILL');
    await until(() => t.panelStatus().then((s) => s === T.connected('Alice')), "Bob's status line back to normal", 20_000);
    assert.ok(statuses(t.helper.model.history).includes(T.screenBack('Alice')));
    await until(() => !t.sharer.model.screenHidden, "Alice's side told it is back", 10_000);
    assert.ok(statuses(t.sharer.model.history).includes(T.screenBackSharer('Bob')));
    await until(() => t.seesDesktop(), "Alice's desktop in Bob's panel again", 20_000);
    assert.deepStrictEqual(statuses(t.helper.model.history).filter((l) => l.includes('screen is')), [T.screenHiddenBySecureDesktop('Alice'), T.screenBack('Alice')]);
  });
});
