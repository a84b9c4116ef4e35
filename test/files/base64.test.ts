/** The panel's frame encoder gives exactly what Node's base64 gives, for every tail length and a full frame. */
import { strict as assert } from 'assert';
import { randomBytes } from 'crypto';
import { bytesToBase64 } from '../../src/files/base64';
import { FILE_FRAME_MAX_BYTES } from '../../src/protocol/files';

describe('bytesToBase64', () => {
  it('matches Buffer base64 for 0…64 bytes (every padding case)', () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = randomBytes(length);
      assert.equal(bytesToBase64(new Uint8Array(bytes)), bytes.toString('base64'), `length ${length}`);
    }
  });

  it('matches Buffer base64 for a largest frame, including bytes 0 and 255', () => {
    const bytes = randomBytes(FILE_FRAME_MAX_BYTES);
    bytes[0] = 0;
    bytes[1] = 255;
    bytes[FILE_FRAME_MAX_BYTES - 1] = 255;
    assert.equal(bytesToBase64(new Uint8Array(bytes)), bytes.toString('base64'));
  });

  it('encodes a view of a larger buffer by its own bytes only', () => {
    const whole = randomBytes(100);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 10, 31);
    assert.equal(bytesToBase64(view), whole.subarray(10, 41).toString('base64'));
  });
});
