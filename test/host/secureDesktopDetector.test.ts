/** The Windows secure-desktop detector on frames made here: how long black must last, failures, hysteresis. */
import * as assert from 'assert';
import { HIDE_AFTER_MS, SecureDesktopDetector } from '../../src/host/capture/SecureDesktopDetector';

const W = 320;
const H = 200;

function frame(fill: (x: number, y: number) => number): Buffer {
  const image = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) image.fill(fill(x, y), (y * W + x) * 4, (y * W + x) * 4 + 3);
  return image;
}

describe('SecureDesktopDetector', () => {
  const black = frame(() => 0);
  const desktop = frame((x) => 60 + (x % 100));
  let detector: SecureDesktopDetector;
  let changes: boolean[];

  beforeEach(() => {
    detector = new SecureDesktopDetector({ width: W, height: H, stride: W * 4 });
    changes = [];
    detector.onDidChange((hidden) => changes.push(hidden));
  });
  afterEach(() => detector.dispose());

  it('reports hidden only once the screen has been black for a while, and back on the first lit frame', () => {
    detector.observe(desktop, 0);
    detector.observe(black, 100);
    detector.observe(black, 100 + HIDE_AFTER_MS - 1);
    assert.deepStrictEqual(changes, [], 'a short black moment (a video cut, a fade) is not a UAC prompt');
    detector.observe(black, 100 + HIDE_AFTER_MS);
    assert.deepStrictEqual(changes, [true]);
    assert.ok(detector.hidden);
    detector.observe(black, 5000);
    detector.observe(desktop, 5100);
    assert.deepStrictEqual(changes, [true, false]);
  });

  it('counts failed grabs as hidden (the secure desktop can refuse the capture outright)', () => {
    detector.observe(undefined, 0);
    detector.observe(undefined, HIDE_AFTER_MS);
    assert.deepStrictEqual(changes, [true]);
  });

  it('a dark screen that is not all black is never hidden; a nearly black one does not end hidden (hysteresis)', () => {
    const dark = frame((x, y) => (x === 10 && y === 6 ? 0 : 12));
    detector.observe(dark, 0);
    detector.observe(dark, 5000);
    assert.deepStrictEqual(changes, []);
    detector.observe(black, 6000);
    detector.observe(black, 6000 + HIDE_AFTER_MS);
    // a mouse pointer or one lit sample: not yet the screen coming back
    const oneLit = frame((x, y) => (x < 20 && y < 12 ? 255 : 0));
    detector.observe(oneLit, 9000);
    detector.observe(dark, 9100);
    assert.deepStrictEqual(changes, [true]);
    detector.observe(desktop, 9200);
    assert.deepStrictEqual(changes, [true, false]);
  });
});
