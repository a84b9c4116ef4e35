/**
 * The helper's panel never sits blank: in the built panel (headless Chromium) the phase card says what is
 * happening and what the helper can do next at every phase, its button does that through the toolbar's
 * own request, and every toolbar button has its "Click this button to …" tooltip. Screenshots of each
 * phase go to test-results/webview/.
 */
import assert from 'assert';
import { mkdirSync } from 'fs';
import { join } from 'path';
import type { SessionView, WebviewMessage } from '../../src/protocol/webview';
import { until, WebviewHarness } from './support/WebviewHarness';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');

function view(over: Partial<SessionView>): SessionView {
  return { sessionId: 'session-1', role: 'helper', peerName: 'Alice', phase: 'consent', control: 'viewOnly', statusLine: '', history: [], ...over };
}

const isToolbar = (m: WebviewMessage): m is Extract<WebviewMessage, { type: 'toolbar' }> => m.type === 'toolbar';

describe('Remote Assistance panel: the phase card and toolbar tooltips (headless Chromium)', function () {
  this.timeout(60_000);
  let h: WebviewHarness;
  const card = () => h.page.locator('.phase-card');

  async function showPhase(next: SessionView | null, phase: string, title: RegExp): Promise<void> {
    await h.send({ type: 'state', view: next });
    await until(async () => (await card().getAttribute('data-phase')) === phase && title.test((await card().locator('.phase-card-title').textContent()) ?? ''), `the ${phase} card`);
    assert.ok(await card().isVisible(), `the ${phase} card is visible`);
    await h.page.screenshot({ path: join(SHOTS, `phase-${phase}.png`) });
  }

  /** The card's button is shown with `label` and presses `action` through the toolbar request. */
  async function pressCardButton(label: string, action: string): Promise<void> {
    const button = card().locator('.phase-card-action');
    assert.strictEqual((await button.textContent())?.trim(), label);
    await button.click();
    const press = await h.waitFor(isToolbar, `the ${label} press`);
    assert.strictEqual(press.action, action);
    await h.send({ type: 'reply', requestId: press.requestId, ok: true });
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await WebviewHarness.open('panel');
  });
  after(async () => {
    await h?.close();
  });

  it('says there is no session before one starts', async () => {
    await showPhase(null, 'none', /^No Remote Assistance session$/);
    assert.ok(await card().locator('.phase-card-action').isHidden());
  });

  it('waits for the sharer, with Cancel', async () => {
    await showPhase(view({ phase: 'consent' }), 'waiting', /^Waiting for Alice to say yes$/);
    assert.match((await card().locator('.phase-card-detail').textContent()) ?? '', /Nothing is shown until Alice answers/);
    await pressCardButton('Cancel', 'disconnect');
  });

  it('says plainly when the sharer said no, and what the helper can do', async () => {
    await showPhase(view({ phase: 'ended', ending: 'refused' }), 'refused', /^Alice said no$/);
    assert.match((await card().locator('.phase-card-detail').textContent()) ?? '', /ask Alice to send you a new invitation/);
    assert.ok(await card().locator('.phase-card-action').isHidden());
  });

  it('connects, with Disconnect', async () => {
    await showPhase(view({ phase: 'connecting' }), 'connecting', /^Connecting to Alice…$/);
    await pressCardButton('Disconnect', 'disconnect');
  });

  it('shrinks to one line above the picture once connected, never covering it', async () => {
    await showPhase(view({ phase: 'connected' }), 'connected', /^Connected to Alice/);
    const [cardBox, desktopBox] = await Promise.all([card().boundingBox(), h.page.locator('.desktop').boundingBox()]);
    assert.ok(cardBox && desktopBox && cardBox.y + cardBox.height <= desktopBox.y + 0.5, `card ${JSON.stringify(cardBox)} above the desktop ${JSON.stringify(desktopBox)}`);
    assert.ok(cardBox.height < 40, `one line: ${cardBox.height}px`);
    await h.send({ type: 'state', view: view({ phase: 'connected', control: 'granted' }) });
    await until(async () => /^You control Alice's computer$/.test((await card().locator('.phase-card-title').textContent()) ?? ''), 'the controlling hint');
  });

  it('reconnects, with Disconnect', async () => {
    await showPhase(view({ phase: 'reconnecting' }), 'reconnecting', /^Connection lost — reconnecting…$/);
    await pressCardButton('Disconnect', 'disconnect');
  });

  it('says when the session ended', async () => {
    await showPhase(view({ phase: 'ended', ending: 'me' }), 'ended', /^Disconnected from Alice$/);
  });

  it('has a "Click this button to …" tooltip on every toolbar button', async () => {
    await h.send({ type: 'state', view: view({ phase: 'connected' }) });
    await until(async () => (await card().getAttribute('data-phase')) === 'connected', 'connected');
    const tips = await h.page.locator('.toolbar vscode-button, vscode-button.scale').evaluateAll((buttons) => buttons.map((b) => [b.getAttribute('aria-label'), b.getAttribute('title')]));
    assert.ok(tips.length >= 8, `buttons: ${JSON.stringify(tips)}`);
    for (const [label, title] of tips) assert.match(title ?? '', /^Click this button to /, `${label}: ${title}`);
    assert.deepStrictEqual(tips[0], ['Take Control', 'Click this button to take control of the remote computer.']);
  });
});
