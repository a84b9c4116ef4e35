/**
 * Fuzz: the webview seam, both ends. The real panel and chat pages (production HTML and CSP, headless
 * Chromium) receive random and mutated extension messages posted as VS Code would post them, unvalidated;
 * the extension's WebviewRouter receives random and mutated page messages. Every refused message must be
 * answered where the seam answers (the panel reports each one with its code; the router answers each
 * refused request with a coded reply), no page error, memory flat, and both ends still work afterwards.
 */
import assert from 'assert';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import type { ExtensionMessage, WebviewMessage as WebviewMessageType } from '../../src/protocol/webview';
import { ExtensionMessage as ExtensionMessageSchema, RequestId, WebviewMessage } from '../../src/protocol/webview';
import { parseMessage } from '../../src/protocol/validate';
import type { ActiveSession } from '../../src/session/ActiveSession';
import { AssistanceSession } from '../../src/session/AssistanceSession';
import { SessionFeatures } from '../../src/session/SessionFeatures';
import { ToolbarDispatch } from '../../src/views/ToolbarDispatch';
import { WebviewRouter } from '../../src/views/WebviewRouter';
import { until, WebviewHarness } from '../webview/support/WebviewHarness';
import { mutatedObjects, replay, sample } from './support/mutants';
import { pageHeapMB } from './support/pageHeap';

const PAGE_MESSAGES = Number(process.env.FUZZ_PAGE_MESSAGES ?? 1200);
const ROUTER_MESSAGES = Number(process.env.FUZZ_ROUTER_MESSAGES ?? 4000);
const MAX_PAGE_HEAP_GROWTH_MB = 24;
const MAX_ROUTER_HEAP_GROWTH_MB = 16;

const at = 1_700_000_000_000;
const view = {
  sessionId: 's-1',
  role: 'helper',
  peerName: 'Alice',
  phase: 'connected',
  control: 'viewOnly',
  statusLine: 'Connected to Alice.',
  history: [{ kind: 'status', text: 'Connected to Alice.', at }],
};
const transfer = { key: 'in-1', direction: 'receive', name: 'notes.txt', size: 10, state: 'transferring', bytes: 5, bytesPerSecond: 100 };
const VALID_TO_PAGE: object[] = [
  { type: 'state', view },
  { type: 'state', view: null },
  { type: 'chatEntry', sessionId: 's-1', entry: { kind: 'message', from: 'peer', author: 'Alice', text: 'hi', at } },
  { type: 'chatEntry', sessionId: 's-1', entry: { kind: 'status', text: 'Screen View Only', at } },
  { type: 'reply', requestId: 1, ok: false, message: 'no', code: 'ERR_MALFORMED' },
  { type: 'notice', text: 'Send a File is not available yet.' },
  { type: 'viewerSignal', payload: { type: 'offer', sdp: 'v=0\r\n' } },
  { type: 'viewerSendChat', text: 'hello' },
  { type: 'viewerRequestControl' },
  { type: 'viewerReleaseControl' },
  { type: 'talkState', talk: { phase: 'talking', muted: false, peerMuted: false, micMode: 'open', talkHeld: false, local: 0.5, remote: 0.2 } },
  { type: 'viewerVoicePeer', message: { type: 'talkRequest' } },
  { type: 'viewerVoicePcm', pcm: 'AAAA' },
  { type: 'viewerFilesSendText', text: '{"type":"done","id":1}' },
  { type: 'viewerFilesProgress', transfer },
];

const VALID_FROM_PAGE: object[] = [
  { type: 'ready' },
  { type: 'sendChat', requestId: 1, text: 'hello' },
  { type: 'toolbar', requestId: 2, action: 'help' },
  { type: 'toolbar', requestId: 3, action: 'takeControl' },
  { type: 'viewerSignal', payload: { type: 'answer', sdp: 'v=0\r\n' } },
  { type: 'viewerConnected' },
  { type: 'viewerDisconnected', reason: 'gone' },
  { type: 'viewerChat', text: 'hi' },
  { type: 'viewerControl', granted: true, reason: 'granted' },
  { type: 'viewerError', message: 'ERR_MALFORMED: bad' },
  { type: 'viewerVoicePeer', message: { type: 'talkStop' } },
  { type: 'viewerVoiceError', code: 'ERR_WEBRTC', message: 'no' },
  { type: 'viewerFilesOpen' },
  { type: 'viewerFilesText', text: '{"type":"done","id":1}' },
  { type: 'viewerFilesDrained', sent: 1, bufferedAmount: 0 },
  { type: 'viewerFilesDropped', uris: ['file:///tmp/a.txt'] },
];

function refused(schema: typeof ExtensionMessageSchema | typeof WebviewMessage, message: unknown): boolean {
  try {
    parseMessage(schema, message);
    return false;
  } catch {
    return true;
  }
}

/**
 * Posts raw messages into the page as VS Code would, without the harness's validation. They travel as JSON
 * text and are parsed in the page: Playwright's own argument serializer stalls on deeply nested objects.
 */
async function postRaw(harness: WebviewHarness, messages: readonly unknown[]): Promise<void> {
  await harness.page.evaluate((batch) => batch.forEach((text) => window.postMessage(JSON.parse(text), '*')), messages.map((m) => JSON.stringify(m)));
}

describe('fuzz: webview messages (panel and chat pages in headless Chromium; the extension\'s WebviewRouter)', function () {
  this.timeout(90_000);

  for (const entry of ['panel', 'chat'] as const) {
    it(`the ${entry} page: ${PAGE_MESSAGES} random and mutated extension messages, no page error, heap flat, still renders`, async () => {
      const harness = await WebviewHarness.open(entry);
      try {
        const messages = sample(mutatedObjects(VALID_TO_PAGE), PAGE_MESSAGES, entry === 'panel' ? 81 : 82);
        const bad = messages.filter((m) => refused(ExtensionMessageSchema, m)).length;
        const reports = () => harness.received.filter((m) => m.type === 'viewerError' && /^ERR_[A-Z_]+: the panel dropped/.test(m.message)).length;
        let warm = 0;
        for (let i = 0; i < messages.length; i += 100) {
          await postRaw(harness, messages.slice(i, i + 100));
          if (i === 200) warm = await pageHeapMB(harness.page);
        }
        assert.ok(bad > PAGE_MESSAGES / 2, `only ${bad} refused messages`);
        // The panel reports every message it drops, with its code; the chat view has no one to tell.
        if (entry === 'panel') await until(() => reports() >= bad || undefined, `${bad} coded reports from the panel (got ${reports()})${replay()}`);
        assert.deepStrictEqual(harness.problems.filter((p) => p.startsWith('pageerror')), [], replay());
        const growth = (await pageHeapMB(harness.page)) - warm;
        assert.ok(growth < MAX_PAGE_HEAP_GROWTH_MB, `the ${entry} page's heap grew ${growth.toFixed(1)} MB${replay()}`);

        // Still renders what the extension sends, and still sends chat.
        await harness.send({ type: 'state', view: { ...view, statusLine: 'Still connected to Alice.', history: [{ kind: 'message', from: 'peer', author: 'Alice', text: 'after the storm', at }] } } as ExtensionMessage);
        await until(async () => (await harness.page.locator('.chat-history').textContent())?.includes('after the storm') || undefined, `the ${entry} page to render the new state`);
        harness.received.length = 0;
        const input = harness.page.locator('vscode-text-field.chat-input input');
        await input.click();
        await harness.page.keyboard.type('still typing');
        await harness.page.keyboard.press('Enter');
        await harness.waitFor((m) => m.type === 'sendChat' && m.text === 'still typing', `a chat request from the ${entry} page`);
      } finally {
        await harness.close();
      }
    });
  }

  it(`the WebviewRouter: ${ROUTER_MESSAGES} random and mutated page messages, each refused request answered with a code, heap flat`, async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapMB = () => {
      gc();
      return process.memoryUsage().heapUsed / 1e6;
    };
    const model = new AssistanceSession({ sessionId: 's-1', role: 'helper', peerName: 'Alice' });
    model.consentGiven();
    model.peerConnected();
    // The session as the router sees it: the real state machine; chat recorded as the product records it.
    const session: ActiveSession = {
      model,
      onDidEnd: () => ({ dispose() {} }),
      iceServers: [],
      path: undefined,
      onDidChangePath: () => ({ dispose() {} }),
      sendChat: async (text) => void model.chat('me', text, 'Bob'),
      takeControl: () => model.requestControl(),
      stopControl: () => undefined,
      setQuality: async () => undefined,
      disconnect: async () => model.end('me'),
      dispose() {},
    };
    // What the page would receive: validated, counted, and only the latest kept (the page consumes them).
    const posted: ExtensionMessage[] = [];
    let codedReplies = 0;
    let warnings = 0;
    const reports: WebviewMessageType[] = [];
    const features = new SessionFeatures();
    const dispatch = new ToolbarDispatch(() => session, features, { settings: async () => undefined, help: async () => undefined });
    const router = new WebviewRouter({
      post: (m) => {
        const message = parseMessage(ExtensionMessageSchema, m);
        if (message.type === 'reply' && !message.ok && message.code) codedReplies++;
        posted.push(message);
        if (posted.length > 100) posted.shift();
      },
      toolbar: (a) => dispatch.run(a),
      viewerReport: (r) => reports.push(r),
      log: { debug() {}, info() {}, warn: (m) => void (/invalid message: ERR_[A-Z_]+ /.test(m) && warnings++), error() {} },
    });
    router.receive({ type: 'ready' });
    router.show(session);
    const messages = sample(mutatedObjects(VALID_FROM_PAGE), ROUTER_MESSAGES, 83);
    let badRequests = 0;
    let bad = 0;
    let warm = 0;
    for (const [i, message] of messages.entries()) {
      if (i === Math.floor(messages.length / 4)) warm = heapMB();
      if (refused(WebviewMessage, message)) {
        bad++;
        const id = RequestId.safeParse((message as { requestId?: unknown } | null)?.requestId);
        if (id.success && typeof message === 'object') badRequests++;
      }
      router.receive(message);
    }
    await new Promise((r) => setImmediate(r));
    assert.ok(bad > ROUTER_MESSAGES / 2, `only ${bad} refused messages`);
    assert.ok(warnings >= bad, `${bad} refused, ${warnings} coded warnings${replay()}`);
    assert.ok(badRequests > 0 && codedReplies >= badRequests, `${badRequests} refused requests, ${codedReplies} coded replies${replay()}`);
    const growth = heapMB() - warm;
    assert.ok(growth < MAX_ROUTER_HEAP_GROWTH_MB, `heap grew ${growth.toFixed(1)} MB${replay()}`);

    // Still serving: a fresh session takes a chat request and answers it.
    const fresh = new AssistanceSession({ sessionId: 's-2', role: 'helper', peerName: 'Alice' });
    fresh.consentGiven();
    fresh.peerConnected();
    router.show({ ...session, model: fresh, sendChat: async (text) => void fresh.chat('me', text, 'Bob') });
    router.receive({ type: 'sendChat', requestId: 424242, text: 'after the storm' });
    await until(() => posted.find((m) => m.type === 'reply' && m.requestId === 424242), 'the chat reply');
    assert.deepStrictEqual(posted.find((m) => m.type === 'reply' && m.requestId === 424242), { type: 'reply', requestId: 424242, ok: true });
    assert.ok(fresh.history.some((e) => e.kind === 'message' && e.text === 'after the storm'));
    router.dispose();
  });
});
