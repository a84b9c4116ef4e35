/**
 * Frames of the portal's PipeWire stream as a ScreenCapture: a GStreamer child (`pipewiresrc` on the portal's
 * descriptor, converted to BGRx at the monitor's size) writes raw frames to a pipe; each complete frame is a
 * damage report, and grab() hands out the newest one. The compositor sends frames only when the screen changes,
 * so an idle screen costs nothing — the same contract as X11's DAMAGE-driven capture.
 */
import { ChildProcess, spawn } from 'child_process';
import { Disposable, Emitter, toDisposable } from '../../common/lifecycle';
import { ScreenCapture, ScreenRegion } from '../capture/ScreenCapture';
import { HostError } from '../HostError';
import { PortalStream } from './ScreenCastSession';

/** The descriptor's number inside the child (after stdin, stdout and stderr). */
const CHILD_FD = 3;

export class PipeWireCapture extends Disposable implements ScreenCapture {
  private readonly _onDamage = this.register(new Emitter<void>());
  readonly onDamage = this._onDamage.event;
  private readonly _onError = this.register(new Emitter<HostError>());
  /** The stream ended or could not be read (PipeWire or the compositor went away). */
  readonly onError = this._onError.event;
  readonly region: ScreenRegion;
  private readonly frameBytes: number;
  /** The frame being filled from the pipe, and the newest complete one. */
  private filling: Buffer;
  private filled = 0;
  private latest: Buffer | undefined;
  /** The frame grab() handed out: never refilled until the next grab. */
  private grabbed: Buffer | undefined;
  private readonly spare: Buffer[] = [];
  private dirty = true;
  private firstFrame: Promise<void>;
  private stderr = '';
  private readonly child: ChildProcess;

  /**
   * `pipeWireFd` is the portal's remote; without one (the D-Bus connection cannot carry descriptors: usocket is
   * not built) the node is read through the user's default PipeWire socket, which outside a sandbox sees it too.
   */
  constructor(stream: PortalStream, pipeWireFd: number | undefined, env: NodeJS.ProcessEnv = process.env) {
    super();
    // Input coordinates are stream-relative (NotifyPointerMotionAbsolute takes them so), so the region starts at 0,0.
    this.region = { x: 0, y: 0, width: stream.width, height: stream.height };
    this.frameBytes = stream.width * stream.height * 4;
    this.filling = Buffer.alloc(this.frameBytes);
    const remote = pipeWireFd === undefined ? [] : [`fd=${CHILD_FD}`];
    const args = ['-q', 'pipewiresrc', ...remote, `path=${stream.node}`, 'always-copy=true', '!', 'videoconvert', '!', 'videoscale', '!',
      `video/x-raw,format=BGRx,width=${stream.width},height=${stream.height}`, '!', 'fdsink', 'fd=1', 'sync=false'];
    const gstLaunch = env.REMOTE_ASSIST_GST_LAUNCH || 'gst-launch-1.0';
    this.child = spawn(gstLaunch, args, { env, stdio: ['ignore', 'pipe', 'pipe', ...(pipeWireFd === undefined ? [] : [pipeWireFd])] });
    this.register(toDisposable(() => this.child.kill('SIGKILL')));
    let started!: () => void;
    let failed!: (err: HostError) => void;
    this.firstFrame = new Promise<void>((resolve, reject) => ((started = resolve), (failed = reject)));
    this.firstFrame.catch(() => undefined);
    this.child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk, started));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    this.child.on('error', (err) => {
      const error = new HostError('ERR_PIPEWIRE', `The screen cast cannot be read: ${gstLaunch} did not start (${err.message}). Install gstreamer1.0-tools and gstreamer1.0-pipewire.`);
      failed(error);
      if (!this.isDisposed) this._onError.fire(error);
    });
    this.child.on('exit', (code, signal) => {
      if (this.isDisposed) return;
      const error = new HostError('ERR_PIPEWIRE', `The PipeWire screen-cast stream ended (${signal ?? `exit ${code}`}${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}): sharing has stopped.`);
      failed(error);
      this._onError.fire(error);
    });
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Resolves once the first frame has arrived (the stream is really flowing). */
  ready(): Promise<void> {
    return this.firstFrame;
  }

  async grab(): Promise<Buffer> {
    if (!this.latest) await this.firstFrame;
    this.dirty = false;
    if (this.grabbed && this.grabbed !== this.latest) this.spare.push(this.grabbed);
    this.grabbed = this.latest as Buffer;
    return this.grabbed;
  }

  private onData(chunk: Buffer, started: () => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, this.frameBytes - this.filled);
      chunk.copy(this.filling, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled < this.frameBytes) continue;
      // The complete frame becomes the newest; the one before it is refilled unless grab() handed it out.
      const previous = this.latest;
      this.latest = this.filling;
      if (previous && previous !== this.grabbed) this.spare.push(previous);
      this.filling = this.spare.pop() ?? Buffer.alloc(this.frameBytes);
      this.filled = 0;
      started();
      if (!this.dirty) {
        this.dirty = true;
        this._onDamage.fire();
      }
    }
  }
}
