import { strict as assert } from 'assert';
import { z } from 'zod';
import { RELAY_MESSAGE_MAX_BYTES, RelayMessage } from '../../src/protocol/relay';
import { decodeMessage, parseMessage, ProtocolError } from '../../src/protocol/validate';

const Ping = z.object({ type: z.literal('ping'), seq: z.number().int().nonnegative() });
const Say = z.object({ type: z.literal('say'), text: z.string().max(10) });
const Message = z.discriminatedUnion('type', [Ping, Say]);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `expected ProtocolError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('expected a ProtocolError');
}

describe('protocol validation', () => {
  it('accepts a well-formed message and returns it typed', () => {
    const msg = parseMessage(Message, { type: 'say', text: 'hello' });
    assert.deepEqual(msg, { type: 'say', text: 'hello' });
  });

  it('rejects unknown types with ERR_UNKNOWN_TYPE', () => {
    assert.equal(codeOf(() => parseMessage(Message, { type: 'rm -rf' })), 'ERR_UNKNOWN_TYPE');
    assert.equal(codeOf(() => parseMessage(Message, { seq: 1 })), 'ERR_UNKNOWN_TYPE');
  });

  it('rejects malformed fields with ERR_MALFORMED naming the message', () => {
    assert.equal(codeOf(() => parseMessage(Message, { type: 'ping', seq: -1 })), 'ERR_MALFORMED');
    assert.equal(codeOf(() => parseMessage(Message, { type: 'say', text: 'x'.repeat(11) })), 'ERR_MALFORMED');
    assert.equal(codeOf(() => parseMessage(Message, [])), 'ERR_MALFORMED');
    assert.equal(codeOf(() => parseMessage(Message, null)), 'ERR_MALFORMED');
    assert.throws(() => parseMessage(Message, { type: 'ping', seq: 'a' }), /invalid ping message/);
  });

  it('bounds size and JSON before validating', () => {
    assert.equal(codeOf(() => decodeMessage(Message, '{"type":"ping","seq":1}', 8)), 'ERR_TOO_LARGE');
    assert.equal(codeOf(() => decodeMessage(Message, '{not json', 100)), 'ERR_NOT_JSON');
    assert.deepEqual(decodeMessage(Message, '{"type":"ping","seq":1}', 100), { type: 'ping', seq: 1 });
  });

  it('relay: a rejoin request and signals tagged with their peer connection pass; a bad epoch is refused', () => {
    const decode = (m: object) => decodeMessage(RelayMessage, JSON.stringify(m), RELAY_MESSAGE_MAX_BYTES);
    assert.deepEqual(decode({ type: 'rejoin' }), { type: 'rejoin' });
    assert.deepEqual(decode({ type: 'rtc', payload: { type: 'offer' }, epoch: 3 }), { type: 'rtc', payload: { type: 'offer' }, epoch: 3 });
    assert.deepEqual(decode({ type: 'rtc', payload: {} }), { type: 'rtc', payload: {} });
    for (const epoch of [-1, 1.5, '2', 1e9]) assert.equal(codeOf(() => decode({ type: 'rtc', payload: {}, epoch })), 'ERR_MALFORMED', `epoch ${epoch}`);
  });

  it('relay: a window reload\'s messages (fresh rejoin, away, resume declined) pass; anything more is refused', () => {
    const decode = (m: object) => decodeMessage(RelayMessage, JSON.stringify(m), RELAY_MESSAGE_MAX_BYTES);
    assert.deepEqual(decode({ type: 'rejoin', fresh: true }), { type: 'rejoin', fresh: true });
    assert.deepEqual(decode({ type: 'away' }), { type: 'away' });
    assert.deepEqual(decode({ type: 'resumeDeclined' }), { type: 'resumeDeclined' });
    assert.equal(codeOf(() => decode({ type: 'rejoin', fresh: 'yes' })), 'ERR_MALFORMED');
  });
});
