/**
 * Lossless screen regions as a user's viewer receives them: a real host on Xvfb sends the screen channel
 * over real WebRTC to a scripted helper, whose reference decoder (Node inflate + the ops on an RGBA
 * buffer) must equal the X server's own picture pixel for pixel — after connecting, a window, typing, a
 * scroll (which must travel as COPY), a flood with acks withheld, and hostile messages.
 */
import * as assert from 'assert';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { X11Display } from '../../src/host/x11/X11Display';
import { MAX_FRAMES_IN_FLIGHT } from '../../src/host/regions/ScreenChannel';
import { encodeScreenAck, SCREEN_KIND } from '../../src/protocol/screen';
import { startScene } from '../../bench/host/scene';
import { NodeHelperPeer } from './support/nodePeer';
import { until } from './support/poll';
import { ScreenDecoder } from './support/ScreenDecoder';
import { drawPhoto, sentImage } from './support/screenImage';
import { emptyRecord, startHost, TEST_QUALITY, TestDisplay } from './support/session';

const W = 1024;
const H = 768;

describe('host: lossless screen regions (Xvfb → host → screen channel → reference decoder)', function () {
  this.timeout(120_000);
  const record = emptyRecord();
  let display: TestDisplay;
  let supervisor: HostSupervisor;
  let helper: NodeHelperPeer;
  let x: X11Display;
  const decoder = new ScreenDecoder();
  const decodeErrors: Error[] = [];
  let acking = true;
  let painted = 0;
  /** Messages received by kind (reset, update, mode). */
  const received = { [SCREEN_KIND.reset]: 0, [SCREEN_KIND.update]: 0, [SCREEN_KIND.mode]: 0 } as Record<number, number>;
  let lastDiff = -1;

  /** Acks as the viewer does (binary); the JSON ack of an older viewer is accepted too (the hostile-messages test). */
  const ack = (seq: number) => helper.send('screen', encodeScreenAck({ type: 'ack', seq, heldMs: 0, atMs: Math.round(performance.now()) }));
  const xdotool = (...args: string[]) => display.run('xdotool', args);
  /** Polls until the decoded picture equals the X screen exactly. */
  const converged = (what: string, timeoutMs = 30_000) =>
    until(
      what,
      async () => decoder.mode === 'regions' && decoder.width === W && (lastDiff = decoder.differences(await sentImage(x, W, H))) === 0,
      timeoutMs,
      100,
      () => `${lastDiff} pixels differ, mode ${decoder.mode}, decode errors ${decodeErrors.map((e) => e.message).join('; ')}`,
    );

  before(async function () {
    display = await TestDisplay.start(W, H);
    // The xterm also keeps a client connected, so Xvfb keeps the root background set next.
    await display.xterm(['-geometry', '80x24+40+40', '-bg', 'white', '-fg', 'black'], 'regionterm');
    await display.run('xsetroot', ['-solid', '#305080']);
    x = await X11Display.connect(display.x.display);
    helper = new NodeHelperPeer((payload) => supervisor.signal(payload));
    helper.onScreen = (data) => {
      received[new Uint8Array(data)[0]] = (received[new Uint8Array(data)[0]] ?? 0) + 1;
      decoder
        .push(data, (seq) => {
          painted = seq;
          if (acking) ack(seq);
        })
        .catch((err: Error) => decodeErrors.push(err));
    };
    supervisor = await startHost(display, (payload) => helper.signal(payload), record);
    await until('the helper to connect', () => helper.connected && record.connected);
  });

  after(async function () {
    helper?.destroy();
    await supervisor?.stop();
    supervisor?.dispose();
    x?.dispose();
    await display?.close();
  });

  it('sends the whole screen after connecting, then regions mode, pixel for pixel', async function () {
    await converged('the decoded screen to equal the display');
    assert.strictEqual(decoder.resets, 1);
    await until('host stats to report regions mode', () => record.stats.some((s) => s.mode === 'regions'));
    if (process.env.RA_DEBUG) setInterval(() => console.log(JSON.stringify(record.stats.at(-1)), decoder.mode, decoder.resets, JSON.stringify(decoder.opCounts)), 1000).unref();
    assert.deepStrictEqual(decodeErrors, []);
  });

  it('shows a window drawn on the display', async function () {
    await display.xterm(['-geometry', '30x8+600+400', '-bg', '#c83232', '-fg', '#c83232'], 'redwindow');
    await converged('the red window in the decoded screen');
    const at = (650 * 1 + 450 * W) * 4;
    assert.deepStrictEqual([...decoder.rgba.subarray(at, at + 4)], [0xc8, 0x32, 0x32, 255]);
  });

  it('shows text typed in an xterm', async function () {
    await xdotool('mousemove', '300', '200');
    const before = received[SCREEN_KIND.update];
    await xdotool('type', '--delay', '40', 'echo lossless regions');
    await converged('the typed text in the decoded screen');
    assert.ok(received[SCREEN_KIND.update] > before, 'typing sent updates');
  });

  it('sends a scroll as COPY and ends pixel-exact', async function () {
    const copies = decoder.opCounts.copy;
    // Slow output, as a log being followed: each frame sees the text moved by a line or two.
    await xdotool('type', '--delay', '20', 'clear; for i in $(seq 1 80); do echo $i $((i * i * 7919)) of a scrolling log; sleep 0.03; done\n');
    await until('the loop to end', async () => decoder.opCounts.copy > copies + 10, 30_000);
    await converged('the scrolled xterm in the decoded screen');
    assert.ok(decoder.opCounts.copy > copies, `no COPY op for a scroll (ops ${JSON.stringify(decoder.opCounts)})`);
  });

  it('finds the moves of two panes scrolling side by side at different rates', async function () {
    const copiesBefore = decoder.copies.length;
    // The right pane prints two lines every 50 ms, the left one a line every 30 ms: offsets differ.
    const loop = 'for i in $(seq 1 60); do echo right pane $i $((i * 31337)); echo and $((i * 7919)); sleep 0.05; done; exec sleep 600';
    await display.xterm(['-geometry', '70x24+560+40', '-bg', 'white', '-fg', 'black', '-e', 'sh', '-c', loop], 'rightpane');
    await xdotool('mousemove', '300', '200');
    await xdotool('type', '--delay', '10', 'for i in $(seq 1 120); do echo left $i $((i * 7)); sleep 0.03; done\n');
    // One update moving each pane by its own offset shows that the panes were told apart (a move may
    // widen over blank columns beside its pane, so a pane is told by where the move starts and ends).
    const moves = () => decoder.copies.slice(copiesBefore);
    const splitUpdates = () => {
      const seqs = new Set<number>();
      for (const l of moves().filter((m) => m.x < 200 && m.x + m.w < 560)) {
        if (moves().some((r) => r.seq === l.seq && r.x >= 200 && r.x + r.w > 600 && r.dy !== l.dy)) seqs.add(l.seq);
      }
      return seqs.size;
    };
    await until('updates that move the two panes by different offsets', () => splitUpdates() >= 3, 30_000, 100, () => JSON.stringify(moves()));
    await converged('both panes in the decoded screen');
  });

  it('sends a photo window dragged diagonally as COPY ops from its old place and ends pixel-exact', async function () {
    const client = x.client as unknown as {
      CreateWindow(id: number, parent: number, x: number, y: number, w: number, h: number, border: number, depth: number, cls: number, visual: number, values: object): void;
      MapWindow(id: number): void;
      MoveWindow(id: number, x: number, y: number): void;
      DestroyWindow(id: number): void;
    };
    const win = x.client.AllocID();
    const INPUT_OUTPUT = 1;
    client.CreateWindow(win, x.root, 500, 300, 240, 180, 0, 0, INPUT_OUTPUT, 0, { overrideRedirect: 1, backgroundPixel: 0 });
    client.MapWindow(win);
    try {
      await converged('the new window in the decoded screen');
      // The photo is drawn into the window's pixels; the server moves them with it (no repaint).
      drawPhoto(x, 500, 300, 240, 180, 5);
      await converged('the photo in the decoded screen');
      const before = decoder.copies.length;
      for (const [wx, wy] of [
        [530, 320],
        [575, 290],
        [540, 350],
      ]) {
        client.MoveWindow(win, wx, wy);
        await converged(`the window moved to ${wx},${wy}`);
      }
      const moves = decoder.copies.slice(before);
      assert.ok(
        moves.some((m) => m.dx !== 0 && m.dy !== 0 && m.w >= 200),
        `no two-dimensional COPY of the window (copies ${JSON.stringify(moves)}, ops ${JSON.stringify(decoder.opCounts)})`,
      );
    } finally {
      client.DestroyWindow(win);
    }
    await converged('the window gone from the decoded screen');
  });

  it('holds back while acks are withheld, then converges', async function () {
    // The scene paints the whole root once when it starts; the flood is its area from then on.
    const scene = await startScene(display.x.display, { fps: 30, area: { x: 0, y: 420, width: 560, height: 340 } });
    try {
      await until('the scene to start', () => scene.ticks >= 10);
      acking = false;
      await until('the last ack to be processed', () => painted >= decoder.lastSeq);
      const sentBefore = received[SCREEN_KIND.update];
      const ticks = scene.ticks;
      await until('the scene to draw 60 changes', () => scene.ticks >= ticks + 60, 30_000);
      // At most MAX_FRAMES_IN_FLIGHT frames unacknowledged; a frame of this scene is a few updates, never dozens.
      const sentWhileWithheld = received[SCREEN_KIND.update] - sentBefore;
      assert.ok(sentWhileWithheld <= MAX_FRAMES_IN_FLIGHT * 4, `${sentWhileWithheld} updates sent without acks`);
    } finally {
      scene.close();
    }
    acking = true;
    await until('the decoder to catch up', () => painted === decoder.lastSeq && decoder.lastSeq > 0);
    ack(painted);
    await converged('the decoded screen after acks resume');
  });

  it('ignores garbage and hostile messages on the screen channel, and rate-limits refreshes', async function () {
    const errorsBefore = record.errors.filter((e) => e.code === 'ERR_PEER_PROTOCOL').length;
    const resetsBefore = decoder.resets;
    helper.send('screen', new Uint8Array([1, 2, 3, 0xff]));
    helper.send('screen', encodeScreenAck({ type: 'ack', seq: 0xffff_fff0 }));
    helper.send('screen', JSON.stringify({ type: 'ack', seq: 1 }));
    helper.send('screen', 'not json');
    helper.send('screen', JSON.stringify({ type: 'ack', seq: 0xffff_fff0 }));
    helper.send('screen', JSON.stringify({ type: 'paint', everything: true }));
    helper.send('screen', JSON.stringify({ type: 'ack', seq: 1, padding: 'x'.repeat(500) }));
    // The viewer's hold (Auto takes it off the link's delay) must be a sane whole number of ms.
    for (const heldMs of [-1, 1.5, 600_001, 'soon']) helper.send('screen', JSON.stringify({ type: 'ack', seq: 1, heldMs }));
    for (let i = 0; i < 50; i++) helper.send('screen', JSON.stringify({ type: 'refresh' }));
    await until('the host to report the bad messages', () => record.errors.filter((e) => e.code === 'ERR_PEER_PROTOCOL').length > errorsBefore);
    await until('a refresh to arrive', () => decoder.resets > resetsBefore);
    await converged('the decoded screen after the refresh');
    assert.ok(decoder.resets - resetsBefore <= 2, `${decoder.resets - resetsBefore} resets for 50 refresh requests`);
    assert.strictEqual(record.exited, false);
    assert.deepStrictEqual(decodeErrors, []);
  });

  it('switches to video when regions exceed the bit budget, and back once the screen calms down', async function () {
    supervisor.setQuality({ maxKbps: 50, fps: 30, scale: 1 });
    const scene = await startScene(display.x.display, { fps: 30, area: { x: 0, y: 0, width: W, height: H } });
    try {
      await until('MODE video under a 50 kbit/s budget', () => decoder.mode === 'video', 30_000);
      await until('host stats to report video mode', () => record.stats.at(-1)?.mode === 'video');
    } finally {
      scene.close();
    }
    supervisor.setQuality(TEST_QUALITY);
    const resets = decoder.resets;
    await until('regions again once the screen is still', () => decoder.resets > resets && decoder.mode === 'regions', 30_000);
    await converged('the decoded screen back in regions mode');
    assert.deepStrictEqual(decodeErrors, []);
  });

  it('Auto quality: a photo goes as JPEG at first, then is refined to the exact screen', async function () {
    supervisor.setQuality({ ...TEST_QUALITY, adaptive: true });
    await until('host stats to report Auto quality', () => record.stats.at(-1)?.link !== undefined);
    const jpegs = decoder.opCounts.jpeg;
    drawPhoto(x, 560, 60, 320, 192);
    await until('a JPEG update for the photo', () => decoder.opCounts.jpeg > jpegs, 20_000, 100, () => `ops ${JSON.stringify(decoder.opCounts)}, link ${JSON.stringify(record.stats.at(-1)?.link)}, errors ${JSON.stringify(record.errors)}`);
    await converged('the photo refined losslessly');
    await until('no approximate tiles left', () => record.stats.at(-1)?.link?.approximateTiles === 0);
    assert.deepStrictEqual(decodeErrors, []);
    supervisor.setQuality(TEST_QUALITY);
  });
});
