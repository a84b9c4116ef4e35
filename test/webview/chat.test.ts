/** The sidebar chat view as built for VS Code, in headless Chromium with a stand-in for the VS Code API bridge. */
import assert from 'assert';
import { mkdirSync } from 'fs';
import { join } from 'path';
import type { SessionView, WebviewMessage } from '../../src/protocol/webview';
import { until, WebviewHarness } from './support/WebviewHarness';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');
const sendChat = (m: WebviewMessage): m is Extract<WebviewMessage, { type: 'sendChat' }> => m.type === 'sendChat';

describe('sidebar chat view (headless Chromium)', function () {
  this.timeout(60_000);
  let h: WebviewHarness;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await WebviewHarness.open('chat', { width: 360, height: 520 });
  });
  after(() => h?.close());

  it('says there is no session, with the message box disabled', async () => {
    assert.match((await h.page.locator('.status-line').textContent()) ?? '', /^No Remote Assistance session/);
    assert.strictEqual(await h.page.locator('vscode-text-field.chat-input').evaluate((e) => (e as HTMLInputElement).disabled), true);
  });

  it('shows the sharer\'s history and sends on ENTER', async () => {
    const now = Date.now();
    const view: SessionView = {
      sessionId: 'abc12345',
      role: 'sharer',
      peerName: 'Bob',
      phase: 'connected',
      control: 'viewOnly',
      statusLine: 'Connected to Bob.',
      history: [
        { kind: 'status', text: 'You allowed Bob to view your screen and chat with you.', at: now },
        { kind: 'status', text: 'Connected to Bob.', at: now },
        { kind: 'status', text: 'Screen View Only', at: now },
        { kind: 'message', from: 'peer', author: 'Bob', text: 'Hi Alice, I can see your screen.', at: now },
      ],
    };
    await h.send({ type: 'state', view });
    await until(() => h.page.locator('.chat-history li').count().then((n) => n === 4), 'four history lines');
    const input = h.page.locator('vscode-text-field.chat-input input');
    await input.focus();
    await h.page.keyboard.type('The tests fail in CI only');
    await h.page.keyboard.press('Enter');
    const sent = await h.waitFor(sendChat, 'sendChat on ENTER');
    assert.strictEqual(sent.text, 'The tests fail in CI only');
    await h.send({ type: 'reply', requestId: sent.requestId, ok: true });
    await h.send({ type: 'chatEntry', sessionId: 'abc12345', entry: { kind: 'message', from: 'me', author: 'Alice', text: sent.text, at: Date.now() } });
    // An entry of another session never shows here.
    await h.send({ type: 'chatEntry', sessionId: 'other000', entry: { kind: 'message', from: 'peer', author: 'Eve', text: 'not for you', at: Date.now() } });
    await until(() => h.page.locator('.chat-history .from-me .text').textContent().then((t) => t === 'The tests fail in CI only'), 'my message in the history');
    assert.strictEqual(await h.page.locator('.chat-history li').count(), 5);
    // Whitespace only sends nothing.
    await h.page.keyboard.type('   ');
    await h.page.keyboard.press('Enter');
    await h.page.screenshot({ path: join(SHOTS, 'chat-view.png') });
    assert.strictEqual(h.received.filter(sendChat).length, 0);
    assert.deepStrictEqual(h.problems, []);
  });
});
