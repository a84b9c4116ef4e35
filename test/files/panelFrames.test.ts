/** File frames between the helper's panel and the extension travel as Uint8Array; the validator holds them to a frame's size. */
import { strict as assert } from 'assert';
import { FILE_FRAME_MAX_BYTES, PanelFilesCommand, PanelFilesEvent } from '../../src/protocol/files';
import { parseMessage, ProtocolError } from '../../src/protocol/validate';

describe('files: panel frames', () => {
  it('passes a whole frame through as the same bytes', () => {
    const bytes = new Uint8Array(FILE_FRAME_MAX_BYTES).fill(7);
    const event = parseMessage(PanelFilesEvent, { type: 'viewerFilesFrame', bytes });
    assert.ok(event.type === 'viewerFilesFrame' && event.bytes === bytes);
    const command = parseMessage(PanelFilesCommand, { type: 'viewerFilesSendFrame', bytes: Buffer.from('abc') });
    assert.ok(command.type === 'viewerFilesSendFrame' && command.bytes.byteLength === 3);
  });

  it('refuses an oversized frame, text in place of bytes, or no bytes', () => {
    for (const bytes of [new Uint8Array(FILE_FRAME_MAX_BYTES + 1), 'AAAA', [1, 2, 3], undefined]) {
      assert.throws(() => parseMessage(PanelFilesEvent, { type: 'viewerFilesFrame', bytes }), (err: unknown) => err instanceof ProtocolError && err.code === 'ERR_MALFORMED');
    }
  });
});
