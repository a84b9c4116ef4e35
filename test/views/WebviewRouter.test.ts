import assert from 'assert';
import type { ExtensionMessage } from '../../src/protocol/webview';
import { AssistanceSession } from '../../src/session/AssistanceSession';
import type { ActiveSession } from '../../src/session/ActiveSession';
import { SessionFeatures } from '../../src/session/SessionFeatures';
import { ToolbarDispatch } from '../../src/views/ToolbarDispatch';
import { WebviewRouter } from '../../src/views/WebviewRouter';

const warnings: string[] = [];
const log = { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };

/** A session as the views see it; the model is the real state machine. */
function session(): ActiveSession & { chats: string[]; calls: string[] } {
  const model = new AssistanceSession({ sessionId: 's1', role: 'helper', peerName: 'Alice' });
  model.consentGiven();
  model.peerConnected();
  const chats: string[] = [];
  const calls: string[] = [];
  return {
    model,
    chats,
    calls,
    onDidEnd: () => ({ dispose() {} }),
    iceServers: [],
    path: undefined,
    onDidChangePath: () => ({ dispose() {} }),
    sendChat: async (text) => {
      model.chat('me', text, 'Bob');
      chats.push(text);
    },
    takeControl: () => {
      model.requestControl();
      calls.push('takeControl');
    },
    stopControl: () => calls.push('stopControl'),
    setQuality: async () => undefined,
    disconnect: async () => {
      model.end('me');
      calls.push('disconnect');
    },
    dispose() {},
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('WebviewRouter and ToolbarDispatch', () => {
  it('queues everything until the page is ready, then sends the state first', () => {
    const posted: ExtensionMessage[] = [];
    const router = new WebviewRouter({ post: (m) => posted.push(m), log });
    const s = session();
    router.show(s);
    router.post({ type: 'viewerSignal', payload: { type: 'offer', sdp: 'x' } });
    assert.strictEqual(posted.length, 0);
    router.receive({ type: 'ready' });
    assert.deepStrictEqual(posted.map((m) => m.type), ['state', 'viewerSignal']);
    const state = posted[0] as Extract<ExtensionMessage, { type: 'state' }>;
    assert.strictEqual(state.view?.statusLine, 'Connected to Alice.');
  });

  it('answers chat requests, with the reason when they fail, and mirrors new history lines', async () => {
    const posted: ExtensionMessage[] = [];
    const router = new WebviewRouter({ post: (m) => posted.push(m), log });
    const s = session();
    router.receive({ type: 'ready' });
    router.show(s);
    router.receive({ type: 'sendChat', requestId: 7, text: 'hello' });
    await flush();
    assert.deepStrictEqual(s.chats, ['hello']);
    assert.ok(posted.some((m) => m.type === 'chatEntry' && m.entry.kind === 'message' && m.entry.text === 'hello'));
    assert.deepStrictEqual(posted.find((m) => m.type === 'reply'), { type: 'reply', requestId: 7, ok: true });
    await s.disconnect();
    router.receive({ type: 'sendChat', requestId: 8, text: 'too late' });
    await flush();
    const reply = posted.filter((m): m is Extract<ExtensionMessage, { type: 'reply' }> => m.type === 'reply').at(-1);
    assert.deepStrictEqual([reply?.ok, reply?.requestId], [false, 8]);
  });

  it('drops invalid messages from the page with a warning and changes nothing', () => {
    const posted: ExtensionMessage[] = [];
    const router = new WebviewRouter({ post: (m) => posted.push(m), log });
    router.receive({ type: 'sendChat', requestId: 1, text: '' });
    router.receive({ type: 'toolbar', requestId: 1, action: 'format-disk' });
    router.receive('{"type":"ready"}');
    router.receive({ type: 'viewerSignal', payload: {} });
    assert.strictEqual(posted.length, 0);
    assert.strictEqual(warnings.length, 4);
  });

  it('answers an invalid request at once with a coded reply (the page does not wait for its timeout)', () => {
    const posted: ExtensionMessage[] = [];
    const router = new WebviewRouter({ post: (m) => posted.push(m), log });
    router.receive({ type: 'ready' });
    posted.length = 0;
    router.receive({ type: 'sendChat', requestId: 4, text: '' });
    router.receive({ type: 'toolbar', requestId: 5, action: 'format-disk' });
    router.receive({ type: 'launchMissiles', requestId: 6 });
    router.receive({ type: 'toolbar', requestId: -1, action: 'help' }); // no usable id: nothing to answer
    assert.deepStrictEqual(
      posted.map((m) => m.type === 'reply' && [m.requestId, m.ok, m.code]),
      [[4, false, 'ERR_MALFORMED'], [5, false, 'ERR_MALFORMED'], [6, false, 'ERR_UNKNOWN_TYPE']],
    );
    assert.ok(posted.every((m) => m.type === 'reply' && /^The request was refused: ERR_/.test(m.message ?? '')));
  });

  it('toolbar: a clean dispatch; Send a File and Start Talking say plainly they are not available yet until a part registers', async () => {
    const s = session();
    const features = new SessionFeatures();
    const helpOpened: boolean[] = [];
    const dispatch = new ToolbarDispatch(() => s, features, { settings: async () => 'Screen quality: Low.', help: async () => void helpOpened.push(true) });
    assert.strictEqual(await dispatch.run('sendFile'), 'Send a File is not available yet in this version of Remote Assist. Nothing was sent.');
    assert.strictEqual(await dispatch.run('startTalking'), 'Start Talking is not available yet in this version of Remote Assist. Nothing was sent.');
    const hook = features.register('sendFile', async () => 'Choose a file…');
    assert.strictEqual(await dispatch.run('sendFile'), 'Choose a file…');
    hook.dispose();
    assert.match((await dispatch.run('sendFile')) ?? '', /not available yet/);
    assert.strictEqual(await dispatch.run('settings'), 'Screen quality: Low.');
    await dispatch.run('help');
    assert.deepStrictEqual(helpOpened, [true]);
    await dispatch.run('takeControl');
    await dispatch.run('disconnect');
    assert.deepStrictEqual(s.calls, ['takeControl', 'disconnect']);
    const idle = new ToolbarDispatch(() => undefined, features, { settings: async () => undefined, help: async () => undefined });
    await assert.rejects(idle.run('takeControl'), /no Remote Assistance session/);
  });
});
