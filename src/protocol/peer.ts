/**
 * Data-channel messages between the sharer's host process and the helper's viewer (peer to peer).
 * Every channel is a negotiated RTCDataChannel with a fixed id, so both sides open it without an extra
 * offer/answer and simple-peer's own channel stays untouched. Files and voice define their messages in
 * their own protocol files and use the ids reserved for them here.
 */
import { z } from 'zod';
import { CLIPBOARD_CHANNEL } from './clipboard';

/** Negotiated data channels: label, fixed SCTP stream id, delivery. */
export const PEER_CHANNELS = {
  /** Control state, screen geometry, cursor (host → viewer); control requests (viewer → host). */
  control: { label: 'control', id: 10, ordered: true },
  /** Pointer and keyboard events (viewer → host); ordered so a key-up never overtakes its key-down. */
  input: { label: 'input', id: 11, ordered: true },
  /** Chat text (both ways). */
  chat: { label: 'chat', id: 12, ordered: true },
  /** Lossless screen updates (host → viewer) and their acks; see screen.ts. */
  screen: { label: 'screen', id: 13, ordered: true },
  /** Clipboard text with the sharer's consent (both ways); see clipboard.ts. */
  clipboard: CLIPBOARD_CHANNEL,
  /** "Look here" points and drawn strokes (viewer → host), refusals (host → viewer); see AnnotationMessage. */
  annotate: { label: 'annotate', id: 15, ordered: true },
} as const;
/** Ids 20–29 are reserved for file transfer, 30–39 for voice. */
export const PEER_CHANNEL_RESERVED = { files: [20, 29], voice: [30, 39] } as const;

/** Bytes a sender lets queue on one channel before it pauses (backpressure). */
export const CHANNEL_HIGH_WATER_BYTES = 1024 * 1024;

const Coord = z.number().int().min(0).max(32_767);
export const PointerButton = z.enum(['left', 'middle', 'right', 'back', 'forward']);
export type PointerButton = z.infer<typeof PointerButton>;

/** Input from the helper, in the shared screen's pixel space (not the video's). */
export const InputMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pointerMove'), x: Coord, y: Coord }),
  z.object({ type: z.literal('pointerButton'), button: PointerButton, down: z.boolean(), x: Coord, y: Coord }),
  /** Wheel in whole notches (positive = down/right). */
  z.object({
    type: z.literal('wheel'),
    x: Coord,
    y: Coord,
    dx: z.number().int().min(-20).max(20),
    dy: z.number().int().min(-20).max(20),
  }),
  /** KeyboardEvent.code and .key as the browser reported them. */
  z.object({ type: z.literal('key'), code: z.string().max(32), key: z.string().min(1).max(32), down: z.boolean() }),
  /** The viewer lost focus: release everything it pressed. */
  z.object({ type: z.literal('releaseAll') }),
]);
export type InputMessage = z.infer<typeof InputMessage>;
export const INPUT_MAX_BYTES = 512;

export const ViewerControlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('requestControl') }),
  z.object({ type: z.literal('releaseControl') }),
  /** The viewer's decoder asked for a key frame (PLI) while the screen is still: send a fresh frame. */
  z.object({ type: z.literal('refresh') }),
]);
export type ViewerControlMessage = z.infer<typeof ViewerControlMessage>;
export const VIEWER_CONTROL_MAX_BYTES = 256;

export const CURSOR_MAX_SIZE = 128;

/** Why the sharer's screen is hidden from capture (see `screenHidden`). */
export const ScreenHiddenReason = z.enum(['secureDesktop']);
export type ScreenHiddenReason = z.infer<typeof ScreenHiddenReason>;

export const HostControlMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('controlState'),
    granted: z.boolean(),
    reason: z.enum(['granted', 'revoked', 'localEscape', 'helperReleased', 'disconnected', 'stopped', 'expired', 'panic']),
    /** While a timed grant runs: how long it has left, ms. */
    remainingMs: z.number().int().min(0).max(24 * 3600_000).optional(),
  }),
  /** The sharer paused or resumed sharing; while paused nothing is captured or sent. */
  z.object({ type: z.literal('sharing'), paused: z.boolean() }),
  /**
   * The sharer's screen cannot be captured for now, and why: `secureDesktop` — Windows switched to the secure
   * desktop (a User Account Control prompt, Ctrl+Alt+Del), which no capture can see; the helper gets black.
   */
  z.object({ type: z.literal('screenHidden'), hidden: z.boolean(), reason: ScreenHiddenReason }),
  /** Size of the shared screen; input coordinates refer to it. */
  z.object({ type: z.literal('screen'), width: z.number().int().min(1).max(32_767), height: z.number().int().min(1).max(32_767) }),
  /** The sharer's computer refused the helper's input there (a hidden window, or outside the one window allowed); no reason, so nothing about the windows leaks. */
  z.object({ type: z.literal('inputRefused') }),
  /** Cursor hot-spot position in screen space; `serial` names the shape. */
  z.object({ type: z.literal('cursor'), x: z.number().int(), y: z.number().int(), serial: z.number().int() }),
  /** A cursor image, premultiplied-free RGBA, base64. */
  z.object({
    type: z.literal('cursorShape'),
    serial: z.number().int(),
    width: z.number().int().min(1).max(CURSOR_MAX_SIZE),
    height: z.number().int().min(1).max(CURSOR_MAX_SIZE),
    xhot: z.number().int().min(0).max(CURSOR_MAX_SIZE),
    yhot: z.number().int().min(0).max(CURSOR_MAX_SIZE),
    // base64, checked here: the viewer decodes it with atob, which throws on anything else
    rgba: z.base64().max(Math.ceil((CURSOR_MAX_SIZE * CURSOR_MAX_SIZE * 4) / 3) * 4 + 4),
  }),
]);
export type HostControlMessage = z.infer<typeof HostControlMessage>;
export const HOST_CONTROL_MAX_BYTES = 128 * 1024;

export const ChatMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('chat'), text: z.string().min(1).max(4000) })]);
export type ChatMessage = z.infer<typeof ChatMessage>;
export const CHAT_MAX_BYTES = 16 * 1024;

/**
 * Annotations: the helper points at ("look here") or draws on the sharer's screen, in the shared screen's
 * pixel space. The sharer's host draws them as an overlay that ignores input; they never become input and
 * need no control. Bounded here (points per stroke, bytes) and on the host (rate, inside the screen, length).
 */
export const ANNOTATION_MAX_POINTS = 256;
export const ANNOTATION_MAX_BYTES = 8 * 1024;
export const AnnotationTool = z.enum(['pen', 'arrow']);
export type AnnotationTool = z.infer<typeof AnnotationTool>;
export const AnnotationMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lookHere'), x: Coord, y: Coord }),
  /** A pen line through the points, or an arrow from the first point to the last. */
  z.object({ type: z.literal('stroke'), tool: AnnotationTool, points: z.array(z.tuple([Coord, Coord])).min(1).max(ANNOTATION_MAX_POINTS) }),
  z.object({ type: z.literal('clear') }),
]);
export type AnnotationMessage = z.infer<typeof AnnotationMessage>;

export const AnnotationRefusal = z.enum([
  'ERR_PEER_PROTOCOL', // not a valid annotation message (unknown type, too many points, too large)
  'ERR_ANNOTATION_OFF_SCREEN', // a point outside the shared screen
  'ERR_ANNOTATION_TOO_LONG', // a stroke longer than the host draws
  'ERR_ANNOTATION_FLOOD', // more marks a second than the host accepts
  'ERR_ANNOTATION_PAUSED', // the sharer paused sharing (or pressed panic): nothing is drawn
  'ERR_ANNOTATION_UNAVAILABLE', // this system cannot draw on the sharer's screen
]);
export type AnnotationRefusal = z.infer<typeof AnnotationRefusal>;
/** Host → viewer: a mark was refused and nothing was drawn. */
export const HostAnnotationMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('refused'), code: AnnotationRefusal, message: z.string().max(500) })]);
export type HostAnnotationMessage = z.infer<typeof HostAnnotationMessage>;

/** Host → extension (service events): the helper pointed, or started drawing, on the sharer's screen. */
export const ANNOTATE_SERVICE = 'annotate';
export const AnnotationServiceEvent = z.discriminatedUnion('type', [z.object({ type: z.literal('pointed') }), z.object({ type: z.literal('drawing') })]);
export type AnnotationServiceEvent = z.infer<typeof AnnotationServiceEvent>;
