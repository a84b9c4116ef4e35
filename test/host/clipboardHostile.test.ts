/**
 * Clipboard sync at the sharer's host against bad input: garbage, messages that are not the helper's to send,
 * text past what a message may carry, and a bad command from the extension each get a coded error and
 * change nothing — both directions stay off until the extension turns one on.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { CLIPBOARD_MESSAGE_MAX_BYTES, CLIPBOARD_SERVICE, ClipboardServiceEvent, PeerClipboardMessage } from '../../src/protocol/clipboard';
import { NodeHelperPeer } from './support/nodePeer';
import { until } from './support/poll';
import { HostRecord, startHost, TestDisplay } from './support/session';

describe('host: clipboard sync against bad input', function () {
  this.timeout(60_000);
  let display: TestDisplay;
  let supervisor: HostSupervisor;
  let helper: NodeHelperPeer;
  const record: HostRecord = { controls: [], errors: [], chats: [], stats: [], controlRequests: 0, connected: false, exited: false };
  const events: ClipboardServiceEvent[] = [];
  const fromHost = () => (helper.received.clipboard ?? []).map((m) => JSON.parse(m) as PeerClipboardMessage);
  const xclipOut = () =>
    new Promise<string>((resolve) => {
      const child = spawn('xclip', ['-o', '-selection', 'clipboard'], { env: display.env, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('exit', () => resolve(out));
    });

  before(async function () {
    display = await TestDisplay.start(640, 480);
    helper = new NodeHelperPeer((payload) => supervisor.signal(payload));
    supervisor = await startHost(display, (payload) => helper.signal(payload), record);
    supervisor.onService(({ service, message }) => service === CLIPBOARD_SERVICE && events.push(ClipboardServiceEvent.parse(message)));
    await until('the helper to connect', () => helper.connected && record.connected, 30_000);
    await until('the clipboard channel to open', () => helper.channels.get('clipboard')?.readyState === 'open');
  });

  after(async function () {
    helper?.destroy();
    await supervisor?.stop().catch(() => undefined);
    supervisor?.dispose();
    await display?.close();
  });

  it('refuses the helper\'s text while helper → sharer is off (the default)', async function () {
    helper.send('clipboard', JSON.stringify({ type: 'clipboardText', text: 'sneaky' }));
    await until('the refusal', () => fromHost().some((m) => m.type === 'clipboardRefused' && m.code === 'ERR_CLIPBOARD_OFF' && m.bytes === 6));
    assert.ok(events.some((e) => e.type === 'refused' && e.direction === 'toSharer' && e.code === 'ERR_CLIPBOARD_OFF'));
  });

  it('reports garbage and messages that are not the helper\'s as ERR_PEER_PROTOCOL', async function () {
    helper.send('clipboard', '{not json');
    await until('ERR_PEER_PROTOCOL for garbage', () => record.errors.some((e) => e.code === 'ERR_PEER_PROTOCOL' && e.message.startsWith('clipboard channel')));
    const before = record.errors.length;
    // One report per code per second: wait for the next window rather than guess.
    await until('a second report', () => {
      helper.send('clipboard', JSON.stringify({ type: 'clipboardAllowed', allowed: { toHelper: true, toSharer: true } }));
      return record.errors.slice(before).some((e) => e.code === 'ERR_PEER_PROTOCOL' && e.message.includes('not the helper'));
    }, 10_000, 300);
    // The helper cannot turn anything on: its text is still refused.
    const refusals = fromHost().filter((m) => m.type === 'clipboardRefused').length;
    helper.send('clipboard', JSON.stringify({ type: 'clipboardText', text: 'again' }));
    await until('another ERR_CLIPBOARD_OFF', () => fromHost().filter((m) => m.type === 'clipboardRefused' && m.code === 'ERR_CLIPBOARD_OFF').length > refusals);
  });

  it('refuses a bad command from the extension with ERR_BAD_COMMAND and keeps both directions off', async function () {
    supervisor.sendService(CLIPBOARD_SERVICE, { type: 'allow', allowed: 'everything' });
    await until('ERR_BAD_COMMAND', () => record.errors.some((e) => e.code === 'ERR_BAD_COMMAND' && e.message.startsWith('clipboard')));
    const refusals = fromHost().filter((m) => m.type === 'clipboardRefused').length;
    helper.send('clipboard', JSON.stringify({ type: 'clipboardText', text: 'still off' }));
    await until('ERR_CLIPBOARD_OFF once more', () => fromHost().filter((m) => m.type === 'clipboardRefused' && m.code === 'ERR_CLIPBOARD_OFF').length > refusals);
  });

  it('refuses text past what a message may carry with ERR_CLIPBOARD_TOO_LARGE, unread, once allowed', async function () {
    supervisor.sendService(CLIPBOARD_SERVICE, { type: 'allow', allowed: { toHelper: false, toSharer: true } });
    await until('the helper told', () => fromHost().some((m) => m.type === 'clipboardAllowed' && m.allowed.toSharer));
    const huge = JSON.stringify({ type: 'clipboardText', text: 'z'.repeat(CLIPBOARD_MESSAGE_MAX_BYTES - 10) });
    helper.send('clipboard', huge);
    await until('ERR_CLIPBOARD_TOO_LARGE', () => fromHost().some((m) => m.type === 'clipboardRefused' && m.code === 'ERR_CLIPBOARD_TOO_LARGE' && m.bytes === huge.length));
    helper.send('clipboard', JSON.stringify({ type: 'clipboardText', text: 'fits' }));
    await until('the small text accepted', () => fromHost().some((m) => m.type === 'clipboardAccepted' && m.bytes === 4));
    assert.strictEqual(await xclipOut(), 'fits');
  });
});
