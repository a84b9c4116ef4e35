/**
 * X11 capture reads only what changed: after the first grab, a grab reads the box DAMAGE reported (and what a
 * caller overwrote, marked stale), and what it hands on still equals the X server's picture pixel for pixel.
 * A real Xvfb with an xterm typed into by xdotool; the truth is the server's own core GetImage.
 */
import * as assert from 'assert';
import { readSync } from 'fs';
import { FrameMaskedCapture } from '../../src/host/capture/FrameMaskedCapture';
import { ScreenArea } from '../../src/host/capture/ScreenArea';
import { X11Capture } from '../../src/host/capture/X11Capture';
import { X11Display } from '../../src/host/x11/X11Display';
import { mappedShmProvider, ShmProvider } from '../../src/host/x11/MappedShm';
import { X11SharingFrame } from '../../src/host/x11/X11SharingFrame';
import { until } from './support/poll';
import { screenImage, sentImage } from './support/screenImage';
import { TestDisplay } from './support/session';

const W = 1024;
const H = 768;

describe('host: X11 capture reads only the damaged box (Xvfb, xterm, MIT-SHM)', function () {
  this.timeout(60_000);
  let display: TestDisplay;
  let x: X11Display;
  let capture: X11Capture;
  const xdotool = (...args: string[]) => display.run('xdotool', args);

  before(async function () {
    display = await TestDisplay.start(W, H);
    await display.xterm(['-geometry', '80x24+40+40', '-bg', 'white', '-fg', 'black'], 'typing');
    x = await X11Display.connect(display.x.display);
    capture = await X11Capture.open(x, new ScreenArea({ x: 0, y: 0, width: W, height: H }, true));
  });

  after(async function () {
    capture?.dispose();
    x?.dispose();
    await display?.close();
  });

  /** Grabs until the frame equals `truth()` (the screen may still be drawing); returns the pixels each grab read. */
  async function converges(what: string, grab: () => Promise<Buffer>, truth: () => Promise<Buffer>): Promise<number[]> {
    const reads: number[] = [];
    let differing = 0;
    await until(
      what,
      async () => {
        const frame = Buffer.from(await grab());
        reads.push(capture.lastReadPixels);
        const expected = await truth();
        differing = 0;
        for (let i = 0; i < expected.length; i += 4) if (frame.readUInt32LE(i) << 8 !== expected.readUInt32LE(i) << 8) differing++;
        return differing === 0;
      },
      20_000,
      100,
      () => `${differing} pixels differ`,
    );
    return reads;
  }

  it('reads the whole screen first, then only the rows a keystroke changed, and stays exact', async function () {
    const first = await converges('the first grab to equal the screen', () => capture.grab(), () => screenImage(x, W, H));
    assert.strictEqual(first[0], W * H, 'the first grab reads the whole screen');
    await xdotool('mousemove', '200', '100');
    const reads: number[] = [];
    for (const key of ['e', 'c', 'h', 'o', 'space', 'x', 'y', 'z']) {
      await xdotool('key', key);
      await until(`damage after "${key}"`, () => capture.isDirty);
      reads.push(...(await converges(`the frame after "${key}" to equal the screen`, () => capture.grab(), () => screenImage(x, W, H))));
    }
    const most = Math.max(...reads);
    assert.ok(most > 0, 'keystrokes were read');
    // A line of text is ~15 rows of 768: far under a tenth of the screen per grab.
    assert.ok(most < (W * H) / 10, `a grab read ${most} pixels of ${W * H} (reads ${reads.join(', ')})`);
  });

  it('reads a change taller than a line and narrower than half the screen as its box, not as whole rows', async function () {
    await converges('the frame to equal the screen', () => capture.grab(), () => screenImage(x, W, H));
    // A small window appears: about 80×110 px, well over a line's height.
    const small = await display.xterm(['-geometry', '12x8+600+400', '-bg', '#c03030', '-fg', '#c03030'], 'small');
    try {
      await until('damage from the new window', () => capture.isDirty);
      const reads = await converges('the frame with the new window', () => capture.grab(), () => screenImage(x, W, H));
      const rowsOfIt = 100 * W;
      assert.ok(reads.every((n) => n < rowsOfIt / 4), `grabs read ${reads.join(', ')} pixels; the window's whole rows are over ${rowsOfIt}`);
    } finally {
      small.kill();
    }
    await converges('the frame without the window', () => capture.grab(), () => screenImage(x, W, H));
  });

  it('reads again what a caller overwrote and marked stale, though the screen did not change there', async function () {
    const frame = await capture.grab();
    const rect = { x: 100, y: 300, width: 200, height: 50 };
    for (let row = rect.y; row < rect.y + rect.height; row++) frame.fill(0x55, (row * W + rect.x) * 4, (row * W + rect.x + rect.width) * 4);
    capture.markStale([rect]);
    const reads = await converges('the overwritten rectangle to be read anew', () => capture.grab(), () => screenImage(x, W, H));
    assert.ok(reads[0] >= rect.width * rect.height, `read ${reads[0]} pixels`);
  });

  it('behind the sharing frame\'s mask (strips blacked out every grab), a keystroke still reads few pixels and the picture is exact', async function () {
    const area = new ScreenArea({ x: 0, y: 0, width: W, height: H }, true);
    const frameWindow = await X11SharingFrame.open(display.x.display, area);
    const masked = new FrameMaskedCapture(capture, frameWindow);
    try {
      await converges('the masked frame to equal the screen less the strips', () => masked.grab(), () => sentImage(x, W, H));
      const reads: number[] = [];
      for (const key of ['a', 'b', 'c']) {
        await xdotool('key', key);
        await until(`damage after "${key}"`, () => masked.isDirty);
        reads.push(...(await converges(`the masked frame after "${key}"`, () => masked.grab(), () => sentImage(x, W, H))));
      }
      assert.ok(Math.max(...reads) < (W * H) / 10, `reads ${reads.join(', ')} of ${W * H}`);
    } finally {
      frameWindow.dispose();
    }
  });

  it('says where a grab may have changed the frame: outside it, every pixel is as the grab before left it (masks included)', async function () {
    const area = new ScreenArea({ x: 0, y: 0, width: W, height: H }, true);
    const frameWindow = await X11SharingFrame.open(display.x.display, area);
    const masked = new FrameMaskedCapture(capture, frameWindow);
    const inside = (areas: readonly { x: number; y: number; width: number; height: number }[], px: number, py: number) =>
      areas.some((a) => px >= a.x && px < a.x + a.width && py >= a.y && py < a.y + a.height);
    try {
      await converges('the masked frame to equal the screen less the strips', () => masked.grab(), () => sentImage(x, W, H));
      let previous = Buffer.from(await masked.grab());
      let told = 0;
      for (const key of ['q', 'r', 's', 't']) {
        await xdotool('key', key);
        await until(`damage after "${key}"`, () => masked.isDirty);
        const frame = await masked.grab();
        const changed = masked.lastChanged;
        assert.ok(changed, `the grab after "${key}" says where it changed`);
        told += changed.length;
        let outside = 0;
        let area = 0;
        for (let py = 0; py < H; py++) {
          for (let px = 0; px < W; px++) {
            if (inside(changed, px, py)) area++;
            else if (frame.readUInt32LE((py * W + px) * 4) !== previous.readUInt32LE((py * W + px) * 4)) outside++;
          }
        }
        assert.strictEqual(outside, 0, `after "${key}": ${outside} pixels changed outside ${JSON.stringify(changed)}`);
        // The key's rows and the mask's strips, not the screen.
        assert.ok(area < (W * H) / 4, `after "${key}": ${area} of ${W * H} pixels said changed (${JSON.stringify(changed)})`);
        previous = Buffer.from(frame);
      }
      assert.ok(told > 0, 'the keys changed something');
    } finally {
      frameWindow.dispose();
    }
  });

  it('grabs into segments mapped into the host: the X server writes the pixels, nothing copies them back', async function () {
    const shm = await x.extension<{ provider: ShmProvider | null }>('shm');
    assert.ok(shm.provider?.zeroCopy, 'the capture connection uses the mapped provider');
    const provider = mappedShmProvider() as ShmProvider;
    const seg = provider.create(4096);
    try {
      assert.ok(seg.mapped, 'the segment is mapped');
      // the buffer is the segment file's memory: written here, read back through the descriptor
      seg.buffer.write('mapped', 100);
      const back = Buffer.alloc(6);
      readSync(seg.fd as number, back, 0, 6, 100);
      assert.strictEqual(back.toString(), 'mapped');
    } finally {
      provider.destroy(seg);
    }
    assert.strictEqual(seg.fd, null);
  });
});
