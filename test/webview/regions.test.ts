/**
 * The viewer's lossless screen regions in real headless Chromium over a real WebRTC data channel: the
 * sharer's side is a Node peer in this test that encodes with Node's zlib (one raw-deflate stream per
 * RESET, a sync flush per update) and src/protocol/screen.ts, and keeps a model of the picture. The
 * canvas's pixels are read back and compared with the model byte for byte.
 */
import assert from 'assert';
import sharp from 'sharp';
import Peer from 'simple-peer';
import * as zlib from 'zlib';
import { PEER_CHANNELS } from '../../src/protocol/peer';
import { encodeMode, encodeReset, encodeUpdate, parseScreenAck, ScreenOp } from '../../src/protocol/screen';
import { wrtc } from '../../src/host/wrtc';
import { openViewerPage, ViewerPage } from '../../bench/host/viewerBrowser';
import { until } from '../host/support/poll';

const WIDTH = 320;
const HEIGHT = 240;
type Rgb = [number, number, number];

/** The sharer's end: negotiated channels like the host's, and a real video track of a solid colour. */
class RegionsSharer {
  readonly acks: number[] = [];
  /** Each ack's heldMs: how long the viewer says it held the update (Auto takes it off the link's delay). */
  readonly held: unknown[] = [];
  readonly inputs: { type: string; [k: string]: unknown }[] = [];
  refreshes = 0;
  videoColour: Rgb | undefined = [0, 200, 0];
  private readonly peer: Peer.Instance;
  private readonly channels = new Map<string, RTCDataChannel>();
  private readonly timer: NodeJS.Timeout;

  constructor(sendSignal: (payload: Record<string, unknown>) => void) {
    const source = new wrtc.nonstandard.RTCVideoSource({ isScreencast: true });
    const stream = new wrtc.MediaStream([source.createTrack()]);
    this.peer = new Peer({ initiator: true, trickle: true, wrtc: wrtc as unknown as Peer.Options['wrtc'], streams: [stream] });
    this.peer.on('signal', (data) => sendSignal(data as unknown as Record<string, unknown>));
    this.peer.on('error', () => undefined);
    const pc = (this.peer as unknown as { _pc: RTCPeerConnection })._pc;
    for (const spec of Object.values(PEER_CHANNELS)) {
      const channel = pc.createDataChannel(spec.label, { negotiated: true, id: spec.id, ordered: spec.ordered });
      this.channels.set(spec.label, channel);
      channel.onmessage = (e: MessageEvent) => {
        // the viewer acks in 13 binary bytes; refreshes and input are JSON
        const message = (typeof e.data === 'string' ? JSON.parse(e.data) : parseScreenAck(e.data as ArrayBuffer)) as { type: string; seq?: number; heldMs?: unknown };
        if (spec.label === 'screen' && message.type === 'ack') {
          this.acks.push(message.seq as number);
          this.held.push(message.heldMs);
        }
        else if (spec.label === 'screen' && message.type === 'refresh') this.refreshes++;
        else if (spec.label === 'input') this.inputs.push(message);
      };
    }
    // Fresh buffers every frame (wrtc reads the whole underlying buffer); none while paused.
    this.timer = setInterval(() => {
      const rgb = this.videoColour;
      if (!rgb) return;
      const rgba = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
      for (let i = 0; i < rgba.length; i += 4) rgba.set([rgb[0], rgb[1], rgb[2], 255], i);
      const i420 = new Uint8Array(WIDTH * HEIGHT * 1.5);
      wrtc.nonstandard.rgbaToI420({ width: WIDTH, height: HEIGHT, data: rgba }, { width: WIDTH, height: HEIGHT, data: i420 });
      source.onFrame({ width: WIDTH, height: HEIGHT, data: i420 });
    }, 40);
  }

  signal(payload: unknown): void {
    this.peer.signal(payload as Peer.SignalData);
  }

  /** wrtc fires no `open` on negotiated channels: wait for the state. */
  async opened(): Promise<void> {
    await until('the data channels to open', () => ['screen', 'control', 'input'].every((l) => this.channels.get(l)?.readyState === 'open'), 30_000);
  }

  control(message: object): void {
    this.channels.get('control')?.send(JSON.stringify(message));
  }

  screen(bytes: Uint8Array | string): void {
    this.channels.get('screen')?.send(bytes as string);
  }

  destroy(): void {
    clearInterval(this.timer);
    this.peer.destroy();
  }
}

/** What the viewer's canvas should hold: the same ops applied in Node (COPY through a temporary copy). */
class Picture {
  rgba: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgba = new Uint8Array(width * height * 4);
  }

  apply(ops: readonly ScreenOp[], pixels: Uint8Array): void {
    let at = 0;
    for (const op of ops) {
      const source =
        op.op === 'copy' ? this.read(op.srcX, op.srcY, op.w, op.h) : op.op === 'pixels' ? pixels.subarray(at, (at += op.w * op.h * 4)) : undefined;
      for (let y = 0; y < op.h; y++) {
        for (let x = 0; x < op.w; x++) {
          const o = ((op.y + y) * this.width + op.x + x) * 4;
          if (source) this.rgba.set(source.subarray((y * op.w + x) * 4, (y * op.w + x) * 4 + 4), o);
          else if (op.op === 'fill') this.rgba.set([op.r, op.g, op.b, 255], o);
        }
      }
    }
  }

  private read(x0: number, y0: number, w: number, h: number): Uint8Array {
    const out = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) out.set(this.rgba.subarray(((y0 + y) * this.width + x0) * 4, ((y0 + y) * this.width + x0 + w) * 4), y * w * 4);
    return out;
  }
}

/** Deterministic noise (incompressible) or text-like stripes (very compressible), alpha 255. */
function pattern(w: number, h: number, seed: number, noisy: boolean): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  let s = seed * 2654435761 || 1;
  for (let i = 0; i < out.length; i += 4) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const p = i / 4;
    const v = noisy ? s >>> 0 : (p % w) % 9 < 5 && Math.floor(p / w) % 14 < 10 ? 0x202020 : 0xf0f0f0 + seed;
    out.set([(v >> 16) & 255, (v >> 8) & 255, v & 255, 255], i);
  }
  return out;
}

/** One raw-deflate stream, as the host keeps per RESET: each update's bytes end in a sync flush. */
class Deflater {
  private readonly stream = zlib.createDeflateRaw();
  private readonly out: Buffer[] = [];
  constructor() {
    this.stream.on('data', (c: Buffer) => this.out.push(c));
  }
  async compress(bytes: Uint8Array): Promise<Uint8Array> {
    this.stream.write(bytes);
    await new Promise<void>((resolve) => this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    return new Uint8Array(Buffer.concat(this.out.splice(0)));
  }
  close(): void {
    this.stream.close();
  }
}

describe('viewer: lossless screen regions (headless Chromium, real data channel)', function () {
  this.timeout(90_000);
  let viewer: ViewerPage;
  let sharer: RegionsSharer;
  let deflater: Deflater;
  let picture: Picture;
  let seq = 0;

  const events = async (type: string) => (await viewer.page.evaluate(() => window.remoteAssist.events())).filter((e) => e.type === type);
  const showsCanvas = () => viewer.page.evaluate(() => window.remoteAssist.showsCanvas());
  const acked = (n: number) => until(`update ${n} to be acked`, () => sharer.acks.includes(n), 20_000);

  /** Sends one update (compressing its PIXELS bytes) and applies it to the model. */
  async function update(ops: ScreenOp[], pixels: Uint8Array = new Uint8Array(0), model = true): Promise<number> {
    const compressed = pixels.byteLength ? await deflater.compress(pixels) : new Uint8Array(0);
    sharer.screen(encodeUpdate(++seq, ops, compressed));
    if (model) picture.apply(ops, pixels);
    return seq;
  }

  /** RESET, the whole screen in bands of `rows` (one update each), then MODE regions naming the last. */
  async function refresh(width: number, height: number, rows: number, seed: number): Promise<number> {
    deflater?.close();
    deflater = new Deflater();
    picture = new Picture(width, height);
    sharer.screen(encodeReset(width, height));
    for (let y = 0; y < height; y += rows) {
      const h = Math.min(rows, height - y);
      await update([{ op: 'pixels', x: 0, y, w: width, h }], pattern(width, h, seed + y, seed % 2 === 1));
    }
    sharer.screen(encodeMode('regions', seq));
    return seq;
  }

  async function expectCanvasIsPicture(): Promise<void> {
    const { width, height } = picture;
    const b64 = await viewer.page.evaluate(([w, h]) => window.remoteAssist.canvasPixels(0, 0, w, h), [width, height] as const);
    const actual = Buffer.from(b64, 'base64');
    assert.strictEqual(actual.length, picture.rgba.length);
    const i = actual.findIndex((v, k) => v !== picture.rgba[k]);
    if (i >= 0) {
      const p = i >> 2;
      assert.fail(`canvas differs at ${p % width},${Math.floor(p / width)}: ${[...actual.subarray(p * 4, p * 4 + 4)]} vs ${[...picture.rgba.subarray(p * 4, p * 4 + 4)]}`);
    }
  }

  async function expectError(code: string, before: number): Promise<void> {
    await until(`a ${code} error`, async () => (await events('error')).slice(before).some((e) => e.code === code), 10_000);
  }

  before(async function () {
    viewer = await openViewerPage({ width: 640, height: 480 });
    sharer = new RegionsSharer((payload) => void viewer.signal(payload).catch(() => undefined));
    viewer.onSignal((payload) => sharer.signal(payload));
    await sharer.opened();
    sharer.control({ type: 'screen', width: WIDTH, height: HEIGHT });
    await until('the viewer to connect', async () => (await events('connected')).length > 0);
  });

  after(async function () {
    deflater?.close();
    sharer?.destroy();
    await viewer?.close();
  });

  it('refuses an update before any RESET: error, refresh, nothing shown', async function () {
    sharer.screen(encodeUpdate(++seq, [{ op: 'fill', x: 0, y: 0, w: 10, h: 10, r: 1, g: 2, b: 3 }], new Uint8Array(0)));
    await expectError('ERR_MALFORMED', 0);
    await until('a refresh request', () => sharer.refreshes === 1);
    assert.strictEqual(await showsCanvas(), false);
  });

  it('paints a whole screen split over several updates exactly, acks each, and shows it once MODE regions names the last', async function () {
    const first = seq + 1;
    const last = await refresh(WIDTH, HEIGHT, 48, 7); // noise: about 60 KiB per message, many inflate chunks
    await until('the canvas to show', showsCanvas, 20_000);
    await expectCanvasIsPicture();
    assert.deepStrictEqual(sharer.acks.slice(-(last - first + 1)), Array.from({ length: last - first + 1 }, (_, i) => first + i));
    const held = sharer.held.slice(-(last - first + 1));
    assert.ok(held.every((ms) => Number.isInteger(ms) && (ms as number) >= 0), `heldMs ${JSON.stringify(held)}`);
  });

  it('lies exactly over the video, under the cursor, and pointer input still reaches the sharer', async function () {
    const { order, boxes } = await viewer.page.evaluate(() => window.remoteAssist.layers());
    assert.deepStrictEqual(order, ['video', 'ra-screen', 'ra-cursor']);
    assert.deepStrictEqual(boxes['ra-screen'], boxes.video);
    sharer.control({ type: 'controlState', granted: true, reason: 'granted' });
    await until('control to be granted in the viewer', async () => (await events('control')).some((e) => e.granted === true));
    const point = await viewer.page.evaluate(() => window.remoteAssist.pagePoint(100, 50, 320, 240));
    await viewer.page.mouse.click(point.x, point.y);
    const press = await until('the click to reach the sharer', () => sharer.inputs.find((m) => m.type === 'pointerButton' && m.down === true));
    assert.deepStrictEqual([press.x, press.y], [100, 50]);
  });

  it('paints FILL and overlapping COPY (scrolls down, up and sideways) like the model', async function () {
    const text = pattern(WIDTH, 40, 3, false);
    const n = await update([
      { op: 'fill', x: 10, y: 10, w: 100, h: 60, r: 200, g: 30, b: 90 },
      { op: 'copy', x: 0, y: 7, w: WIDTH, h: HEIGHT - 7, srcX: 0, srcY: 0 }, // scroll down by 7: source and target overlap
      { op: 'pixels', x: 0, y: 0, w: WIDTH, h: 7 },
      { op: 'copy', x: 0, y: 0, w: WIDTH, h: HEIGHT - 13, srcX: 0, srcY: 13 }, // scroll up by 13
      { op: 'copy', x: 5, y: 100, w: 200, h: 50, srcX: 0, srcY: 100 }, // sideways, overlapping
      { op: 'pixels', x: 0, y: HEIGHT - 40, w: WIDTH, h: 40 },
      { op: 'fill', x: 300, y: 0, w: 20, h: 240, r: 0, g: 0, b: 0 },
    ], concat(pattern(WIDTH, 7, 11, true), text));
    await acked(n);
    await expectCanvasIsPicture();
  });

  it('paints a JPEG into the picture: a later COPY of it moves what the JPEG showed', async function () {
    const colour = { r: 40, g: 160, b: 220 };
    const data = await sharp({ create: { width: 64, height: 32, channels: 3, background: colour } }).jpeg({ quality: 95 }).toBuffer();
    const jpeg = { x: 16, y: 40, w: 64, h: 32 };
    const moved = { x: 200, y: 120, w: 64, h: 32 };
    await acked(await update([{ op: 'jpeg', ...jpeg, data: new Uint8Array(data) }], undefined, false));
    await acked(await update([{ op: 'copy', ...moved, srcX: jpeg.x, srcY: jpeg.y }], undefined, false));
    const read = async (r: typeof jpeg) => Buffer.from(await viewer.page.evaluate((c) => window.remoteAssist.canvasPixels(c.x, c.y, c.w, c.h), r), 'base64');
    const [shown, copied] = [await read(jpeg), await read(moved)];
    for (const [i, v] of [colour.r, colour.g, colour.b].entries()) assert.ok(Math.abs(shown[i] - v) <= 4, `the JPEG shows ${[...shown.subarray(0, 3)]}, not ${v} in channel ${i}`);
    assert.ok(copied.equals(shown), 'the COPY moved the pixels the JPEG painted');
    // the model knows no JPEG: both places painted over, for the tests that follow
    await acked(await update([{ op: 'fill', ...jpeg, r: 1, g: 2, b: 3 }, { op: 'fill', ...moved, r: 1, g: 2, b: 3 }]));
    await expectCanvasIsPicture();
  });

  it('inflates repeated text across updates from the one stream (the dictionary carries over)', async function () {
    const text = pattern(200, 30, 5, false);
    let n = 0;
    for (let i = 0; i < 6; i++) n = await update([{ op: 'pixels', x: 20 + i * 10, y: 30 * i, w: 200, h: 30 }], text);
    await acked(n);
    await expectCanvasIsPicture();
  });

  it('a corrupt stream: error and one refresh, nothing painted, updates skipped (and acked) until RESET', async function () {
    const errors = (await events('error')).length;
    const refreshes = sharer.refreshes;
    // 0xff starts a deflate block of the reserved type 3: invalid at once.
    sharer.screen(encodeUpdate(++seq, [{ op: 'pixels', x: 0, y: 0, w: 16, h: 16 }], new Uint8Array([0xff, 0xff, 0xff, 0xff])));
    await expectError('ERR_INFLATE', errors);
    const skipped = await update([{ op: 'fill', x: 0, y: 0, w: WIDTH, h: HEIGHT, r: 255, g: 255, b: 255 }], undefined, false);
    await acked(skipped);
    assert.strictEqual(sharer.refreshes, refreshes + 1);
    await expectCanvasIsPicture();
    assert.strictEqual(await showsCanvas(), true, 'the last good picture stays up');
    await acked(await refresh(WIDTH, HEIGHT, 120, 9));
    await expectCanvasIsPicture();
  });

  it('a refresh that breaks while the canvas shows: one error, the canvas stays up, MODE regions waits for a whole picture', async function () {
    const errors = (await events('error')).length;
    deflater.close();
    deflater = new Deflater();
    sharer.screen(encodeReset(WIDTH, HEIGHT)); // same size: the old picture stays while the refresh paints
    sharer.screen(encodeUpdate(++seq, [{ op: 'pixels', x: 0, y: 0, w: 16, h: 16 }], new Uint8Array([0xff, 0xff, 0xff, 0xff])));
    sharer.screen(encodeMode('regions', seq));
    await acked(await update([{ op: 'fill', x: 0, y: 0, w: 8, h: 8, r: 1, g: 1, b: 1 }], undefined, false)); // skipped, acked after the MODE
    assert.deepStrictEqual((await events('error')).slice(errors).map((e) => e.code), ['ERR_INFLATE']);
    assert.strictEqual(await showsCanvas(), true);
    await expectCanvasIsPicture();
    await acked(await refresh(WIDTH, HEIGHT, 240, 10));
    await expectCanvasIsPicture();
  });

  it('a rectangle outside the screen: error, refresh, nothing painted', async function () {
    const errors = (await events('error')).length;
    const refreshes = sharer.refreshes;
    sharer.screen(encodeUpdate(++seq, [{ op: 'fill', x: 0, y: 0, w: 50, h: 50, r: 9, g: 9, b: 9 }, { op: 'fill', x: 300, y: 0, w: 40, h: 10, r: 1, g: 1, b: 1 }], new Uint8Array(0)));
    await expectError('ERR_MALFORMED', errors);
    await until('a refresh request', () => sharer.refreshes === refreshes + 1);
    await expectCanvasIsPicture();
    await acked(await refresh(WIDTH, HEIGHT, 240, 4));
    await expectCanvasIsPicture();
  });

  it('an update drawing thousands of screens (7 000 full-screen COPYs in 91 KB): ERR_TOO_LARGE, refresh, nothing painted', async function () {
    const errors = (await events('error')).length;
    const refreshes = sharer.refreshes;
    const red: ScreenOp = { op: 'fill', x: 0, y: 0, w: WIDTH, h: HEIGHT, r: 255, g: 0, b: 0 };
    const scroll: ScreenOp = { op: 'copy', x: 0, y: 1, w: WIDTH, h: HEIGHT - 1, srcX: 0, srcY: 0 };
    sharer.screen(encodeUpdate(++seq, [red, ...Array.from({ length: 7000 }, () => scroll)], new Uint8Array(0)));
    await expectError('ERR_TOO_LARGE', errors);
    await until('a refresh request', () => sharer.refreshes === refreshes + 1);
    await expectCanvasIsPicture();
    await acked(await refresh(WIDTH, HEIGHT, 240, 16));
    await expectCanvasIsPicture();
  });

  // 64×64 pixels are 16 KiB, the size of Chromium's inflate output chunks: twice that ends in a chunk of its own.
  for (const [what, side, factor] of [['more', 32, 2], ['more', 64, 2], ['less', 32, 0.5]] as const) {
    it(`an update that inflates to ${what} than its PIXELS bytes (${side}×${side}): error, refresh, nothing painted`, async function () {
      const errors = (await events('error')).length;
      const refreshes = sharer.refreshes;
      const compressed = await deflater.compress(pattern(side, side * factor, 2, true));
      sharer.screen(encodeUpdate(++seq, [{ op: 'pixels', x: 0, y: 0, w: side, h: side }], compressed));
      await expectError('ERR_INFLATE_SIZE', errors);
      await until('a refresh request', () => sharer.refreshes === refreshes + 1);
      await expectCanvasIsPicture();
      await acked(await refresh(WIDTH, HEIGHT, 80, 6));
      await expectCanvasIsPicture();
    });
  }

  it('text and unknown kinds on the screen channel: errors, one refresh, nothing painted', async function () {
    const errors = (await events('error')).length;
    const refreshes = sharer.refreshes;
    sharer.screen('{"type":"reset","width":10,"height":10}');
    sharer.screen(new Uint8Array([9, 0, 0]));
    await expectError('ERR_MALFORMED', errors);
    await expectError('ERR_UNKNOWN_TYPE', errors);
    await expectCanvasIsPicture();
    await acked(await refresh(WIDTH, HEIGHT, 240, 8));
    // Acks travel after the refresh on the same ordered channel: a second refresh would be here by now.
    assert.strictEqual(sharer.refreshes, refreshes + 1, 'one refresh until the RESET comes');
    await expectCanvasIsPicture();
  });

  it('a new screen size hides the canvas until the new picture is whole', async function () {
    sharer.screen(encodeReset(160, 120));
    await until('the canvas to hide', async () => !(await showsCanvas()));
    await refresh(160, 120, 60, 12);
    await until('the canvas to show', showsCanvas);
    assert.deepStrictEqual(await viewer.page.evaluate(() => [window.remoteAssist.layers().boxes['ra-screen'], document.querySelector('canvas.ra-screen')!.getAttribute('width')]), [
      (await viewer.page.evaluate(() => window.remoteAssist.layers())).boxes.video,
      '160',
    ]);
    await expectCanvasIsPicture();
    await refresh(WIDTH, HEIGHT, 120, 13);
    await until('the canvas to show', showsCanvas);
    await expectCanvasIsPicture();
  });

  it('switches to video at the next presented video frame, and back to the canvas after a refresh', async function () {
    const colour = (x: number, y: number) => viewer.page.evaluate(([x, y]) => window.remoteAssist.averageColor(x, y, 20, 20, 320), [x, y] as const);
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 40);
    await update([{ op: 'fill', x: 0, y: 0, w: WIDTH, h: HEIGHT, r: 220, g: 20, b: 20 }]);
    await until('red on the canvas', async () => near(await colour(150, 110), [220, 20, 20]));
    // Stop the video and wait until no frame is in flight.
    sharer.videoColour = undefined;
    let frames = -1;
    let still = 0;
    await until('video frames to stop', async () => {
      const now = await viewer.page.evaluate(() => window.remoteAssist.presentedFrames());
      still = now === frames ? still + 1 : 0;
      frames = now;
      return still >= 10;
    }, 20_000, 100);
    sharer.screen(encodeMode('video', seq));
    await acked(await update([{ op: 'fill', x: 0, y: 0, w: 4, h: 4, r: 220, g: 20, b: 20 }])); // MODE video is handled before it
    const leaving = (await events('regionsMode')).filter((e) => e.mode === 'leavingRegions').at(-1);
    assert.ok(leaving, 'MODE video starts leaving the canvas');
    // No callback saw the last video frame: Chromium may present it to the next one, though it is old. Two
    // rendering steps later the canvas must still be up (a stale frame must not take its place).
    await viewer.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    assert.strictEqual(await showsCanvas(), true, 'the canvas stays until a new video frame is presented');
    await viewer.page.evaluate(() => window.remoteAssist.recordFrames());
    sharer.videoColour = [0, 200, 0];
    await until('the canvas to hide on the next video frame', async () => !(await showsCanvas()));
    const hidden = (await events('regionsMode')).filter((e) => e.mode === 'video').at(-1);
    const firstFrame = (await events('frame')).find((e) => (e.presentedAt as number) >= leaving.at);
    assert.ok(hidden && firstFrame && hidden.at >= (firstFrame.presentedAt as number), `hidden at ${hidden?.at}, first video frame presented after MODE video at ${firstFrame?.presentedAt}`);
    await until('green video shown', async () => near(await colour(150, 110), [0, 200, 0]));
    await refresh(WIDTH, HEIGHT, 120, 14);
    await until('the canvas to show again', showsCanvas);
    await expectCanvasIsPicture();
  });

  it('reports the mode, region updates per second and their bytes in its stats', async function () {
    const from = Date.now();
    const stats = await until('stats of a steady stream of updates', async () => {
      await update([{ op: 'pixels', x: 0, y: 0, w: 64, h: 64 }], pattern(64, 64, Date.now() & 0xffff, true));
      return (await events('stats')).find((s) => s.at > from + 1500 && s.mode === 'regions' && (s.regionUpdates as number) >= 3);
    }, 20_000, 50);
    const regionKbps = stats.regionKbps as number;
    // Each update carries ~16 KiB of noise: the screen channel's rate, and the transport's that includes it.
    assert.ok(regionKbps > 3 * 16 * 8, `region kbit/s ${regionKbps}`);
    assert.ok((stats.kbps as number) >= regionKbps * 0.9, `transport ${stats.kbps} kbit/s vs screen channel ${regionKbps}`);
    await acked(seq);
    await expectCanvasIsPicture();
  });

  it('runs under the strict content security policy without page errors', function () {
    assert.deepStrictEqual(viewer.problems, []);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
