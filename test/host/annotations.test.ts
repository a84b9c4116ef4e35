/**
 * "Look here" and drawing on the sharer's screen, through the real host process on a real Xvfb display with
 * the viewer page in headless Chromium: an Alt+click puts a pulsing marker at the point on the X display for
 * about 3 s, pen and arrow strokes appear there (and in the helper's picture) and fade, Clear, pause, panic
 * and Disconnect remove them — and none of it is input: no button press reaches the display (XInput 2 raw
 * events) nor the window under the marks, with or without control. A scripted hostile helper's invalid,
 * oversize, off-screen, too long and flooding messages are refused with a code and draw nothing.
 */
import * as assert from 'assert';
import { X11Display } from '../../src/host/x11/X11Display';
import { OVERLAY_COLOR } from '../../src/host/x11/X11Overlay';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { ANNOTATE_SERVICE, ANNOTATION_MAX_POINTS, AnnotationServiceEvent, HostAnnotationMessage } from '../../src/protocol/peer';
import { NodeHelperPeer } from './support/nodePeer';
import { until } from './support/poll';
import { countColour, screenImage } from './support/screenImage';
import { HostRecord, near, startHost, TestDisplay, TestSession, emptyRecord } from './support/session';
import { clickTarget } from './support/testWindows';
import { XProbe } from './support/xprobe';
import { noteAnnotations } from '../../src/session/sharerAnnotations';

const WIDTH = 1024;
const HEIGHT = 700;
const PINK = OVERLAY_COLOR;
const PINK_RGB = [(PINK >> 16) & 0xff, (PINK >> 8) & 0xff, PINK & 0xff];
/** A window under the marks that records the clicks it receives. */
const TARGET = { x: 100, y: 100, width: 600, height: 400, color: 0xd0d0d0 };

/** Pink pixels on the X server's own picture of a screen rectangle. */
async function pinkOnDisplay(x: X11Display, left = 0, top = 0, width = WIDTH, height = HEIGHT): Promise<number> {
  return countColour(await screenImage(x, width, height, left, top), PINK);
}

describe('host: look here and drawing on the sharer screen', function () {
  this.timeout(120_000);
  let display: TestDisplay;
  let x: X11Display;
  let probe: XProbe;
  let clicks: { x: number; y: number }[] = [];

  before(async function () {
    display = await TestDisplay.start(WIDTH, HEIGHT);
    x = await X11Display.connect(display.x.display);
    await display.run('xsetroot', ['-solid', '#2040c0']);
    clicks = clickTarget(x, TARGET);
    probe = await XProbe.open(display.x.display);
    await probe.watchButtons();
    await until('the target window on screen', async () => countColour(await screenImage(x, WIDTH, HEIGHT), TARGET.color) === TARGET.width * TARGET.height);
  });

  after(async function () {
    probe?.close();
    x?.dispose();
    await display?.close();
  });

  describe('from the viewer page', function () {
    let session: TestSession;
    const notes: AnnotationServiceEvent[] = [];
    /** The sharer's history lines, as the sharer's session writes them from the host's events. */
    const history: string[] = [];
    const page = () => session.viewer.page;
    const pagePoint = (sx: number, sy: number) => page().evaluate(([a, b, w, h]) => window.remoteAssist.pagePoint(a, b, w, h), [sx, sy, WIDTH, HEIGHT] as const);

    /** A drag on the desktop from one screen point to another (through `via`), as the helper's mouse does it. */
    async function drag(points: [number, number][]): Promise<void> {
      const [first, ...rest] = points;
      const start = await pagePoint(...first);
      await page().mouse.move(start.x, start.y);
      await page().mouse.down();
      for (const p of rest) {
        const q = await pagePoint(...p);
        await page().mouse.move(q.x, q.y, { steps: 12 });
      }
      await page().mouse.up();
    }

    async function altClick(sx: number, sy: number): Promise<void> {
      const p = await pagePoint(sx, sy);
      await page().keyboard.down('Alt');
      await page().mouse.click(p.x, p.y);
      await page().keyboard.up('Alt');
    }

    before(async function () {
      session = await TestSession.open(display);
      session.supervisor.onService(({ service, message }) => service === ANNOTATE_SERVICE && notes.push(AnnotationServiceEvent.parse(message)));
      noteAnnotations(session.supervisor, 'Bob', (line) => history.push(line), console);
      await until('the regions canvas in the viewer', () => page().evaluate(() => window.remoteAssist.showsCanvas()));
      await until('the target window in the helper picture', async () => near(await session.color(300, 300, 40, 40), [0xd0, 0xd0, 0xd0]));
    });

    after(async function () {
      await session?.close();
    });

    it('Alt+click puts a pulsing marker at the point for about 3 s, without control and without any click', async function () {
      assert.strictEqual(await pinkOnDisplay(x), 0, 'nothing drawn before');
      const [px, py] = [400, 300];
      const asked = performance.now();
      await altClick(px, py);
      await until('the marker at the point on the X display', async () => (await pinkOnDisplay(x, px - 6, py - 6, 12, 12)) >= 36);
      const shown = performance.now();
      // It pulses: the ring around the dot takes different sizes while it shows.
      const sizes = new Set<number>();
      await until('the marker to pulse', async () => {
        sizes.add(await pinkOnDisplay(x, px - 40, py - 40, 80, 80));
        return sizes.size >= 3;
      }, 3_000, 20);
      assert.strictEqual(await pinkOnDisplay(x, 0, 0, WIDTH, py - 40), 0, 'nothing pink away from the point');
      await until('the marker to vanish', async () => (await pinkOnDisplay(x)) === 0, 8_000);
      const lasted = performance.now() - shown;
      console.log(`      marker on the display ${Math.round(shown - asked)} ms after the Alt+click, shown ${Math.round(lasted)} ms, ${sizes.size} ring sizes`);
      assert.ok(lasted > 2_400 && lasted < 4_000, `the marker showed ${Math.round(lasted)} ms`);
      assert.strictEqual(probe.buttonPresses.length, 0, 'no button press reached the display');
      assert.strictEqual(clicks.length, 0, 'the window under the marker got no click');
      await until('the sharer history hears of it', () => notes.some((n) => n.type === 'pointed'));
      assert.deepStrictEqual(history, ['Bob pointed at the screen.']);
      assert.strictEqual(session.record.controls.filter((c) => c.granted).length, 0, 'control was never granted');
    });

    it('draws a pen stroke on the display and in the helper picture, which fades, and is never input', async function () {
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('pen'));
      await drag([[200, 250], [600, 250], [600, 420]]);
      await until('the stroke on the X display', async () => (await pinkOnDisplay(x, 200, 242, 400, 16)) > 380 * 6 && (await pinkOnDisplay(x, 592, 260, 16, 150)) > 140 * 6);
      const shown = performance.now();
      // The helper sees their own stroke in the picture, where the sharer sees it.
      await until('the stroke in the helper picture', async () => near(await session.color(400, 248, 4, 4), PINK_RGB, 24));
      const full = await pinkOnDisplay(x);
      // A one-colour window has no alpha: it fades by thinning (every other row of cells) before it goes.
      await until('the stroke to thin as it fades', async () => {
        const n = await pinkOnDisplay(x);
        return n > 0 && n < full * 0.7;
      }, 8_000);
      const thinAt = performance.now() - shown;
      await until('the stroke to fade', async () => (await pinkOnDisplay(x)) === 0, 10_000);
      const lasted = performance.now() - shown;
      console.log(`      stroke shown ${Math.round(lasted)} ms, thinning from ${Math.round(thinAt)} ms`);
      assert.ok(lasted > 4_000 && lasted < 6_500, `the stroke showed ${Math.round(lasted)} ms`);
      await until('the sharer history hears of drawing', () => notes.some((n) => n.type === 'drawing'));
      assert.deepStrictEqual(history, ['Bob pointed at the screen.', 'Bob is drawing on your screen.']);
      assert.strictEqual(probe.buttonPresses.length, 0, 'no button press reached the display');
      assert.strictEqual(clicks.length, 0, 'the window under the stroke got no click');
    });

    it('draws an arrow with its head at the end; Clear removes it at once', async function () {
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('arrow'));
      await drag([[200, 450], [350, 460], [500, 450]]);
      await until('the arrow on the X display', async () => (await pinkOnDisplay(x, 220, 442, 250, 16)) > 240 * 6);
      // Its head: two short lines back from the tip, above and below the shaft.
      assert.ok((await pinkOnDisplay(x, 470, 432, 26, 12)) > 0, 'the upper side of the head');
      assert.ok((await pinkOnDisplay(x, 470, 458, 26, 12)) > 0, 'the lower side of the head');
      // The arrow goes from the first point to the last: nothing where the drag passed in between.
      assert.strictEqual(await pinkOnDisplay(x, 340, 458, 20, 10), 0);
      const cleared = performance.now();
      await page().evaluate(() => window.remoteAssist.clearAnnotations());
      await until('no mark after Clear', async () => (await pinkOnDisplay(x)) === 0, 3_000, 10);
      console.log(`      cleared in ${Math.round(performance.now() - cleared)} ms`);
      assert.strictEqual(probe.buttonPresses.length, 0);
    });

    it('with control granted, an Alt+click and a drawing still never become input (a plain click does)', async function () {
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('off'));
      const before = session.record.controlRequests;
      await page().evaluate(() => window.remoteAssist.requestControl());
      await until('the control request', () => session.record.controlRequests > before);
      session.supervisor.grantControl();
      await until('control in the viewer', async () => (await session.viewerEvents('control')).some((e) => e.granted === true));
      await altClick(300, 200);
      await until('the marker on the display', async () => (await pinkOnDisplay(x, 294, 194, 12, 12)) >= 36);
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('pen'));
      await drag([[150, 350], [450, 350]]);
      await until('the stroke on the display', async () => (await pinkOnDisplay(x, 160, 342, 280, 16)) > 270 * 6);
      assert.strictEqual(probe.buttonPresses.length, 0, 'no button press while pointing or drawing under control');
      assert.strictEqual(clicks.length, 0);
      // The same desktop does take input in control: the detection works.
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('off'));
      const p = await pagePoint(650, 450);
      await page().mouse.click(p.x, p.y);
      await until('the plain click in the window', () => clicks.some((c) => c.x === 650 && c.y === 450));
      assert.ok(probe.buttonPresses.length > 0);
      session.supervisor.revokeControl();
      await page().evaluate(() => window.remoteAssist.clearAnnotations());
      await until('no mark after Clear', async () => (await pinkOnDisplay(x)) === 0);
    });

    it('panic clears every mark and refuses new ones until sharing resumes', async function () {
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('pen'));
      await drag([[200, 300], [500, 300]]);
      await until('the stroke on the display', async () => (await pinkOnDisplay(x)) > 0);
      session.supervisor.panic();
      await until('no mark after panic', async () => (await pinkOnDisplay(x)) === 0, 3_000, 10);
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('off'));
      await altClick(400, 300);
      const refused = await until('the refusal in the viewer', async () => (await session.viewerEvents('annotationRefused')).find((e) => e.code === 'ERR_ANNOTATION_PAUSED'));
      assert.ok(refused);
      assert.strictEqual(await pinkOnDisplay(x), 0, 'nothing drawn while paused');
      const resumed = new Promise<void>((resolve) => session.supervisor.onPaused((paused) => paused || resolve()));
      session.supervisor.setPaused(false);
      await resumed;
      await altClick(400, 300);
      await until('a marker again after resuming', async () => (await pinkOnDisplay(x, 394, 294, 12, 12)) >= 36);
    });

    it('Disconnect removes the marks at once', async function () {
      await page().evaluate(() => window.remoteAssist.setAnnotationMode('pen'));
      await drag([[200, 200], [500, 200]]);
      await until('the stroke on the display', async () => (await pinkOnDisplay(x, 200, 196, 300, 8)) > 0);
      const started = performance.now();
      const stopped = session.supervisor.stop();
      await until('no mark after Disconnect', async () => (await pinkOnDisplay(x)) === 0, 3_000, 10);
      console.log(`      marks gone ${Math.round(performance.now() - started)} ms after Disconnect`);
      await stopped;
    });
  });

  describe('against a hostile helper', function () {
    let supervisor: HostSupervisor;
    let helper: NodeHelperPeer;
    const record: HostRecord = emptyRecord();
    const answers = () => (helper.received.annotate ?? []).map((m) => HostAnnotationMessage.parse(JSON.parse(m)));

    /** Sends one raw message and waits for the host's coded answer. */
    async function refusedWith(data: string): Promise<string> {
      const before = answers().length;
      helper.send('annotate', data);
      const answer = await until('the host to answer', () => answers()[before]);
      return answer.code;
    }

    before(async function () {
      helper = new NodeHelperPeer((payload) => supervisor.signal(payload));
      supervisor = await startHost(display, (payload) => helper.signal(payload), record);
      await until('the helper to connect', () => helper.connected && record.connected, 30_000);
      await until('the annotate channel to open', () => helper.channels.get('annotate')?.readyState === 'open');
    });

    after(async function () {
      helper?.destroy();
      await supervisor?.stop().catch(() => undefined);
      supervisor?.dispose();
    });

    it('accepts at most 10 marks a second and refuses the rest', async function () {
      const spot = (i: number) => [40 + (i % 15) * 64, 560 + Math.floor(i / 15) * 80] as const;
      for (let i = 0; i < 30; i++) helper.send('annotate', JSON.stringify({ type: 'lookHere', x: spot(i)[0], y: spot(i)[1] }));
      await until('the flood refused', () => answers().filter((a) => a.code === 'ERR_ANNOTATION_FLOOD').length === 10);
      // Each marker's dot sits on its own point: the first ten are drawn, none of the rest.
      const drawn = async () => {
        const image = await screenImage(x, WIDTH, HEIGHT);
        return Array.from({ length: 30 }, (_, i) => pinkAt(image, spot(i)[0], spot(i)[1]));
      };
      const first = await until('the first ten markers on the display', async () => {
        const dots = await drawn();
        return dots.slice(0, 10).every(Boolean) && dots;
      });
      assert.deepStrictEqual(first.slice(10), Array(20).fill(false), 'no marker past the tenth');
      await until('the markers to vanish', async () => (await pinkOnDisplay(x)) === 0, 8_000);
    });

    it('refuses invalid, oversize, off-screen and too long marks with a code, and draws nothing', async function () {
      const presses = probe.buttonPresses.length;
      assert.strictEqual(await refusedWith('not json'), 'ERR_PEER_PROTOCOL');
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'pointerButton', button: 'left', down: true, x: 10, y: 10 })), 'ERR_PEER_PROTOCOL');
      const tooMany = Array.from({ length: ANNOTATION_MAX_POINTS + 1 }, (_, i) => [i, 300]);
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'stroke', tool: 'pen', points: tooMany })), 'ERR_PEER_PROTOCOL');
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'stroke', tool: 'pen', points: [[1.5, 2]] })), 'ERR_PEER_PROTOCOL');
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'lookHere', x: 10, y: 10, pad: 'x'.repeat(10_000) })), 'ERR_PEER_PROTOCOL');
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'lookHere', x: WIDTH, y: 10 })), 'ERR_ANNOTATION_OFF_SCREEN');
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'stroke', tool: 'pen', points: [[10, 10], [500, 10], [500, HEIGHT + 5]] })), 'ERR_ANNOTATION_OFF_SCREEN');
      // Corner to corner, over and over: far longer than a stroke may be.
      const zigzag = Array.from({ length: ANNOTATION_MAX_POINTS }, (_, i) => (i % 2 ? [WIDTH - 1, HEIGHT - 1] : [0, 0]));
      assert.strictEqual(await refusedWith(JSON.stringify({ type: 'stroke', tool: 'pen', points: zigzag })), 'ERR_ANNOTATION_TOO_LONG');
      assert.ok(record.errors.some((e) => e.code === 'ERR_PEER_PROTOCOL' && !e.fatal), 'the extension hears of the bad input');
      assert.strictEqual(await pinkOnDisplay(x), 0, 'nothing was drawn');
      assert.strictEqual(probe.buttonPresses.length, presses, 'no input either');
    });

  });
});

/** Whether the screen image (BGRX, WIDTH wide) is pink at (px, py). */
function pinkAt(image: Buffer, px: number, py: number): boolean {
  const i = (py * WIDTH + px) * 4;
  return image[i] === (PINK & 0xff) && image[i + 1] === ((PINK >> 8) & 0xff) && image[i + 2] === ((PINK >> 16) & 0xff);
}
