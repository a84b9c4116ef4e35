/** Decodes a data-channel message in the browser (no Buffer here): size bound, JSON, schema. */
import { z } from 'zod';
import { MessageUnion, parseMessage, ProtocolError } from '../../protocol/validate';

const encoder = new TextEncoder();

export function decodeChannelMessage<S extends MessageUnion>(schema: S, data: unknown, maxBytes: number): z.output<S> {
  if (typeof data !== 'string') throw new ProtocolError('ERR_MALFORMED', 'expected a text message');
  // UTF-16 length is a cheap lower bound on the UTF-8 size; only encode when it could be close.
  if (data.length > maxBytes || (data.length * 3 > maxBytes && encoder.encode(data).length > maxBytes)) {
    throw new ProtocolError('ERR_TOO_LARGE', `message exceeds ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ProtocolError('ERR_NOT_JSON', 'message is not valid JSON');
  }
  return parseMessage(schema, value);
}
