import * as assert from 'assert';
import sharp from 'sharp';
import { deflateRawSync, constants } from 'zlib';
import { encodeMode, encodeReset, encodeScreenAck, encodeUpdate, jpegSize, parseScreenAck, parseScreenMessage, ScreenOp, SCREEN_MAX_AREA_SCREENS, SCREEN_MESSAGE_MAX_BYTES, updateAreaLimit, updateSize } from '../../src/protocol/screen';
import { ProtocolError } from '../../src/protocol/validate';

const screen = { width: 1920, height: 1080 };

function refused(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ProtocolError && err.code === code && pattern.test(err.message));
}

describe('screen protocol', () => {
  it('round-trips the viewer\'s binary ack in 13 bytes and refuses other binary messages or values out of range', () => {
    const ack = { type: 'ack', seq: 0xffff_ffff, heldMs: 600_000, atMs: 123_456_789 } as const;
    const bytes = encodeScreenAck(ack);
    assert.strictEqual(bytes.byteLength, 13);
    assert.deepStrictEqual(parseScreenAck(bytes.buffer), ack);
    assert.deepStrictEqual(parseScreenAck(encodeScreenAck({ type: 'ack', seq: 3 })), { type: 'ack', seq: 3, heldMs: 0, atMs: 0 });
    // a clock past 2^32 ms wraps (the host reads a new clock), never an out-of-range field
    assert.strictEqual(parseScreenAck(encodeScreenAck({ ...ack, atMs: 2 ** 32 + 5 })).atMs, 5);
    refused(() => parseScreenAck(new Uint8Array([1, 2, 3, 0xff])), 'ERR_MALFORMED', /4 bytes from the viewer/);
    const wrongKind = bytes.slice();
    wrongKind[0] = 2;
    refused(() => parseScreenAck(wrongKind), 'ERR_MALFORMED', /kind 2/);
    const held = bytes.slice();
    new DataView(held.buffer).setUint32(5, 600_001, true);
    refused(() => parseScreenAck(held), 'ERR_MALFORMED', /ack out of range/);
  });

  it('round-trips reset, mode and an update with every op', () => {
    assert.deepStrictEqual(parseScreenMessage(encodeReset(1920, 1080), undefined), { type: 'reset', width: 1920, height: 1080 });
    assert.deepStrictEqual(parseScreenMessage(encodeMode('regions', 7), screen), { type: 'mode', mode: 'regions', seq: 7 });
    assert.deepStrictEqual(parseScreenMessage(encodeMode('video', 0xffffffff), screen), { type: 'mode', mode: 'video', seq: 0xffffffff });
    const ops: ScreenOp[] = [
      { op: 'copy', x: 0, y: 0, w: 1920, h: 1000, srcX: 0, srcY: 13 },
      { op: 'pixels', x: 10, y: 1000, w: 6, h: 13 },
      { op: 'fill', x: 0, y: 1013, w: 1920, h: 67, r: 30, g: 31, b: 32 },
    ];
    const compressed = deflateRawSync(Buffer.alloc(6 * 13 * 4, 0xff), { finishFlush: constants.Z_SYNC_FLUSH });
    const bytes = encodeUpdate(42, ops, compressed);
    assert.strictEqual(bytes.byteLength, updateSize(ops, compressed.byteLength));
    const parsed = parseScreenMessage(bytes.buffer, screen);
    assert.ok(parsed.type === 'update');
    assert.strictEqual(parsed.seq, 42);
    assert.deepStrictEqual(parsed.ops, ops);
    assert.strictEqual(parsed.pixelBytes, 6 * 13 * 4);
    assert.deepStrictEqual(Buffer.from(parsed.compressed), compressed);
  });

  it('refuses what a hostile or broken host could send, with a clear error', () => {
    const pixels = (x: number, y: number, w: number, h: number): ScreenOp => ({ op: 'pixels', x, y, w, h });
    refused(() => parseScreenMessage(new Uint8Array(0), screen), 'ERR_MALFORMED', /empty/);
    refused(() => parseScreenMessage(new Uint8Array([9]), screen), 'ERR_UNKNOWN_TYPE', /kind 9/);
    refused(() => parseScreenMessage(new Uint8Array(SCREEN_MESSAGE_MAX_BYTES + 1), screen), 'ERR_TOO_LARGE', /bytes/);
    refused(() => parseScreenMessage(encodeReset(0, 10), undefined), 'ERR_MALFORMED', /screen size/);
    refused(() => parseScreenMessage(encodeReset(16_384, 16_384), undefined), 'ERR_MALFORMED', /screen size 16384x16384/);
    assert.deepStrictEqual(parseScreenMessage(encodeReset(15_360, 2160), undefined), { type: 'reset', width: 15_360, height: 2160 });
    refused(() => parseScreenMessage(encodeUpdate(1, [pixels(0, 0, 1, 1)], new Uint8Array(1)), undefined), 'ERR_MALFORMED', /before reset/);
    refused(() => parseScreenMessage(encodeUpdate(1, [pixels(1915, 0, 6, 1)], new Uint8Array(1)), screen), 'ERR_MALFORMED', /outside/);
    refused(() => parseScreenMessage(encodeUpdate(1, [pixels(0, 0, 0, 1)], new Uint8Array(1)), screen), 'ERR_MALFORMED', /outside/);
    refused(
      () => parseScreenMessage(encodeUpdate(1, [{ op: 'copy', x: 0, y: 0, w: 10, h: 10, srcX: 0, srcY: 1075 }], new Uint8Array(0)), screen),
      'ERR_MALFORMED',
      /outside/,
    );
    const good = encodeUpdate(1, [pixels(0, 0, 2, 2)], new Uint8Array(4));
    refused(() => parseScreenMessage(good.subarray(0, good.byteLength - 1), screen), 'ERR_MALFORMED', /compressed length/);
    refused(() => parseScreenMessage(good.subarray(0, 14), screen), 'ERR_MALFORMED', /truncated op/);
    const badOp = new Uint8Array(good);
    badOp[11] = 7;
    refused(() => parseScreenMessage(badOp, screen), 'ERR_MALFORMED', /unknown op 7/);
    const bomb = Array.from({ length: 5 }, () => pixels(0, 0, 1920, 1080));
    refused(() => parseScreenMessage(encodeUpdate(1, bomb, new Uint8Array(10)), screen), 'ERR_TOO_LARGE', /more than 4 screens/);
    refused(() => parseScreenMessage(encodeUpdate(1, [{ op: 'fill', x: 0, y: 0, w: 1, h: 1, r: 0, g: 0, b: 0 }], new Uint8Array(3)), screen), 'ERR_MALFORMED', /without pixels/);
  });

  it('bounds the area one update draws: thousands of full-screen COPY or FILL ops in 100 KB are refused', () => {
    const copy: ScreenOp = { op: 'copy', x: 0, y: 0, w: 1920, h: 1080, srcX: 0, srcY: 0 };
    const fill: ScreenOp = { op: 'fill', x: 0, y: 0, w: 1920, h: 1080, r: 1, g: 2, b: 3 };
    const copies = encodeUpdate(1, Array.from({ length: 7000 }, () => copy), new Uint8Array(0));
    assert.ok(copies.byteLength < 100 * 1024);
    refused(() => parseScreenMessage(copies, screen), 'ERR_TOO_LARGE', /more than 4 screens .* by op 5 of 7000/);
    refused(() => parseScreenMessage(encodeUpdate(1, Array.from({ length: 8000 }, () => fill), new Uint8Array(0)), screen), 'ERR_TOO_LARGE', /op 5 of 8000/);
    // Small ops add up too: 2 000 ops of 64×64 are ~8.2 Mpx, just under four 1920×1080 screens; one more is over.
    const tile = (i: number): ScreenOp => ({ op: 'copy', x: (i % 30) * 64, y: (Math.floor(i / 30) % 16) * 64, w: 64, h: 64, srcX: 0, srcY: 0 });
    const fits = Math.floor(updateAreaLimit(screen) / (64 * 64));
    assert.strictEqual(parseScreenMessage(encodeUpdate(1, Array.from({ length: fits }, (_, i) => tile(i)), new Uint8Array(0)), screen).type, 'update');
    refused(() => parseScreenMessage(encodeUpdate(1, Array.from({ length: fits + 1 }, (_, i) => tile(i)), new Uint8Array(0)), screen), 'ERR_TOO_LARGE', /screens/);
    // Exactly the limit is fine.
    const exact = [fill, copy, ...Array.from({ length: SCREEN_MAX_AREA_SCREENS - 2 }, () => fill)];
    assert.strictEqual(parseScreenMessage(encodeUpdate(1, exact, new Uint8Array(0)), screen).type, 'update');
  });

  describe('JPEG op', () => {
    let jpeg: Uint8Array;
    before(async () => {
      jpeg = await sharp(Buffer.alloc(40 * 24 * 3, 0x80), { raw: { width: 40, height: 24, channels: 3 } })
        .jpeg({ quality: 50 })
        .toBuffer();
    });

    it('round-trips beside pixels, with the image after the compressed bytes', () => {
      assert.deepStrictEqual(jpegSize(jpeg), { width: 40, height: 24 });
      const compressed = deflateRawSync(Buffer.alloc(2 * 2 * 4, 0xff), { finishFlush: constants.Z_SYNC_FLUSH });
      const ops: ScreenOp[] = [
        { op: 'jpeg', x: 100, y: 200, w: 40, h: 24, data: jpeg },
        { op: 'pixels', x: 0, y: 0, w: 2, h: 2 },
        { op: 'jpeg', x: 0, y: 1056, w: 40, h: 24, data: jpeg },
      ];
      const bytes = encodeUpdate(3, ops, compressed);
      assert.strictEqual(bytes.byteLength, updateSize(ops, compressed.byteLength));
      const parsed = parseScreenMessage(bytes, screen);
      assert.ok(parsed.type === 'update');
      assert.deepStrictEqual(Buffer.from(parsed.compressed), compressed);
      assert.strictEqual(parsed.pixelBytes, 16);
      assert.deepStrictEqual(
        parsed.ops.map((op) => (op.op === 'jpeg' ? { ...op, data: Buffer.from(op.data) } : op)),
        ops.map((op) => (op.op === 'jpeg' ? { ...op, data: Buffer.from(op.data) } : op)),
      );
    });

    it('refuses an image that is not a JPEG, of another size than its rectangle, truncated, or outside the screen', () => {
      const op = (data: Uint8Array, w = 40, h = 24, x = 0): ScreenOp => ({ op: 'jpeg', x, y: 0, w, h, data });
      refused(() => parseScreenMessage(encodeUpdate(1, [op(new Uint8Array(100).fill(7))], new Uint8Array(0)), screen), 'ERR_MALFORMED', /not a JPEG/);
      refused(() => parseScreenMessage(encodeUpdate(1, [op(jpeg, 41)], new Uint8Array(0)), screen), 'ERR_MALFORMED', /is 40x24, its rectangle 41x24/);
      refused(() => parseScreenMessage(encodeUpdate(1, [op(jpeg.subarray(0, 20))], new Uint8Array(0)), screen), 'ERR_MALFORMED', /not a JPEG/);
      refused(() => parseScreenMessage(encodeUpdate(1, [op(jpeg, 40, 24, 1900)], new Uint8Array(0)), screen), 'ERR_MALFORMED', /outside/);
      const whole = encodeUpdate(1, [op(jpeg)], new Uint8Array(0));
      refused(() => parseScreenMessage(whole.subarray(0, whole.byteLength - 1), screen), 'ERR_MALFORMED', /length does not match/);
      const bomb = Array.from({ length: 17 }, () => op(jpeg, 1920, 1080));
      refused(() => parseScreenMessage(encodeUpdate(1, bomb, new Uint8Array(0)), screen), 'ERR_TOO_LARGE', /screens/);
    });
  });
});
