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

  it('shows the sharer the path:line spans the extension marked as links; a click asks the extension to open it, and a refusal shows beside the box', async () => {
    const text = 'look at src/app.ts:2:11 and <b>../secret.txt:1</b>';
    await h.send({ type: 'chatEntry', sessionId: 'abc12345', entry: { kind: 'message', from: 'peer', author: 'Bob', text, at: Date.now(), codeLinks: [{ start: 8, end: 23 }] } });
    const line = h.page.locator('.chat-history li').last();
    await until(() => line.locator('a.code-link').count().then((n) => n === 1), 'one code link');
    assert.strictEqual(await line.locator('a.code-link').textContent(), 'src/app.ts:2:11');
    assert.strictEqual(await line.locator('.text').textContent(), text, 'the rest stays plain text (no HTML from the peer)');
    assert.strictEqual(await line.locator('b').count(), 0);
    const open = (m: WebviewMessage): m is Extract<WebviewMessage, { type: 'openCodeReference' }> => m.type === 'openCodeReference';
    await line.locator('a.code-link').click();
    const asked = await h.waitFor(open, 'openCodeReference on click');
    assert.strictEqual(asked.text, 'src/app.ts:2:11');
    await h.send({ type: 'reply', requestId: asked.requestId, ok: false, message: 'src/app.ts:2:11 is not a file in your workspace; nothing was opened.' });
    await until(() => h.page.locator('.chat-error').textContent().then((t) => t === 'src/app.ts:2:11 is not a file in your workspace; nothing was opened.'), 'the refusal beside the box');
    assert.deepStrictEqual(h.problems, []);
  });
});
