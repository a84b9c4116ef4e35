/**
 * Pointing and drawing from the Remote Assistance panel (same HTML, CSP and bundle as in VS Code) in headless
 * Chromium, with a real WebRTC peer as the sharer: Pen and Arrow in the desktop header are off until
 * connected, a drag in Pen or Arrow sends one stroke in screen coordinates and no input, Alt+click sends
 * "look here" and no input, Clear clears, and the sharer's refusal shows as a notice.
 */
import assert from 'assert';
import type { SessionView, WebviewMessage } from '../../src/protocol/webview';
import type { AnnotationMessage } from '../../src/protocol/peer';
import { ScreenPeer } from './support/ScreenPeer';
import { until, WebviewHarness } from './support/WebviewHarness';

const view = (over: Partial<SessionView>): SessionView => ({
  sessionId: 'session-1',
  role: 'helper',
  peerName: 'Alice',
  phase: 'connected',
  control: 'viewOnly',
  statusLine: 'Connected to Alice.',
  history: [],
  ...over,
});

const is =
  <T extends WebviewMessage['type']>(type: T) =>
  (m: WebviewMessage): m is Extract<WebviewMessage, { type: T }> =>
    m.type === type;

describe('panel: pointing and drawing on the sharer screen (headless Chromium, real WebRTC)', function () {
  this.timeout(90_000);
  let h: WebviewHarness;
  let sharer: ScreenPeer;
  const marks = () => sharer.annotations as AnnotationMessage[];
  const buttons = () => (sharer.inputs as { type: string }[]).filter((m) => m.type === 'pointerButton');
  const pointer = () => (sharer.inputs as { type: string }[]).filter((m) => m.type === 'pointerButton' || m.type === 'pointerMove');

  /** Page point of a screen point of the sharer's 640×360 screen. */
  async function at(sx: number, sy: number): Promise<{ x: number; y: number }> {
    const box = (await h.page.locator('.ra-stage').boundingBox())!;
    return { x: box.x + ((sx + 0.5) / sharer.width) * box.width, y: box.y + ((sy + 0.5) / sharer.height) * box.height };
  }

  before(async () => {
    h = await WebviewHarness.open('panel');
    await h.send({ type: 'state', view: view({ phase: 'consent', statusLine: 'Waiting for Alice…' }) });
    assert.strictEqual(await h.page.locator('vscode-button[data-annotate="pen"]').getAttribute('disabled'), '', 'Pen is off before connecting');
    sharer = new ScreenPeer((payload) => void h.send({ type: 'viewerSignal', payload }));
    const relay = setInterval(() => {
      for (const m of h.received.filter(is('viewerSignal'))) {
        h.received.splice(h.received.indexOf(m), 1);
        sharer.signal(m.payload);
      }
    }, 20);
    try {
      await h.waitFor(is('viewerConnected'), 'the viewer to connect', 30_000);
    } finally {
      clearInterval(relay);
    }
    await h.send({ type: 'state', view: view({}) });
    await until(() => h.page.locator('vscode-button[data-annotate="pen"]').getAttribute('disabled').then((d) => d === null), 'Pen to be enabled once connected');
    // In control, so that anything the marks let through would be input.
    sharer.sendControl({ type: 'controlState', granted: true, reason: 'granted' });
    await h.waitFor((m): m is Extract<WebviewMessage, { type: 'viewerControl' }> => m.type === 'viewerControl' && m.granted, 'control in the viewer');
  });
  after(async () => {
    sharer?.destroy();
    await h?.close();
  });

  it('Pen: a drag on the desktop sends one stroke in screen coordinates, and no input', async () => {
    const pen = h.page.locator('vscode-button[data-annotate="pen"]');
    await pen.click();
    assert.strictEqual(await pen.getAttribute('aria-pressed'), 'true');
    const from = await at(100, 100);
    const to = await at(300, 200);
    await h.page.mouse.move(from.x, from.y);
    await h.page.mouse.down();
    await h.page.mouse.move(to.x, to.y, { steps: 10 });
    await h.page.mouse.up();
    const stroke = await until(() => marks().find((m) => m.type === 'stroke'), 'the stroke at the sharer');
    assert.ok(stroke.type === 'stroke' && stroke.tool === 'pen');
    const [first, last] = [stroke.points[0], stroke.points[stroke.points.length - 1]];
    assert.ok(Math.abs(first[0] - 100) <= 2 && Math.abs(first[1] - 100) <= 2, `starts at ${first}`);
    assert.ok(Math.abs(last[0] - 300) <= 2 && Math.abs(last[1] - 200) <= 2, `ends at ${last}`);
    assert.ok(stroke.points.length >= 5, `${stroke.points.length} points along the drag`);
    assert.deepStrictEqual(pointer(), [], 'drawing is not input, not even a pointer move');
  });

  it('Arrow sends the first and last point; Clear clears', async () => {
    await h.page.locator('vscode-button[data-annotate="arrow"]').click();
    assert.strictEqual(await h.page.locator('vscode-button[data-annotate="pen"]').getAttribute('aria-pressed'), 'false');
    const from = await at(50, 300);
    const to = await at(400, 60);
    await h.page.mouse.move(from.x, from.y);
    await h.page.mouse.down();
    await h.page.mouse.move(to.x, to.y, { steps: 10 });
    await h.page.mouse.up();
    const arrow = await until(() => marks().find((m) => m.type === 'stroke' && m.tool === 'arrow'), 'the arrow at the sharer');
    assert.ok(arrow.type === 'stroke' && arrow.points.length === 2);
    await h.page.locator('vscode-button[data-annotate="clear"]').click();
    await until(() => marks().some((m) => m.type === 'clear'), 'Clear at the sharer');
    // Arrow pressed again: back to pointer input.
    await h.page.locator('vscode-button[data-annotate="arrow"]').click();
    assert.strictEqual(await h.page.locator('.ra-annotations').count(), 0, 'no drawing layer once off');
  });

  it('Alt+click sends "look here" at the point and no input; a refusal shows as a notice', async () => {
    const p = await at(320, 180);
    await h.page.keyboard.down('Alt');
    await h.page.mouse.click(p.x, p.y);
    await h.page.keyboard.up('Alt');
    const look = await until(() => marks().find((m) => m.type === 'lookHere'), 'look here at the sharer');
    assert.ok(look.type === 'lookHere' && Math.abs(look.x - 320) <= 2 && Math.abs(look.y - 180) <= 2, JSON.stringify(look));
    assert.deepStrictEqual(buttons(), [], 'pointing is no click');
    // Without Alt the same click is input (control is granted): the check above can see one.
    await h.page.mouse.click(p.x, p.y);
    await until(() => buttons().length === 2, 'the plain click as input');
    sharer.send('annotate', JSON.stringify({ type: 'refused', code: 'ERR_ANNOTATION_PAUSED', message: 'The sharer paused sharing.' }));
    await until(() => h.page.locator('.notice').textContent().then((t) => t === "Not shown on the sharer's screen: The sharer paused sharing."), 'the notice');
  });
});
