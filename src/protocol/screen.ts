/**
 * The `screen` data channel: screen updates as rectangles (host → viewer), the way VNC and RDP send text
 * and UI, beside the video track that carries motion. Binary, little-endian:
 *
 *   RESET  u8 1, u16 width, u16 height
 *          A new picture of this size starts: the viewer sizes its canvas and starts a new inflate stream.
 *   UPDATE u8 2, u32 seq, u16 opCount, u32 compressedLength, op × opCount, compressed bytes
 *          op COPY   u8 1, u16 x, y, w, h, srcX, srcY   (copy the canvas rect at src to x,y; overlap-safe)
 *          op PIXELS u8 2, u16 x, y, w, h               (w*h*4 RGBA bytes, alpha 255, from the inflate stream)
 *          op FILL   u8 3, u16 x, y, w, h, u8 r, g, b   (a solid rectangle)
 *          Ops apply in order. The compressed bytes continue one raw-deflate stream (started by RESET,
 *          flushed with Z_SYNC_FLUSH after each update) and inflate to exactly the PIXELS bytes, in op order.
 *   MODE   u8 3, u8 mode, u32 seq
 *          mode 0 (video): show the video track from its next presented frame on.
 *          mode 1 (regions): show the canvas once update `seq` is painted (it then holds the whole screen).
 *
 * Viewer → host: JSON `ScreenViewerMessage` (acks for flow control, a refresh request), and acks in binary:
 *   ACK    u8 1, u32 seq, u32 heldMs, u32 atMs   (13 bytes for JSON's ~48: one goes back for every update,
 *          ten a second while typing; the host accepts the JSON ack too)
 * Everything received is checked here, in one place: sizes, counts, every rectangle against the screen, and
 * the area one UPDATE draws (at most SCREEN_MAX_AREA_SCREENS screens, all ops together).
 */
import { z } from 'zod';
import { ProtocolError } from './validate';

/** Largest binary message either side sends or accepts (a full refresh is split across several). */
export const SCREEN_MESSAGE_MAX_BYTES = 256 * 1024;
export const SCREEN_MAX_OPS = 8192;
export const SCREEN_MAX_SIDE = 16_384;
/** Four 4K monitors: a larger RESET would make the viewer allocate a canvas of gigabytes. */
export const SCREEN_MAX_PIXELS = 4 * 3840 * 2160;
/**
 * Area all ops of one UPDATE may draw (COPY, PIXELS and FILL together), in screens: without it a 100 KB
 * message of 8192 full-screen COPYs makes the viewer move tens of billions of pixels.
 */
export const SCREEN_MAX_AREA_SCREENS = 4;

/** Pixels one UPDATE may draw on a screen of this size (the host splits its updates to stay under it). */
export function updateAreaLimit(screen: { width: number; height: number }): number {
  return SCREEN_MAX_AREA_SCREENS * screen.width * screen.height;
}

export const SCREEN_KIND = { reset: 1, update: 2, mode: 3 } as const;
export const SCREEN_OP = { copy: 1, pixels: 2, fill: 3, jpeg: 4 } as const;
export type ScreenMode = 'video' | 'regions';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export type ScreenOp =
  | (Rect & { readonly op: 'copy'; readonly srcX: number; readonly srcY: number })
  | (Rect & { readonly op: 'pixels' })
  | (Rect & { readonly op: 'fill'; readonly r: number; readonly g: number; readonly b: number })
  | (Rect & { readonly op: 'jpeg'; readonly data: Uint8Array });

export type ScreenMessage =
  | { readonly type: 'reset'; readonly width: number; readonly height: number }
  | {
      readonly type: 'update';
      readonly seq: number;
      readonly ops: readonly ScreenOp[];
      /** Bytes the compressed part must inflate to: the sum of w*h*4 over PIXELS ops. */
      readonly pixelBytes: number;
      readonly compressed: Uint8Array;
    }
  | { readonly type: 'mode'; readonly mode: ScreenMode; readonly seq: number };

const OP_BYTES = { [SCREEN_OP.copy]: 13, [SCREEN_OP.pixels]: 9, [SCREEN_OP.fill]: 12, [SCREEN_OP.jpeg]: 13 } as const;
const UPDATE_HEADER_BYTES = 11;

// ---- host side: writing ------------------------------------------------------------------------------

export function encodeReset(width: number, height: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(5);
  const view = new DataView(out.buffer);
  view.setUint8(0, SCREEN_KIND.reset);
  view.setUint16(1, width, true);
  view.setUint16(3, height, true);
  return out;
}

export function encodeMode(mode: ScreenMode, seq: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(6);
  const view = new DataView(out.buffer);
  view.setUint8(0, SCREEN_KIND.mode);
  view.setUint8(1, mode === 'video' ? 0 : 1);
  view.setUint32(2, seq, true);
  return out;
}

/** Size of an UPDATE carrying these ops and `compressedLength` bytes (to split before exceeding the limit). */
export function updateSize(ops: readonly ScreenOp[], compressedLength: number): number {
  return UPDATE_HEADER_BYTES + ops.reduce((n, op) => n + OP_BYTES[SCREEN_OP[op.op]] + (op.op === 'jpeg' ? op.data.byteLength : 0), 0) + compressedLength;
}

export function encodeUpdate(seq: number, ops: readonly ScreenOp[], compressed: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(updateSize(ops, compressed.byteLength));
  const view = new DataView(out.buffer);
  view.setUint8(0, SCREEN_KIND.update);
  view.setUint32(1, seq, true);
  view.setUint16(5, ops.length, true);
  view.setUint32(7, compressed.byteLength, true);
  let at = UPDATE_HEADER_BYTES;
  for (const op of ops) {
    view.setUint8(at, SCREEN_OP[op.op]);
    view.setUint16(at + 1, op.x, true);
    view.setUint16(at + 3, op.y, true);
    view.setUint16(at + 5, op.w, true);
    view.setUint16(at + 7, op.h, true);
    if (op.op === 'copy') {
      view.setUint16(at + 9, op.srcX, true);
      view.setUint16(at + 11, op.srcY, true);
    } else if (op.op === 'fill') {
      view.setUint8(at + 9, op.r);
      view.setUint8(at + 10, op.g);
      view.setUint8(at + 11, op.b);
    } else if (op.op === 'jpeg') {
      view.setUint32(at + 9, op.data.byteLength, true);
    }
    at += OP_BYTES[SCREEN_OP[op.op]];
  }
  out.set(compressed, at);
  at += compressed.byteLength;
  for (const op of ops) {
    if (op.op !== 'jpeg') continue;
    out.set(op.data, at);
    at += op.data.byteLength;
  }
  return out;
}

// ---- viewer side: reading ----------------------------------------------------------------------------

function malformed(what: string): ProtocolError {
  return new ProtocolError('ERR_MALFORMED', `screen message: ${what}`);
}

/**
 * Parses one binary message. `screen` is the size set by the last RESET (undefined before the first):
 * an UPDATE before any RESET, or with a rectangle outside the screen, is refused.
 */
export function parseScreenMessage(data: ArrayBuffer | Uint8Array, screen: { width: number; height: number } | undefined): ScreenMessage {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength > SCREEN_MESSAGE_MAX_BYTES) throw new ProtocolError('ERR_TOO_LARGE', `screen message of ${bytes.byteLength} bytes`);
  if (bytes.byteLength < 1) throw malformed('empty');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint8(0);
  if (kind === SCREEN_KIND.reset) {
    if (bytes.byteLength !== 5) throw malformed('reset of the wrong length');
    const width = view.getUint16(1, true);
    const height = view.getUint16(3, true);
    if (width < 1 || height < 1 || width > SCREEN_MAX_SIDE || height > SCREEN_MAX_SIDE || width * height > SCREEN_MAX_PIXELS) {
      throw malformed(`screen size ${width}x${height}`);
    }
    return { type: 'reset', width, height };
  }
  if (kind === SCREEN_KIND.mode) {
    if (bytes.byteLength !== 6) throw malformed('mode of the wrong length');
    const mode = view.getUint8(1);
    if (mode > 1) throw malformed(`unknown mode ${mode}`);
    return { type: 'mode', mode: mode === 0 ? 'video' : 'regions', seq: view.getUint32(2, true) };
  }
  if (kind !== SCREEN_KIND.update) throw new ProtocolError('ERR_UNKNOWN_TYPE', `screen message kind ${kind}`);
  if (!screen) throw malformed('update before reset');
  if (bytes.byteLength < UPDATE_HEADER_BYTES) throw malformed('truncated update header');
  const seq = view.getUint32(1, true);
  const count = view.getUint16(5, true);
  const compressedLength = view.getUint32(7, true);
  if (count > SCREEN_MAX_OPS) throw malformed(`${count} ops`);
  const ops: ScreenOp[] = [];
  const areaLimit = updateAreaLimit(screen);
  let area = 0;
  const images: { index: number; length: number }[] = [];
  let pixelBytes = 0;
  let at = UPDATE_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at >= bytes.byteLength) throw malformed('truncated ops');
    const code = view.getUint8(at);
    const size = (OP_BYTES as Record<number, number>)[code];
    if (!size) throw malformed(`unknown op ${code}`);
    if (at + size > bytes.byteLength) throw malformed('truncated op');
    const rect = { x: view.getUint16(at + 1, true), y: view.getUint16(at + 3, true), w: view.getUint16(at + 5, true), h: view.getUint16(at + 7, true) };
    checkRect(rect, screen);
    // Overlapping rectangles are legal, but neither drawing without end nor an inflate bomb.
    area += rect.w * rect.h;
    if (area > areaLimit) {
      throw new ProtocolError('ERR_TOO_LARGE', `screen update draws more than ${SCREEN_MAX_AREA_SCREENS} screens (${areaLimit} pixels on ${screen.width}x${screen.height}) by op ${i + 1} of ${count}`);
    }
    if (code === SCREEN_OP.copy) {
      const src = { x: view.getUint16(at + 9, true), y: view.getUint16(at + 11, true), w: rect.w, h: rect.h };
      checkRect(src, screen);
      ops.push({ op: 'copy', ...rect, srcX: src.x, srcY: src.y });
    } else if (code === SCREEN_OP.pixels) {
      pixelBytes += rect.w * rect.h * 4;
      ops.push({ op: 'pixels', ...rect });
    } else if (code === SCREEN_OP.jpeg) {
      // Decoded, each image costs w*h*4 bytes of memory: its area counts against the update's area bound.
      images.push({ index: ops.length, length: view.getUint32(at + 9, true) });
      ops.push({ op: 'jpeg', ...rect, data: new Uint8Array(0) });
    } else {
      ops.push({ op: 'fill', ...rect, r: view.getUint8(at + 9), g: view.getUint8(at + 10), b: view.getUint8(at + 11) });
    }
    at += size;
  }
  const imagesLength = images.reduce((n, i) => n + i.length, 0);
  if (at + compressedLength + imagesLength !== bytes.byteLength) throw malformed('compressed length does not match the message');
  if (pixelBytes === 0 && compressedLength !== 0) throw malformed('compressed bytes without pixels');
  let imageAt = at + compressedLength;
  for (const { index, length } of images) {
    const op = ops[index] as Rect;
    const data = bytes.subarray(imageAt, imageAt + length);
    const size = jpegSize(data);
    if (!size) throw malformed(`JPEG ${index} is not a JPEG image`);
    if (size.width !== op.w || size.height !== op.h) throw malformed(`JPEG ${index} is ${size.width}x${size.height}, its rectangle ${op.w}x${op.h}`);
    ops[index] = { op: 'jpeg', x: op.x, y: op.y, w: op.w, h: op.h, data };
    imageAt += length;
  }
  return { type: 'update', seq, ops, pixelBytes, compressed: bytes.subarray(at, at + compressedLength) };
}

/**
 * A JPEG's dimensions from its frame header (SOFn), read before the browser decodes it: an image whose
 * size differs from its rectangle is refused unread. Undefined when `data` is not a JPEG.
 */
export function jpegSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data.byteLength < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= data.byteLength) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1];
    const length = (data[at + 2] << 8) | data[at + 3];
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): the frame header holds height then width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > data.byteLength) return undefined;
      return { height: (data[at + 5] << 8) | data[at + 6], width: (data[at + 7] << 8) | data[at + 8] };
    }
    if (marker === 0xda || length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

function checkRect(rect: Rect, screen: { width: number; height: number }): void {
  if (rect.w < 1 || rect.h < 1 || rect.x + rect.w > screen.width || rect.y + rect.h > screen.height) {
    throw malformed(`rectangle ${rect.w}x${rect.h}+${rect.x}+${rect.y} outside the ${screen.width}x${screen.height} screen`);
  }
}

/** Viewer → host: an ack in binary (encodeScreenAck, 13 bytes; the JSON form is still accepted), a refresh in JSON. */
export const ScreenViewerMessage = z.discriminatedUnion('type', [
  /**
   * Update `seq` is painted: the host may send more (it keeps only a few updates in flight). `heldMs`: how
   * long the viewer held it between its arrival and this ack (queued behind earlier updates, inflating,
   * painting), and `atMs` when it sent the ack (its performance.now()), so the host's Auto quality counts
   * only the link's share of the delay as the link's.
   */
  z.object({
    type: z.literal('ack'),
    seq: z.number().int().min(0).max(0xffff_ffff),
    heldMs: z.number().int().min(0).max(600_000).optional(),
    atMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  /** The viewer lost its picture (an inflate error, a new canvas): send RESET and the whole screen. */
  z.object({ type: z.literal('refresh') }),
]);
export type ScreenViewerMessage = z.infer<typeof ScreenViewerMessage>;
export const SCREEN_VIEWER_MESSAGE_MAX_BYTES = 128;

/** The binary ACK (viewer → host): kind, then seq, heldMs and atMs as u32 little-endian. */
const SCREEN_ACK_KIND = 1;
const SCREEN_ACK_BYTES = 13;

/** A binary ACK; `atMs` (the viewer's performance.now()) wraps at 2³² ms, which the host reads as a new clock. */
export function encodeScreenAck(ack: Extract<ScreenViewerMessage, { type: 'ack' }>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(SCREEN_ACK_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, SCREEN_ACK_KIND);
  view.setUint32(1, ack.seq, true);
  view.setUint32(5, ack.heldMs ?? 0, true);
  view.setUint32(9, (ack.atMs ?? 0) % 2 ** 32, true);
  return out;
}

/** Parses a binary ACK from the viewer, with the limits of the JSON one. */
export function parseScreenAck(data: ArrayBuffer | Uint8Array): Extract<ScreenViewerMessage, { type: 'ack' }> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength !== SCREEN_ACK_BYTES) throw malformed(`binary message of ${bytes.byteLength} bytes from the viewer (an ack has ${SCREEN_ACK_BYTES})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== SCREEN_ACK_KIND) throw malformed(`binary message of kind ${view.getUint8(0)} from the viewer`);
  const parsed = ScreenViewerMessage.safeParse({ type: 'ack', seq: view.getUint32(1, true), heldMs: view.getUint32(5, true), atMs: view.getUint32(9, true) });
  if (!parsed.success || parsed.data.type !== 'ack') throw malformed(`ack out of range (${parsed.error?.issues[0]?.message ?? 'not an ack'})`);
  return parsed.data;
}
