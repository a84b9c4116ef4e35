/**
 * RegionReceiver: the viewer's side of the screen channel. Every message is validated, then handled in
 * the order received, one at a time: RESET sizes the canvas and starts a new inflate stream, UPDATE is
 * inflated, painted and acked (never dropped: the host coalesces, not the viewer), MODE switches between the
 * canvas and the video. A bad message or a broken stream is reported, applies nothing, and asks the host
 * for a refresh; updates are then skipped (and acked, to return the host's flow-control credit) until its
 * RESET arrives.
 */
import { parseScreenMessage, ScreenMessage, ScreenOp, ScreenViewerMessage } from '../../protocol/screen';
import { ProtocolError } from '../../protocol/validate';
import { Emitter, IDisposable } from '../../common/lifecycle';
import { ScreenCanvas } from './ScreenCanvas';
import { ScreenInflater } from './ScreenInflater';

/**
 * What the viewer shows: `video`; `enteringRegions` (waiting for the update MODE regions named);
 * `regions` (the canvas); `leavingRegions` (MODE video came: the canvas stays until a video frame is presented).
 */
export type RegionMode = 'video' | 'enteringRegions' | 'regions' | 'leavingRegions';

const TRANSITIONS: Record<RegionMode, readonly RegionMode[]> = {
  video: ['enteringRegions', 'regions'],
  enteringRegions: ['regions', 'video'],
  regions: ['leavingRegions', 'video'],
  leavingRegions: ['video', 'regions', 'enteringRegions'],
};

/** The update's JPEG images, decoded by the browser in parallel; each must have its rectangle's size. */
async function decodeImages(ops: readonly ScreenOp[]): Promise<ImageBitmap[]> {
  const jpegs = ops.filter((op) => op.op === 'jpeg');
  if (jpegs.length === 0) return [];
  const results = await Promise.allSettled(jpegs.map((op) => createImageBitmap(new Blob([op.data as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }))));
  const images = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const bad = results.findIndex((r, i) => r.status === 'rejected' || r.value.width !== jpegs[i].w || r.value.height !== jpegs[i].h);
  if (bad < 0) return images;
  for (const i of images) i.close();
  throw new ProtocolError('ERR_MALFORMED', `screen message: JPEG ${bad} does not decode to its ${jpegs[bad].w}x${jpegs[bad].h} rectangle`);
}

/** Bytes of screen messages waiting to be painted before the host counts as flooding (it keeps a few in flight). */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

export interface RegionError {
  readonly code: string;
  readonly message: string;
}

export class RegionReceiver implements IDisposable {
  private readonly _onError = new Emitter<RegionError>();
  readonly onError = this._onError.event;
  /** An update was painted on the canvas (its seq). */
  private readonly _onPainted = new Emitter<number>();
  readonly onPainted = this._onPainted.event;
  private readonly _onMode = new Emitter<RegionMode>();
  readonly onMode = this._onMode.event;

  /** Cumulative: updates painted, screen-channel bytes received, ms spent inflating and painting them. */
  readonly counters = { updates: 0, bytes: 0, ms: 0 };
  private state: RegionMode = 'video';
  private chain: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private screen: { width: number; height: number } | undefined;
  private inflater: ScreenInflater | undefined;
  /** A refresh was asked for: skip updates until the host's RESET. */
  private awaitingReset = false;
  private lastPainted: number | undefined;
  private showAt: number | undefined;
  private videoWait: IDisposable | undefined;
  private disposed = false;

  constructor(
    private readonly canvas: ScreenCanvas,
    private readonly send: (message: ScreenViewerMessage) => void,
    /** Calls back once the next video frame is presented (requestVideoFrameCallback). */
    private readonly nextVideoFrame: (then: () => void) => IDisposable,
  ) {}

  get mode(): RegionMode {
    return this.state;
  }

  /** Queues one message from the channel; it is handled after everything received before it. */
  receive(data: unknown): void {
    if (this.disposed) return;
    if (!(data instanceof ArrayBuffer)) {
      this.enqueue(0, () => this.fail(new ProtocolError('ERR_MALFORMED', 'screen message: expected binary data')));
      return;
    }
    this.counters.bytes += data.byteLength;
    if (this.queuedBytes + data.byteLength > MAX_QUEUED_BYTES) {
      this.enqueue(0, () => this.fail(new ProtocolError('ERR_TOO_LARGE', `screen messages: more than ${MAX_QUEUED_BYTES} bytes waiting to be painted`)));
      return;
    }
    const arrived = performance.now();
    this.enqueue(data.byteLength, () => this.handle(parseScreenMessage(data, this.screen), arrived));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.videoWait?.dispose();
    this.inflater?.dispose();
    for (const e of [this._onError, this._onPainted, this._onMode]) e.dispose();
  }

  private enqueue(bytes: number, step: () => void | Promise<void>): void {
    this.queuedBytes += bytes;
    this.chain = this.chain
      .then(() => (this.disposed ? undefined : step()))
      .catch((err: unknown) => this.fail(err))
      .finally(() => (this.queuedBytes -= bytes));
  }

  /** Acks an update with how long it was held here since it arrived, and when: the host tells CPU time from the link's. */
  private ack(seq: number, arrived: number): void {
    const now = performance.now();
    this.send({ type: 'ack', seq, heldMs: Math.min(600_000, Math.max(0, Math.round(now - arrived))), atMs: Math.round(now) });
  }

  private async handle(message: ScreenMessage, arrived: number): Promise<void> {
    switch (message.type) {
      case 'reset':
        this.screen = { width: message.width, height: message.height };
        this.inflater?.dispose();
        this.inflater = new ScreenInflater();
        this.awaitingReset = false;
        this.lastPainted = undefined;
        this.showAt = undefined;
        // A new size clears the canvas: hide it until the new picture is whole. Same size: the old picture
        // stays up while the refresh paints over it.
        if (this.canvas.resize(message.width, message.height) && this.state !== 'video') this.go('video');
        return;
      case 'update': {
        if (this.awaitingReset) {
          this.ack(message.seq, arrived);
          return;
        }
        const started = performance.now();
        const [pixels, images] = await Promise.all([(this.inflater as ScreenInflater).inflate(message.compressed, message.pixelBytes), decodeImages(message.ops)]);
        if (this.disposed) return images.forEach((i) => i.close());
        this.canvas.paint(message.ops, pixels, images);
        for (const i of images) i.close();
        this.lastPainted = message.seq;
        this.counters.updates++;
        this.counters.ms += performance.now() - started;
        this.ack(message.seq, arrived);
        if (this.state === 'enteringRegions' && message.seq === this.showAt) this.go('regions');
        this._onPainted.fire(message.seq);
        return;
      }
      case 'mode':
        if (message.mode === 'regions') {
          this.showAt = message.seq;
          // Already showing: the canvas stays up while a refresh completes over it.
          if (this.state === 'regions') return;
          const whole = !this.awaitingReset && this.lastPainted === message.seq;
          const next = whole ? 'regions' : 'enteringRegions';
          if (this.state !== next) this.go(next);
        } else if (this.state === 'regions') {
          this.go('leavingRegions');
        } else if (this.state === 'enteringRegions') {
          this.go('video');
        }
        return;
    }
  }

  private go(next: RegionMode): void {
    if (!TRANSITIONS[this.state].includes(next)) throw new Error(`screen mode: ${this.state} → ${next} is not a transition`);
    this.state = next;
    this.videoWait?.dispose();
    this.videoWait = undefined;
    if (next === 'leavingRegions') {
      this.videoWait = this.nextVideoFrame(() => {
        this.videoWait = undefined;
        if (!this.disposed && this.state === 'leavingRegions') this.go('video');
      });
    }
    this.canvas.show(next === 'regions' || next === 'leavingRegions');
    this._onMode.fire(next);
  }

  /** Reports the problem, keeps what is painted, and asks for a new picture (once until it comes). */
  private fail(err: unknown): void {
    if (this.disposed) return;
    const code = (err as { code?: unknown }).code;
    this._onError.fire({ code: typeof code === 'string' ? code : 'ERR_SCREEN', message: (err as Error).message });
    if (this.awaitingReset) return;
    this.awaitingReset = true;
    this.send({ type: 'refresh' });
  }
}
