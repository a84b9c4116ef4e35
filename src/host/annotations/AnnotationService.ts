/**
 * The helper's "look here" points and strokes on the annotate channel: validated, bounded (rate, inside the
 * screen, length) and drawn on the sharer's screen by the overlay — never input: the control gate and XTEST
 * are not involved, and no control is needed. While the sharer has paused sharing (panic pauses too) every
 * mark is cleared and refused; a new screen area clears them; the session's end removes them. The extension
 * hears when the helper points or starts drawing, for the sharer's history. Anything refused gets a coded
 * answer on the channel and changes nothing.
 */
import {
  ANNOTATE_SERVICE,
  ANNOTATION_MAX_BYTES,
  AnnotationMessage,
  AnnotationRefusal,
  AnnotationServiceEvent,
  HostAnnotationMessage,
  PEER_CHANNELS,
} from '../../protocol/peer';
import { decodeMessage } from '../../protocol/validate';
import { DisposableStore } from '../../common/lifecycle';
import { ChannelPort } from '../peer/ChannelPort';
import { HostService, HostServiceContext } from '../services/HostService';
import { AnnotationScene, MAX_RECTS } from './AnnotationScene';
import { pathLength, strokeShape } from './markShapes';

/** Marks ("look here" and strokes) accepted per second. */
export const MARKS_PER_SECOND = 10;
/** The longest stroke drawn, pixels along its points. */
export const MAX_STROKE_LENGTH = 16_384;
/** Refusals answered per second (a flood of bad messages gets no flood of answers). */
const ANSWERS_PER_SECOND = 10;
/** The sharer's history hears of pointing (or drawing) at most once in this long. */
const NOTE_EVERY_MS = 10_000;

export class AnnotationService implements HostService {
  private readonly store = new DisposableStore();
  private readonly port: ChannelPort;
  private readonly scene: AnnotationScene | undefined;
  private marks: number[] = [];
  private answers: number[] = [];
  private readonly notedAt = new Map<AnnotationServiceEvent['type'], number>();

  constructor(private readonly ctx: HostServiceContext) {
    this.port = ctx.channel(PEER_CHANNELS.annotate);
    const overlay = ctx.overlay;
    this.scene = overlay && this.store.add(new AnnotationScene(overlay, () => ({ width: ctx.screen.width, height: ctx.screen.height })));
    this.store.add(ctx.onDidChangePaused((paused) => paused && this.scene?.clear()));
    // Marks point at what was under them: on another area they would point at something else.
    this.store.add(ctx.screen.onDidChange(() => this.scene?.clear()));
    this.store.add(this.port.onMessage((data) => this.receive(data)));
  }

  private receive(data: string | ArrayBuffer): void {
    let message: AnnotationMessage;
    try {
      message = decodeMessage(AnnotationMessage, typeof data === 'string' ? data : '', ANNOTATION_MAX_BYTES);
    } catch (err) {
      this.ctx.report('ERR_PEER_PROTOCOL', `annotate channel: ${(err as Error).message}`);
      return this.refuse('ERR_PEER_PROTOCOL', (err as Error).message);
    }
    const scene = this.scene;
    if (!scene) return this.refuse('ERR_ANNOTATION_UNAVAILABLE', 'Pointing and drawing on the screen are not supported on this system yet.');
    if (this.ctx.paused()) return this.refuse('ERR_ANNOTATION_PAUSED', 'The sharer paused sharing.');
    if (message.type === 'clear') return scene.clear();
    const points = message.type === 'lookHere' ? [[message.x, message.y] as const] : message.points;
    const { width, height } = this.ctx.screen;
    if (points.some(([x, y]) => x >= width || y >= height)) {
      this.ctx.report('ERR_PEER_PROTOCOL', `annotate channel: a point outside the ${width}x${height} screen`);
      return this.refuse('ERR_ANNOTATION_OFF_SCREEN', `a point is outside the ${width}x${height} screen`);
    }
    const now = performance.now();
    this.marks = this.marks.filter((t) => now - t < 1000);
    if (this.marks.length >= MARKS_PER_SECOND) return this.refuse('ERR_ANNOTATION_FLOOD', `more than ${MARKS_PER_SECOND} marks a second`);
    if (message.type === 'lookHere') {
      this.marks.push(now);
      scene.point(message.x, message.y);
      return this.note('pointed');
    }
    const length = pathLength(message.points);
    const rects = length <= MAX_STROKE_LENGTH ? strokeShape(message.tool, message.points, width, height) : [];
    if (length > MAX_STROKE_LENGTH || rects.length > MAX_RECTS) return this.refuse('ERR_ANNOTATION_TOO_LONG', `a stroke of ${Math.round(length)} px is longer than the ${MAX_STROKE_LENGTH} px drawn`);
    this.marks.push(now);
    const started = !scene.drawing;
    scene.stroke(rects);
    if (started) this.note('drawing');
  }

  /** Tells the extension (for the sharer's history), at most once per NOTE_EVERY_MS each. */
  private note(type: AnnotationServiceEvent['type']): void {
    const now = performance.now();
    if (now - (this.notedAt.get(type) ?? -Infinity) < NOTE_EVERY_MS) return;
    this.notedAt.set(type, now);
    this.ctx.emit({ type: 'service', service: ANNOTATE_SERVICE, message: { type } satisfies AnnotationServiceEvent });
  }

  private refuse(code: AnnotationRefusal, message: string): void {
    const now = performance.now();
    this.answers = this.answers.filter((t) => now - t < 1000);
    if (this.answers.length >= ANSWERS_PER_SECOND || !this.port.isOpen) return;
    this.answers.push(now);
    this.port.send(JSON.stringify({ type: 'refused', code, message: message.slice(0, 500) } satisfies HostAnnotationMessage));
  }

  dispose(): void {
    this.store.dispose();
  }
}
