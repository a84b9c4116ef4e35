/**
 * The Remote Assistance panel as built for VS Code (same HTML, CSP and bundle) in headless Chromium, with a
 * real WebRTC peer on the sharer's side: the remote desktop renders, chat sends on ENTER and over the data
 * channel, the toolbar works by keyboard. Screenshots go to test-results/webview/.
 */
import assert from 'assert';
import { mkdirSync } from 'fs';
import { join } from 'path';
import type { SessionView, TalkState, WebviewMessage } from '../../src/protocol/webview';
import { ScreenPeer } from './support/ScreenPeer';
import { until, WebviewHarness } from './support/WebviewHarness';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');

function view(over: Partial<SessionView>): SessionView {
  return {
    sessionId: 'session-1',
    role: 'helper',
    peerName: 'Alice',
    phase: 'consent',
    control: 'viewOnly',
    statusLine: 'Waiting for Alice to let you view the screen…',
    history: [{ kind: 'status', text: 'You have accepted the invitation from Alice to start using Remote Assistance.', at: Date.now() }],
    ...over,
  };
}

const is =
  <T extends WebviewMessage['type']>(type: T) =>
  (m: WebviewMessage): m is Extract<WebviewMessage, { type: T }> =>
    m.type === type;

describe('Remote Assistance panel (headless Chromium, real WebRTC)', function () {
  this.timeout(90_000);
  let h: WebviewHarness;
  let sharer: ScreenPeer | undefined;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await WebviewHarness.open('panel');
  });
  after(async () => {
    sharer?.destroy();
    await h?.close();
  });

  it('connects to a real peer and renders its video track', async () => {
    await h.send({ type: 'state', view: view({}) });
    await until(() => h.page.locator('.status-line').textContent().then((t) => t === 'Waiting for Alice to let you view the screen…'), 'the waiting status line');

    // Signaling relayed both ways exactly as the extension relays it through the network.
    sharer = new ScreenPeer((payload) => void h.send({ type: 'viewerSignal', payload }));
    const relay = setInterval(() => {
      for (const m of h.received.filter(is('viewerSignal'))) {
        h.received.splice(h.received.indexOf(m), 1);
        sharer!.signal(m.payload);
      }
    }, 20);
    try {
      await h.waitFor(is('viewerConnected'), 'the viewer to connect', 30_000);
    } finally {
      clearInterval(relay);
    }
    await h.send({
      type: 'state',
      view: view({ phase: 'connected', statusLine: 'Connected to Alice.', history: [...view({}).history, { kind: 'status', text: 'Connected to Alice.', at: Date.now() }, { kind: 'status', text: 'Screen View Only', at: Date.now() }] }),
    });

    // Real pixels: the decoded video's centre is the colour the sharer sends.
    const pixel = await until(
      () =>
        h.page.evaluate(() => {
          const video = document.querySelector('video');
          if (!video || video.videoWidth === 0) return undefined;
          const canvas = document.createElement('canvas');
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(video, 0, 0);
          const d = ctx.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data;
          const [r, g, b] = d;
          return Math.abs(r - 220) < 30 && Math.abs(g - 40) < 30 && Math.abs(b - 160) < 30 ? [r, g, b] : undefined;
        }),
      'the sharer\'s colour in the rendered video',
      30_000,
    );
    assert.ok(pixel);
    const box = await h.page.locator('video').boundingBox();
    assert.ok(box && box.width > 300 && box.height > 150, `video is laid out (${JSON.stringify(box)})`);
    assert.strictEqual(await h.page.locator('.status-line').textContent(), 'Connected to Alice.');
    await h.page.screenshot({ path: join(SHOTS, 'panel-connected.png') });
  });

  it('shows connection quality (fps, latency, kbit/s) from the live stream and opens into details', async () => {
    const summary = h.page.locator('.connection-quality summary');
    const text = await until(
      () => summary.textContent().then((t) => (t && /^\d+ fps · (\d+|—) ms · [1-9]\d* kbit\/s$/.test(t) ? t : undefined)),
      'the indicator to show the measured stream',
      20_000,
    );
    assert.ok(text);
    assert.strictEqual(await h.page.locator('.quality-details').isVisible(), false);
    await summary.focus();
    await h.page.keyboard.press('Enter');
    const details = h.page.locator('.quality-details');
    await until(() => details.isVisible(), 'the details to open');
    const rows = await details.locator('dt').allTextContents();
    assert.deepStrictEqual(rows, ['Picture', 'Frames per second', 'Round trip', 'Received', 'Paint time', 'Network path']);
    assert.match((await details.locator('dd').first().textContent()) ?? '', /^Video/);
    await h.page.screenshot({ path: join(SHOTS, 'panel-quality.png') });
    await summary.click();
    await until(() => details.isHidden(), 'the details to close');
  });

  it('sends chat on ENTER and on Send, and shows what arrives over the data channel', async () => {
    const input = h.page.locator('vscode-text-field.chat-input input');
    await input.click();
    await h.page.keyboard.type('Tests fail only on my machine');
    await h.page.keyboard.press('Enter');
    const sent = await h.waitFor(is('sendChat'), 'sendChat after ENTER');
    assert.strictEqual(sent.text, 'Tests fail only on my machine');
    // The toolkit updates its inner <input> on the next frame.
    await until(() => input.inputValue().then((v) => v === ''), 'the box cleared once sent');
    await h.send({ type: 'reply', requestId: sent.requestId, ok: true });

    // The extension routes a helper's message into the viewer's chat channel: it arrives at the sharer.
    await h.send({ type: 'viewerSendChat', text: sent.text });
    await until(() => sharer!.chats.includes('Tests fail only on my machine'), 'the chat at the sharer over the data channel');

    await input.fill('second, with the Send button');
    await h.page.locator('vscode-button.chat-send').click();
    const second = await h.waitFor(is('sendChat'), 'sendChat after Send');
    assert.strictEqual(second.text, 'second, with the Send button');
    // A failed send puts the text back with the reason: nothing is lost.
    await h.send({ type: 'reply', requestId: second.requestId, ok: false, message: 'The connection to Alice was lost.' });
    await until(() => input.inputValue().then((v) => v === 'second, with the Send button'), 'the text back in the box');
    await until(() => h.page.locator('.chat-error').textContent().then((t) => t === 'The connection to Alice was lost.'), 'the reason beside the box');

    sharer!.sendChat('Can you open the terminal?');
    const incoming = await h.waitFor(is('viewerChat'), 'the sharer\'s chat forwarded to the extension');
    assert.strictEqual(incoming.text, 'Can you open the terminal?');
    await h.send({ type: 'chatEntry', sessionId: 'session-1', entry: { kind: 'message', from: 'peer', author: 'Alice', text: incoming.text, at: Date.now() } });
    await until(() => h.page.locator('.chat-history .from-peer .text').last().textContent().then((t) => t === 'Can you open the terminal?'), 'the message in the history');
  });

  it('works the toolbar by keyboard and says plainly what is not available yet', async () => {
    await h.page.locator('vscode-button[data-action="takeControl"]').focus();
    await h.page.keyboard.press('ArrowRight');
    assert.strictEqual(await h.page.evaluate(() => (document.activeElement as HTMLElement).dataset.action), 'sendFile');
    await h.page.keyboard.press('Enter');
    const file = await h.waitFor(is('toolbar'), 'the Send a File press');
    assert.strictEqual(file.action, 'sendFile');
    await h.send({ type: 'reply', requestId: file.requestId, ok: false, message: 'Send a File is not available yet in this version of Remote Assist. Nothing was sent.' });
    await until(() => h.page.locator('.notice').isVisible(), 'the notice');
    assert.match((await h.page.locator('.notice').textContent()) ?? '', /not available yet/);

    await h.page.keyboard.press('End');
    assert.strictEqual(await h.page.evaluate(() => (document.activeElement as HTMLElement).dataset.action), 'help');
    await h.page.keyboard.press('Home');
    await h.page.keyboard.press(' ');
    const take = await h.waitFor(is('toolbar'), 'the Take Control press');
    assert.strictEqual(take.action, 'takeControl');
    await h.send({ type: 'reply', requestId: take.requestId, ok: true });
    await h.page.screenshot({ path: join(SHOTS, 'panel-notice.png') });
  });

  it('shows control as granted, captures the keyboard only while the desktop has focus, and releases it visibly', async () => {
    sharer!.sendControl({ type: 'controlState', granted: true, reason: 'granted' });
    const control = await h.waitFor(is('viewerControl'), 'the control state forwarded');
    assert.deepStrictEqual([control.granted, control.reason], [true, 'granted']);
    await h.send({ type: 'state', view: view({ phase: 'connected', control: 'granted', statusLine: 'Connected to Alice.' }) });
    const button = h.page.locator('vscode-button[data-action="takeControl"]');
    await until(() => button.getAttribute('aria-label').then((l) => l === 'Stop Control'), 'the Stop Control label');
    await h.page.locator('video').click();
    await until(() => h.page.locator('.keyboard-hint').textContent().then((t) => /^Your keyboard and mouse control Alice's computer/.test(t ?? '')), 'the capture hint');
    // Keys typed on the desktop go to the sharer as input messages over the data channel.
    await h.page.keyboard.type('ls');
    await until(() => sharer!.inputs.filter((m) => (m as { type: string; down?: boolean }).type === 'key' && (m as { down: boolean }).down).length >= 2, 'the keys at the sharer');
    assert.deepStrictEqual(
      sharer!.inputs.filter((m) => (m as { type: string; down?: boolean }).type === 'key' && (m as { down: boolean }).down).map((m) => (m as { key: string }).key),
      ['l', 's'],
    );
    await h.page.screenshot({ path: join(SHOTS, 'panel-control.png') });
    await h.page.keyboard.press('Control+Alt+Home');
    await until(() => h.page.locator('.keyboard-hint').textContent().then((t) => /^Click the remote desktop/.test(t ?? '')), 'the keyboard released');
    await button.press('Enter');
    const stop = await h.waitFor(is('toolbar'), 'the Stop Control press');
    assert.strictEqual(stop.action, 'stopControl');
    await h.send({ type: 'reply', requestId: stop.requestId, ok: true });
  });

  it('shows the talk state: Start Talking waits while the other side asks, Stop Talking while talking, Mute/Unmute and both level meters only then', async () => {
    const talkButton = h.page.locator('vscode-button[data-action="startTalking"]');
    const mute = h.page.locator('vscode-button[data-action="toggleMute"]');
    const levels = h.page.locator('.talk-levels');
    const mine = h.page.locator('.talk-meter[data-side="local"]');
    const theirs = h.page.locator('.talk-meter[data-side="remote"]');
    const talk = (over: Partial<TalkState>) => h.send({ type: 'talkState', talk: { phase: 'idle', muted: false, peerMuted: false, micMode: 'open', talkHeld: false, local: 0, remote: 0, ...over } });
    const labelled = (label: string, pressed: string) => async () => (await talkButton.getAttribute('aria-label')) === label && (await talkButton.getAttribute('aria-pressed')) === pressed && (await talkButton.textContent())?.includes(label);

    assert.strictEqual(await talkButton.getAttribute('aria-label'), 'Start Talking');
    assert.strictEqual(await mute.isVisible(), false);
    assert.strictEqual(await levels.isVisible(), false);

    // Alice asked: the question (in VS Code, or the page's own) is where Bob answers; the button waits for it.
    const disabled = () => talkButton.evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled);
    await talk({ phase: 'asked' });
    await until(disabled, 'Start Talking disabled while Alice asks');
    assert.ok(await labelled('Start Talking', 'false')(), 'still Start Talking while Alice asks');
    assert.strictEqual(await talkButton.getAttribute('title'), 'Alice asked to talk with you: answer that question to start talking.');
    assert.strictEqual(await mute.isVisible(), false);
    await h.page.screenshot({ path: join(SHOTS, 'panel-talk-asked.png') });

    await talk({ phase: 'asking' });
    await until(labelled('Stop Talking', 'true'), 'Stop Talking while asking');
    assert.strictEqual(await disabled(), false);
    assert.strictEqual(await talkButton.getAttribute('title'), 'Click this button to stop talking with the other person.');
    assert.strictEqual(await talkButton.locator('.codicon-mic-filled').count(), 1);
    assert.strictEqual(await mute.isVisible(), false, 'no Mute before the other side accepts');

    await talk({ phase: 'talking', local: 0.6, remote: 0.3 });
    await until(() => mine.getAttribute('aria-valuenow').then((v) => v === '60'), 'my level on the meter');
    assert.ok(await mute.isVisible());
    assert.ok(await levels.isVisible());
    assert.deepStrictEqual([await mute.getAttribute('aria-label'), await mute.getAttribute('aria-pressed')], ['Mute', 'false']);
    assert.deepStrictEqual([await mine.getAttribute('aria-label'), await theirs.getAttribute('aria-label'), await theirs.getAttribute('aria-valuenow')], ['Your microphone', 'Alice', '30']);
    const fill = await mine.locator('.talk-meter-fill').boundingBox();
    const track = await mine.boundingBox();
    assert.ok(fill && track && Math.abs(fill.width / track.width - 0.6) < 0.1, `the bar is 60% full (${fill?.width} of ${track?.width})`);
    await h.page.screenshot({ path: join(SHOTS, 'panel-talking.png') });

    // By keyboard: the arrow keys reach Mute, Enter presses it; the extension answers with the new state.
    await talkButton.focus();
    await h.page.keyboard.press('ArrowRight');
    assert.strictEqual(await h.page.evaluate(() => (document.activeElement as HTMLElement).dataset.action), 'toggleMute');
    await h.page.keyboard.press('Enter');
    const press = await h.waitFor(is('toolbar'), 'the Mute press');
    assert.strictEqual(press.action, 'toggleMute');
    await h.send({ type: 'reply', requestId: press.requestId, ok: true });
    await talk({ phase: 'talking', muted: true, remote: 0.3 });
    await until(() => mute.getAttribute('aria-label').then((l) => l === 'Unmute'), 'the Unmute label');
    assert.strictEqual(await mute.getAttribute('aria-pressed'), 'true');
    assert.strictEqual(await mine.getAttribute('aria-valuetext'), 'muted');
    await h.page.screenshot({ path: join(SHOTS, 'panel-talking-muted.png') });

    // A level out of range is refused and changes nothing.
    await h.page.evaluate(() => window.postMessage({ type: 'talkState', talk: { phase: 'idle', muted: false, peerMuted: false, micMode: 'open', talkHeld: false, local: 5, remote: 0 } }, '*'));
    await h.waitFor(is('viewerError'), 'the invalid talk state reported');
    assert.strictEqual(await mute.getAttribute('aria-label'), 'Unmute');

    await talk({ phase: 'idle' });
    await until(labelled('Start Talking', 'false'), 'Start Talking once stopped');
    await until(() => mute.isHidden(), 'Mute gone');
    assert.strictEqual(await levels.isVisible(), false);
    // Focus left on a button that disappears goes back to Start Talking, so the keyboard user is not lost.
    assert.strictEqual(await h.page.evaluate(() => (document.activeElement as HTMLElement).dataset.action), 'startTalking');
    await h.page.keyboard.press('ArrowRight');
    assert.strictEqual(await h.page.evaluate(() => (document.activeElement as HTMLElement).dataset.action), 'settings', 'the hidden Mute is skipped');
  });

  it('ends with "Disconnected from Alice." and drops invalid messages without harm', async () => {
    await h.page.evaluate(() => window.postMessage({ type: 'state', view: { sessionId: 42 } }, '*'));
    await h.waitFor(is('viewerError'), 'the invalid message reported');
    await h.send({ type: 'state', view: view({ phase: 'ended', statusLine: 'Disconnected from Alice.' }) });
    await until(() => h.page.locator('.status-line').textContent().then((t) => t === 'Disconnected from Alice.'), 'the disconnected status line');
    await until(() => h.page.locator('video').count().then((n) => n === 0), 'the viewer closed');
    assert.strictEqual(await h.page.locator('.connection-quality summary').textContent(), 'Not connected', 'no figure of the ended session stays up');
    assert.strictEqual(await h.page.locator('vscode-text-field.chat-input').evaluate((e) => (e as HTMLInputElement).disabled), true);
    await h.page.screenshot({ path: join(SHOTS, 'panel-disconnected.png') });
    assert.deepStrictEqual(h.problems, []);
  });
});
