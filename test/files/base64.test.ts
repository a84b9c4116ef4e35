/**
 * Frames between the helper's panel and the extension travel as base64: the panel's encoder gives exactly
 * what Node's gives, and the schema both sides validate with takes every real frame and refuses anything else.
 */
import { strict as assert } from 'assert';
import { randomBytes } from 'crypto';
import { bytesToBase64 } from '../../src/files/base64';
import { FILE_FRAME_MAX_BYTES, PanelFilesCommand, PanelFilesEvent } from '../../src/protocol/files';

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

describe('the base64 frame schema', () => {
  const accepts = (base64: string): boolean =>
    PanelFilesEvent.safeParse({ type: 'viewerFilesFrame', base64 }).success && PanelFilesCommand.safeParse({ type: 'viewerFilesSendFrame', base64 }).success;

  it('takes frames of every padding case and the largest frame', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 6, FILE_FRAME_MAX_BYTES]) assert.ok(accepts(randomBytes(length).toString('base64')), `length ${length}`);
  });

  it('refuses characters outside the alphabet, padding not at the end, too much padding and an oversized frame', () => {
    for (const bad of ['QUJD\n', 'QU JD', 'QUJD-', 'QU_D', 'QQ==QUJD', 'Q=JD', 'Q===', 'QUJDé']) assert.equal(accepts(bad), false, JSON.stringify(bad));
    assert.equal(accepts(randomBytes(FILE_FRAME_MAX_BYTES + 3).toString('base64')), false, 'oversized');
  });
});
