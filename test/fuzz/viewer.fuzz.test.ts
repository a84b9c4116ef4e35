/**
 * Fuzz: the viewer's side of the peer protocol, in the real viewer (RemoteViewer, bundled as the panel
 * bundles it) in headless Chromium over a real WebRTC connection. A Node sharer sends random and mutated
 * messages on the control and chat channels and mutated binary screen messages (RESET, UPDATE with every
 * op, MODE) on the screen channel. Every message the protocol refuses must surface as a coded error event,
 * the page must raise no error, its JS heap must stay flat, and afterwards it must still paint a picture
 * pixel for pixel and show chat.
 */
import assert from 'assert';
import * as zlib from 'zlib';
import { openViewerPage, ViewerPage } from '../../bench/host/viewerBrowser';
import { ChatMessage, HOST_CONTROL_MAX_BYTES, HostControlMessage } from '../../src/protocol/peer';
import { encodeMode, encodeReset, encodeUpdate, parseScreenMessage } from '../../src/protocol/screen';
import { decodeChannelMessage } from '../../src/webview/viewer/decode';
import { until } from '../host/support/poll';
import { ScreenPeer } from '../webview/support/ScreenPeer';
import { mutatedBytes, mutatedTexts, replay, sample } from './support/mutants';
import { pageHeapMB } from './support/pageHeap';

const MESSAGES = Number(process.env.FUZZ_VIEWER_MESSAGES ?? 2400);
const MAX_HEAP_GROWTH_MB = 24;
/** Chromium closes a data channel on a message over its limit (256 KiB): the fuzzer stays under it. */
const MAX_CHANNEL_MESSAGE = 250_000;
const W = 320;
const H = 240;

const VALID_CONTROL: object[] = [
  { type: 'controlState', granted: true, reason: 'granted' },
  { type: 'controlState', granted: false, reason: 'localEscape' },
  { type: 'screen', width: W, height: H },
  { type: 'cursor', x: 10, y: 20, serial: 1 },
  { type: 'cursorShape', serial: 1, width: 2, height: 2, xhot: 0, yhot: 0, rgba: Buffer.alloc(16, 255).toString('base64') },
];
const VALID_CHAT: object[] = [{ type: 'chat', text: 'hello from the sharer' }];

function validScreenMessages(): Uint8Array[] {
  const pixels = zlib.deflateRawSync(Buffer.alloc(4 * 4 * 4, 200), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return [
    encodeReset(W, H),
    encodeMode('regions', 3),
    encodeMode('video', 3),
    encodeUpdate(1, [{ op: 'pixels', x: 0, y: 0, w: 4, h: 4 }], pixels),
    encodeUpdate(2, [{ op: 'fill', x: 5, y: 5, w: 50, h: 40, r: 1, g: 2, b: 3 }, { op: 'copy', x: 0, y: 1, w: W, h: H - 1, srcX: 0, srcY: 0 }], new Uint8Array(0)),
  ];
}

/** What the viewer must refuse, judged with the same validators it uses (the screen size follows RESETs). */
class Oracle {
  private screen: { width: number; height: number } | undefined;
  refused = 0;

  text(schema: typeof HostControlMessage | typeof ChatMessage, data: string, maxBytes: number): void {
    try {
      decodeChannelMessage(schema, data, maxBytes);
    } catch {
      this.refused++;
    }
  }

  screenMessage(data: string | Uint8Array): void {
    if (typeof data === 'string') {
      this.refused++;
      return;
    }
    try {
      const message = parseScreenMessage(data, this.screen);
      if (message.type === 'reset') this.screen = { width: message.width, height: message.height };
    } catch {
      this.refused++;
    }
  }
}

describe('fuzz: the viewer\'s peer channels (RemoteViewer in headless Chromium, real WebRTC)', function () {
  this.timeout(90_000);
  let viewer: ViewerPage;
  let sharer: ScreenPeer;
  const events = async (type: string) => (await viewer.page.evaluate(() => window.remoteAssist.events())).filter((e) => e.type === type);

  before(async () => {
    viewer = await openViewerPage({ width: 640, height: 480 });
    sharer = new ScreenPeer((payload) => void viewer.signal(payload).catch(() => undefined), W, H);
    viewer.onSignal((payload) => sharer.signal(payload));
    await until('the viewer to connect', async () => (await events('connected')).length > 0, 30_000);
  });

  after(async () => {
    sharer?.destroy();
    await viewer?.close();
  });

  it(`refuses ${MESSAGES} random and mutated control, chat and screen messages with coded errors; heap flat; still paints`, async () => {
    const oracle = new Oracle();
    const third = Math.ceil(MESSAGES / 3);
    const control = sample(mutatedTexts(VALID_CONTROL), third, 61).map((m) => ['control', m] as const);
    const chat = sample(mutatedTexts(VALID_CHAT), third, 62).map((m) => ['chat', m] as const);
    const screen = [
      ...sample(mutatedBytes(validScreenMessages()), third - Math.floor(third / 10), 63),
      ...sample(mutatedTexts([{ type: 'reset', width: W, height: H }]), Math.floor(third / 10), 64),
    ].map((m) => ['screen', m] as const);
    // Interleaved, as a hostile sharer would send them: one channel's garbage must not break another's.
    const all = control.flatMap((c, i) => [c, chat[i], screen[i]].filter((m) => m !== undefined));
    const errorsBefore = (await events('error')).length;
    let warm = 0;
    let sent = 0;
    for (const [label, data] of all) {
      if ((typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength) > MAX_CHANNEL_MESSAGE) continue;
      if (label === 'control') oracle.text(HostControlMessage, data as string, HOST_CONTROL_MAX_BYTES);
      else if (label === 'chat') oracle.text(ChatMessage, data as string, 16 * 1024);
      else oracle.screenMessage(data);
      sharer.send(label, data);
      if (++sent % 300 === 0) await until('the channels to drain', () => sharer.bufferedAmount === 0, 20_000, 10);
      if (sent === Math.floor(all.length / 4)) {
        await until('the viewer to catch up', async () => (await events('error')).length - errorsBefore >= oracle.refused, 30_000, 100);
        warm = await pageHeapMB(viewer.page);
      }
    }
    const errors = await until(
      `${oracle.refused} coded errors`,
      async () => {
        const list = (await events('error')).slice(errorsBefore);
        return list.length >= oracle.refused && list;
      },
      30_000,
      100,
      () => `${replay()}`,
    );
    assert.ok(oracle.refused > MESSAGES / 2, `only ${oracle.refused} refused messages were sent`);
    const uncoded = errors.filter((e) => typeof e.code !== 'string' || !/^ERR_[A-Z_]+$/.test(e.code as string));
    assert.deepStrictEqual(uncoded.slice(0, 5), [], `errors without a code${replay()}`);
    assert.deepStrictEqual(viewer.problems.filter((p) => p.startsWith('pageerror')), [], replay());
    const growth = (await pageHeapMB(viewer.page)) - warm;
    assert.ok(growth < MAX_HEAP_GROWTH_MB, `the page's JS heap grew ${growth.toFixed(1)} MB${replay()}`);

    // Still serving: a new picture painted exactly, and chat shown.
    const fill = { op: 'fill' as const, x: 0, y: 0, w: W, h: H, r: 12, g: 200, b: 99 };
    sharer.send('control', JSON.stringify({ type: 'screen', width: W, height: H }));
    sharer.send('screen', encodeReset(W, H));
    sharer.send('screen', encodeUpdate(0xfffffff0, [fill], new Uint8Array(0)));
    sharer.send('screen', encodeMode('regions', 0xfffffff0));
    await until('the new picture on the canvas', () => viewer.page.evaluate(() => window.remoteAssist.showsCanvas()), 20_000);
    const pixels = Buffer.from(await viewer.page.evaluate(() => window.remoteAssist.canvasPixels(0, 0, 320, 240)), 'base64');
    assert.ok(pixels.every((v, i) => v === [12, 200, 99, 255][i % 4]), `the canvas does not show the new picture${replay()}`);
    sharer.sendChat('after the storm');
    await until('chat after the fuzz', async () => (await events('chat')).some((e) => e.text === 'after the storm'), 20_000);
    if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify({ seam: 'viewer', sent, refused: oracle.refused, errors: errors.length, heapGrowthMB: growth }));
  });
});
