/**
 * Windows' secure desktop (a UAC prompt) as the helper and the sharer meet it, on X11: the libnut backend
 * (what Windows uses) with the platform taken as win32 for this test only (REMOTE_ASSIST_TEST_PLATFORM), and the
 * screen blacked out by a black full-screen window — what libnut grabs while the prompt is up. The host tells
 * the extension and, over the control channel, the helper's viewer; both hear when the screen is back.
 */
import * as assert from 'assert';
import { near, TEST_QUALITY, TestDisplay, TestSession } from './support/session';
import { until } from './support/poll';

describe('host: the Windows secure desktop (UAC) blacks the capture out, and both sides are told', function () {
  this.timeout(90_000);
  let display: TestDisplay;
  let session: TestSession;
  const hostSaid: boolean[] = [];
  const viewerSaid = async () => (await session.viewerEvents('screenHidden')).map((e) => e.hidden);

  before(async function () {
    display = await TestDisplay.start(640, 400);
    // The sharer's desktop: a blue window on the black root
    await display.xterm(['-geometry', '80x24+150+100', '-bg', '#2040c0', '-fg', '#2040c0', '-cr', '#2040c0'], 'desktop');
    session = await TestSession.open(display, TEST_QUALITY, { REMOTE_ASSIST_CAPTURE: 'libnut', REMOTE_ASSIST_TEST_PLATFORM: 'win32' });
    session.supervisor.onScreenHidden((hidden) => hostSaid.push(hidden));
  });

  after(async function () {
    await session?.close();
    await display?.close();
  });

  it('says nothing while the desktop shows', async function () {
    await until('the blue desktop', async () => near(await session.color(300, 200, 40, 40), [0x20, 0x40, 0xc0]));
    assert.deepStrictEqual(hostSaid, []);
    assert.deepStrictEqual(await viewerSaid(), []);
  });

  it('a black screen (the secure desktop) is reported as hidden to the extension and the helper, and its end too', async function () {
    // Black everywhere, text cursor included, no scroll bar or border: what libnut gets during a UAC prompt.
    const prompt = await display.xterm(['-geometry', '200x100+0+0', '-bg', 'black', '-fg', 'black', '-cr', 'black', '-b', '0', '+sb'], 'uacblack');
    await until('the host to report the screen hidden', () => hostSaid.includes(true), 15_000);
    await until("the helper's viewer to hear it", async () => (await viewerSaid()).includes(true), 15_000);
    assert.deepStrictEqual(hostSaid, [true]);
    assert.ok(near(await session.color(300, 200, 40, 40), [0, 0, 0], 8), 'the helper sees black, as on Windows');
    prompt.kill('SIGKILL');
    await until('the host to report the screen back', () => hostSaid.at(-1) === false, 15_000);
    await until("the helper's viewer to hear it", async () => (await viewerSaid()).at(-1) === false, 15_000);
    assert.deepStrictEqual(hostSaid, [true, false]);
    assert.deepStrictEqual(await viewerSaid(), [true, false]);
    await until('the desktop back in the picture', async () => near(await session.color(300, 200, 40, 40), [0x20, 0x40, 0xc0]));
  });
});
