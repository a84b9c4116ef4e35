/**
 * Keeps the shared area on what the sharer chose while the display changes under it: RANDR reports a new
 * resolution or monitor layout (RRScreenChangeNotify) and the area follows (the whole screen's new size, or
 * the chosen monitor's new rectangle); the sharer may also choose another monitor mid-session.
 */
import { ScreenChoice } from '../../protocol/host';
import { Emitter, IDisposable } from '../../common/lifecycle';
import { HostError } from '../HostError';
import { X11Display, X11Event } from '../x11/X11Display';
import { ScreenArea } from './ScreenArea';
import { ScreenRegion } from './ScreenCapture';
import { monitorRegion } from './X11Monitors';

interface RandrEvents {
  firstEvent: number;
  NotifyMask: { ScreenChange: number; CrtcChange: number; OutputChange: number };
  SelectInput(window: number, mask: number): void;
}

/** RRNotify (a CRTC or output changed: a monitor moved or changed mode without the screen size changing). */
const RR_NOTIFY = 1;

/** A mode change sends several notifications in a row; the area follows once they stop. */
const SETTLE_MS = 50;

/**
 * Where `choice` is on `display` now, within the screen (a monitor set by hand may reach past it after a
 * mode change); ERR_MONITOR_NOT_FOUND for a monitor that is not there or not on the screen.
 */
export async function resolveChoice(display: X11Display, choice: ScreenChoice): Promise<{ region: ScreenRegion; whole: boolean }> {
  const root = await display.call<{ width: number; height: number }>((cb) => display.client.GetGeometry(display.root, cb));
  if (choice === 'all') return { region: { x: 0, y: 0, width: root.width, height: root.height }, whole: true };
  const m = await monitorRegion(display, choice.monitor);
  const x = Math.max(0, m.x);
  const y = Math.max(0, m.y);
  const width = Math.min(m.x + m.width, root.width) - x;
  const height = Math.min(m.y + m.height, root.height) - y;
  if (width <= 0 || height <= 0) throw new HostError('ERR_MONITOR_NOT_FOUND', `monitor ${JSON.stringify(choice.monitor)} is outside the ${root.width}x${root.height} screen`);
  return { region: { x, y, width, height }, whole: false };
}

export class X11ScreenFollower implements IDisposable {
  private readonly _onError = new Emitter<HostError>();
  /** The chosen monitor went away or the display refused a query; the area stays within the screen. */
  readonly onError = this._onError.event;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Changes are applied one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly listener = (ev: X11Event) => {
    if (ev.name === 'RRScreenChangeNotify' && ev.root === this.display.root) {
      // At once, before any further grab: never ask the server for pixels outside its new size.
      this.clip(ev.width as number, ev.height as number);
    } else if (ev.type !== this.notifyEvent) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.enqueue(() => this.follow()).catch((err: Error) => this.fail(err)), SETTLE_MS);
  };

  private constructor(
    private readonly display: X11Display,
    readonly area: ScreenArea,
    private choice: ScreenChoice,
    private readonly notifyEvent: number,
  ) {
    display.client.on('event', this.listener);
  }

  /** Opens the area on `choice` (ERR_MONITOR_NOT_FOUND if it is not there) and starts following RANDR. */
  static async open(display: X11Display, choice: ScreenChoice): Promise<X11ScreenFollower> {
    const randr = await display.extension<RandrEvents>('randr');
    const { region, whole } = await resolveChoice(display, choice);
    const follower = new X11ScreenFollower(display, new ScreenArea(region, whole), choice, randr.firstEvent + RR_NOTIFY);
    // RRSelectInput has its own mask per client and window: the core root mask X11Windows ORs in on this
    // connection is left as it is, and nothing else selects RANDR events here.
    randr.SelectInput(display.root, randr.NotifyMask.ScreenChange | randr.NotifyMask.CrtcChange | randr.NotifyMask.OutputChange);
    return follower;
  }

  /** What is shared now. */
  get current(): ScreenChoice {
    return this.choice;
  }

  /** Shares `choice` from now on (resolves whether the area changed); a monitor that is not there is refused. */
  choose(choice: ScreenChoice): Promise<boolean> {
    return this.enqueue(async () => {
      const { region, whole } = await resolveChoice(this.display, choice);
      if (this.disposed) return false;
      this.choice = choice;
      return this.area.set(region, whole);
    });
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async follow(): Promise<void> {
    if (this.disposed) return;
    try {
      const { region, whole } = await resolveChoice(this.display, this.choice);
      if (!this.disposed) this.area.set(region, whole);
    } catch (err) {
      if (this.disposed) return;
      // The chosen monitor is gone: never widen what is shared; its old rectangle stays, cut to the screen.
      const { region } = await resolveChoice(this.display, 'all');
      this.clip(region.width, region.height);
      this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    if (!this.disposed) this._onError.fire(err instanceof HostError ? err : new HostError('ERR_DISPLAY', err.message));
  }

  /** The screen is now `width`x`height`: the whole of it, or the chosen monitor's rectangle cut to it. */
  private clip(width: number, height: number): void {
    if (this.disposed) return;
    if (this.choice === 'all') {
      this.area.set({ x: 0, y: 0, width, height }, true);
      return;
    }
    const a = this.area;
    const x = Math.min(a.x, width - 1);
    const y = Math.min(a.y, height - 1);
    this.area.set({ x, y, width: Math.min(a.width, width - x), height: Math.min(a.height, height - y) }, false);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.display.client.removeListener('event', this.listener);
    this._onError.dispose();
    this.area.dispose();
  }
}
