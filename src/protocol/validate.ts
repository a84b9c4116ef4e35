/**
 * Runtime validation for every message that crosses a process boundary.
 * Each seam (network, host, webview, peer) defines its messages once as a zod discriminated union on
 * `type`; both ends import the same schema and call `parseMessage` on anything they receive.
 */
import { z } from 'zod';

/** Stable codes a receiver can act on. */
export type ProtocolErrorCode = 'ERR_MALFORMED' | 'ERR_UNKNOWN_TYPE' | 'ERR_TOO_LARGE' | 'ERR_NOT_JSON';

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A union of message objects discriminated by a literal `type` field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MessageUnion = z.ZodDiscriminatedUnion<any, 'type'>;

function knownTypes(schema: MessageUnion): Set<string> {
  const types = new Set<string>();
  for (const option of schema.options as z.ZodObject[]) {
    const discriminator = option.shape.type;
    if (discriminator instanceof z.ZodLiteral) {
      for (const value of discriminator.values) types.add(String(value));
    }
  }
  return types;
}

const typeCache = new WeakMap<MessageUnion, Set<string>>();

/** Validates an already-decoded value against a message union; throws ProtocolError on anything else. */
export function parseMessage<S extends MessageUnion>(schema: S, value: unknown): z.output<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('ERR_MALFORMED', 'message must be a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  let types = typeCache.get(schema);
  if (!types) {
    types = knownTypes(schema);
    typeCache.set(schema, types);
  }
  if (typeof type !== 'string' || !types.has(type)) {
    throw new ProtocolError('ERR_UNKNOWN_TYPE', `unknown message type ${JSON.stringify(type)?.slice(0, 64)}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProtocolError('ERR_MALFORMED', `invalid ${type} message: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Decodes a JSON text of at most `maxBytes` bytes and validates it. */
export function decodeMessage<S extends MessageUnion>(schema: S, text: string, maxBytes: number): z.output<S> {
  if (utf8Length(text) > maxBytes) {
    throw new ProtocolError('ERR_TOO_LARGE', `message exceeds ${maxBytes} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('ERR_NOT_JSON', 'message is not valid JSON');
  }
  return parseMessage(schema, value);
}

/** UTF-8 size of `text`, in Node (the server, the extension) and in a browser page alike. */
function utf8Length(text: string): number {
  return typeof Buffer === 'undefined' ? new TextEncoder().encode(text).byteLength : Buffer.byteLength(text);
}
