/**
 * Engine options that would break a transfer are refused when the engine is made: a frame larger than a
 * channel carries, or a send buffer past libwebrtc's 16 MiB queue, where wrtc drops every later message
 * while still reporting the channel open (measured: bench/files/README.md).
 */
import { strict as assert } from 'assert';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { createNodeHasher } from '../../src/common/files/nodeHasher';
import { RelayChannel } from '../../src/common/files/RelayChannel';
import { FILE_FRAME_HEADER_BYTES, FILE_FRAME_MAX_BYTES } from '../../src/protocol/files';

const MiB = 1024 * 1024;

function engine(options: { chunkBytes?: number; highWaterBytes?: number }): FileTransferEngine {
  return new FileTransferEngine(new RelayChannel(() => undefined), { createHasher: createNodeHasher, ...options });
}

describe('FileTransferEngine options', () => {
  it('takes the defaults and the largest frame and send buffer that fit', () => {
    for (const options of [{}, { chunkBytes: FILE_FRAME_MAX_BYTES - FILE_FRAME_HEADER_BYTES }, { highWaterBytes: 16 * MiB - FILE_FRAME_MAX_BYTES - 1 }]) {
      engine(options).dispose();
    }
  });

  it('refuses a send buffer that could pass 16 MiB, or none', () => {
    for (const highWaterBytes of [16 * MiB - FILE_FRAME_MAX_BYTES, 16 * MiB, 0]) {
      assert.throws(() => engine({ highWaterBytes }), RangeError, `highWaterBytes ${highWaterBytes}`);
    }
  });

  it('refuses frames larger than a channel carries, or empty', () => {
    for (const chunkBytes of [FILE_FRAME_MAX_BYTES - FILE_FRAME_HEADER_BYTES + 1, 0]) {
      assert.throws(() => engine({ chunkBytes }), RangeError, `chunkBytes ${chunkBytes}`);
    }
  });
});
