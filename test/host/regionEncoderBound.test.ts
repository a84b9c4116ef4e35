/**
 * The host's region encoder against the viewer's own validator: heavy scrolling of text in panes moving by
 * different offsets, with noise repainted beside them, encoded frame after frame. Every message must pass
 * parseScreenMessage (size, ops, and the area one update may draw), and the reference decoder must end each
 * frame equal to it, byte for byte.
 */
import * as assert from 'assert';
import { RegionEncoder } from '../../src/host/regions/RegionEncoder';
import { parseScreenMessage, SCREEN_KIND, updateAreaLimit } from '../../src/protocol/screen';
import { ScreenDecoder } from './support/ScreenDecoder';

const W = 768;
const H = 600;

/** A BGRX frame: two text panes scrolled by their own offsets, and a noisy strip that changes each frame. */
function frame(step: number): Buffer {
  const out = Buffer.alloc(W * H * 4);
  let s = step * 2654435761 || 1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      let v: number;
      if (x < 256) v = text(x, y + step * 3);
      else if (x < 512) v = text(x * 3, y + step * 7);
      else {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        v = s >>> 8;
      }
      out[o] = v & 0xff;
      out[o + 1] = (v >> 8) & 0xff;
      out[o + 2] = (v >> 16) & 0xff;
    }
  }
  return out;
}

/** Line `row / 14` of a log: glyph-like dots whose pattern depends on the line, blank between lines. */
function text(x: number, row: number): number {
  const line = Math.floor(row / 14);
  if (row % 14 >= 10 || x % 9 >= 6) return 0xfafafa;
  const h = Math.imul(line + 1, 2654435761) ^ Math.imul(Math.floor(x / 9) + 1, 40503) ^ Math.imul((row % 14) >> 1, 69069);
  return (Math.imul(h, 0x9e3779b1) >>> 29) < 4 ? 0x202020 : 0xfafafa;
}

describe('host: region encoder stays within what the viewer accepts', function () {
  this.timeout(60_000);

  it('heavy scrolling: every update passes the validator (area included) and the picture stays exact', async function () {
    const encoder = new RegionEncoder(W, H);
    const decoder = new ScreenDecoder();
    const limit = updateAreaLimit({ width: W, height: H });
    let copies = 0;
    let largest = 0;
    const check = async (messages: readonly Uint8Array[]) => {
      for (const m of messages) {
        const parsed = parseScreenMessage(m, { width: W, height: H });
        if (parsed.type === 'update') {
          largest = Math.max(largest, parsed.ops.reduce((n, op) => n + op.w * op.h, 0));
          copies += parsed.ops.filter((op) => op.op === 'copy').length;
        }
        await decoder.push(m);
      }
    };
    try {
      const first = frame(0);
      const reset = await encoder.reset(first);
      assert.strictEqual(reset.messages[0][0], SCREEN_KIND.reset);
      await check(reset.messages);
      assert.strictEqual(decoder.differences(first), 0);
      for (let step = 1; step <= 12; step++) {
        const current = frame(step);
        const encoded = await encoder.encode(current);
        assert.ok(encoded, `frame ${step} changed nothing`);
        await check(encoded.messages);
        assert.strictEqual(decoder.differences(current), 0, `frame ${step} differs`);
      }
    } finally {
      encoder.dispose();
    }
    assert.ok(copies > 0, 'the scrolls travelled as COPY');
    assert.ok(largest <= limit, `an update drew ${largest} pixels, more than ${limit}`);
  });
});
