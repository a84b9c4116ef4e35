/**
 * FrameDiff: where a frame differs from the shadow, and what it leaves alone — areas the caller knows to be
 * equal (moves verified and applied to the shadow) are not compared again, whole rows or the part of a row
 * they cover, while the rest of those rows still is.
 */
import * as assert from 'assert';
import { FrameDiff, TILE_H } from '../../src/host/regions/FrameDiff';
import { Rect } from '../../src/protocol/screen';

const W = 256;
const H = 128;

function frames(): { current: Buffer; shadow: Buffer } {
  const shadow = Buffer.alloc(W * H * 4, 0x20);
  return { current: Buffer.from(shadow), shadow };
}

/** Changes one pixel of `frame` at (x, y). */
function poke(frame: Buffer, x: number, y: number): void {
  frame[(y * W + x) * 4] ^= 0xff;
}

const contains = (r: Rect, x: number, y: number) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;

describe('host: the frame diff', function () {
  it('finds each changed pixel, in a rectangle trimmed to it; nothing when equal', function () {
    const diff = new FrameDiff(W, H);
    const { current, shadow } = frames();
    assert.deepStrictEqual(diff.rects(current, shadow), []);
    poke(current, 70, 40);
    poke(current, 200, 100);
    const rects = diff.rects(current, shadow);
    assert.strictEqual(rects.length, 2, JSON.stringify(rects));
    assert.ok(rects.some((r) => contains(r, 70, 40)) && rects.some((r) => contains(r, 200, 100)), JSON.stringify(rects));
    for (const r of rects) assert.ok(r.w === 1 && r.h === 1, JSON.stringify(r));
  });

  it('does not look inside areas known to be equal, and still compares the rest of the rows they cover in part', function () {
    const diff = new FrameDiff(W, H);
    const { current, shadow } = frames();
    // A band of the left half (a scrolled pane), and rows 96-111 whole (a whole-width scroll).
    const equal: Rect[] = [
      { x: 0, y: 16, w: 128, h: 64 },
      { x: 0, y: 96, w: W, h: TILE_H },
    ];
    poke(current, 10, 20); // inside the pane: trusted, not reported
    poke(current, 50, 100); // inside the whole-width rows: not reported
    poke(current, 190, 20); // beside the pane, on the same rows: reported
    poke(current, 10, 90); // below the pane: reported
    const rects = diff.rects(current, shadow, equal);
    assert.strictEqual(rects.length, 2, JSON.stringify(rects));
    assert.ok(rects.some((r) => contains(r, 190, 20)), `the change beside the pane: ${JSON.stringify(rects)}`);
    assert.ok(rects.some((r) => contains(r, 10, 90)), `the change below the pane: ${JSON.stringify(rects)}`);
    for (const r of rects) assert.ok(!contains(r, 10, 20) && !contains(r, 50, 100), JSON.stringify(rects));
  });

  it('compares a tile an equal area covers only in part (its area need not be tile-aligned), and clips areas to the screen', function () {
    const diff = new FrameDiff(W, H);
    const { current, shadow } = frames();
    poke(current, 40, 8); // in the tile [32, 64), of which the area covers [0, 40) only
    const rects = diff.rects(current, shadow, [
      { x: -8, y: 0, w: 48, h: 32 },
      { x: 240, y: -4, w: 64, h: 200 },
    ]);
    assert.strictEqual(rects.length, 1, JSON.stringify(rects));
    assert.ok(contains(rects[0], 40, 8), JSON.stringify(rects));
  });

  it('looks only where the frame may have changed (what capture read anew), less the areas known equal', function () {
    const diff = new FrameDiff(W, H);
    const { current, shadow } = frames();
    poke(current, 20, 10); // outside every changed area: not looked at
    poke(current, 100, 50); // in the changed rows
    poke(current, 200, 70); // in the changed rectangle beside them
    poke(current, 60, 60); // in the changed rows, but inside an area known equal
    const within: Rect[] = [
      { x: 0, y: 40, w: W, h: 24 },
      { x: 180, y: 64, w: 40, h: 16 },
    ];
    const rects = diff.rects(current, shadow, [{ x: 48, y: 56, w: 32, h: 8 }], within);
    assert.strictEqual(rects.length, 2, JSON.stringify(rects));
    assert.ok(rects.some((r) => contains(r, 100, 50)) && rects.some((r) => contains(r, 200, 70)), JSON.stringify(rects));
    // nothing changed anywhere it may have: nothing to send, and no row compared outside
    assert.deepStrictEqual(diff.rects(current, shadow, [], []), []);
  });
});

