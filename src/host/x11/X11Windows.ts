/**
 * The top-level windows of an X screen — title, class and rectangle, in stacking order — kept current from
 * X events (root SubstructureNotify, PropertyNotify on the root and on each client). With a window manager
 * the root's children are frames and the client inside carries WM_STATE; _NET_CLIENT_LIST and
 * _NET_ACTIVE_WINDOW changes trigger a refresh too. Without one the root's children are the clients.
 *
 * Redaction and the window fence must never act on a stale list: every X event bumps `generation`, and a
 * snapshot is settled only when a refresh that began at the current generation ended with no event in
 * between. Events reach this connection before any later reply on it, so a screen grab on the same
 * connection that sees no new generation was taken with the windows exactly as listed.
 */
import { Emitter, IDisposable } from '../../common/lifecycle';
import { X11Display, X11Event } from './X11Display';

export interface TopWindow {
  /** The client window (what carries title and class). */
  readonly id: number;
  /** The root child that holds it on screen (the WM's frame, or the client itself). */
  readonly frame: number;
  readonly title: string;
  /** WM_CLASS: instance and class names, e.g. "keepassxc" / "KeePassXC". */
  readonly instance: string;
  readonly className: string;
  /** The frame's rectangle in root coordinates, border included. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Menus and tooltips: not managed by the window manager. */
  readonly overrideRedirect: boolean;
}

export interface WindowSnapshot {
  readonly generation: number;
  /** Viewable top-level windows, bottom to top. */
  readonly windows: readonly TopWindow[];
  /** The top-level that receives key presses (the focus, or with pointer-root focus the one under the pointer). */
  readonly focus: number | undefined;
}

type Callback<T> = (err: Error | null, value: T) => void;
interface WindowRequests {
  QueryTree(w: number, cb: Callback<{ children: number[] }>): void;
  GetWindowAttributes(w: number, cb: Callback<{ mapState: number; overrideRedirect: number; myEventMasks: number }>): void;
  GetGeometry(w: number, cb: Callback<{ xPos: number; yPos: number; width: number; height: number; borderWidth: number }>): void;
  GetProperty(del: number, w: number, prop: number, type: number, offset: number, length: number, cb: Callback<{ type: number; data: Buffer }>): void;
  InternAtom(onlyIfExists: boolean, name: string, cb: Callback<number>): void;
  ChangeWindowAttributes(w: number, values: { eventMask: number }, cb?: Callback<unknown>): void;
  GetInputFocus(cb: Callback<{ focus: number }>): void;
  QueryPointer(w: number, cb: Callback<{ child: number }>): void;
}

const ATOM = { STRING: 31, WM_NAME: 39, WM_CLASS: 67, ANY: 0 };
const VIEWABLE = 2;
const POINTER_ROOT = 1;
/** SubstructureNotify | PropertyChange on the root. */
const ROOT_MASK = 0x00080000 | 0x00400000;
/** EnterWindow | FocusChange | PropertyChange on frames and clients. */
const WINDOW_MASK = 0x00000010 | 0x00200000 | 0x00400000;
const STRUCTURE_EVENTS = new Set(['CreateNotify', 'DestroyNotify', 'MapNotify', 'UnmapNotify', 'ConfigureNotify', 'ReparentNotify', 'CirculateNotify', 'GravityNotify']);
const CHANGE_EVENTS = new Set([...STRUCTURE_EVENTS, 'PropertyNotify', 'EnterNotify', 'FocusIn', 'FocusOut']);
/** Longest title read, in 4-byte units. */
const TITLE_LONGS = 256;

export class X11Windows implements IDisposable {
  private readonly _onDidChange = new Emitter<WindowSnapshot>();
  /** A refresh settled with a list that differs from the previous one. */
  readonly onDidChange = this._onDidChange.event;
  private _generation = 0;
  private _snapshot: WindowSnapshot = { generation: -1, windows: [], focus: undefined };
  private refreshing: Promise<void> | undefined;
  private readonly selected = new Set<number>();
  private readonly waiters: (() => void)[] = [];
  private disposed = false;
  private readonly listener = (ev: X11Event) => this.onEvent(ev);

  private constructor(
    private readonly x: X11Display,
    private readonly atoms: { utf8: number; netName: number; wmState: number; clientList: number; active: number },
    private readonly ignored: ReadonlySet<number>,
  ) {
    x.client.on('event', this.listener);
  }

  /** Starts watching the display's windows (except `ignored`: this host's own, such as the sharing frame); resolves with the first settled list. */
  static async open(display: X11Display, ignored: readonly number[] = []): Promise<X11Windows> {
    const req = display.client as unknown as WindowRequests;
    const intern = (name: string) => display.call<number>((cb) => req.InternAtom(false, name, cb));
    const [utf8, netName, wmState, clientList, active] = await Promise.all(['UTF8_STRING', '_NET_WM_NAME', 'WM_STATE', '_NET_CLIENT_LIST', '_NET_ACTIVE_WINDOW'].map(intern));
    // Added to what this connection already selects on the root (another watcher may share it).
    const { myEventMasks } = await display.call<{ mapState: number; overrideRedirect: number; myEventMasks: number }>((cb) => req.GetWindowAttributes(display.root, cb));
    req.ChangeWindowAttributes(display.root, { eventMask: myEventMasks | ROOT_MASK });
    const windows = new X11Windows(display, { utf8, netName, wmState, clientList, active }, new Set(ignored));
    await windows.settled();
    return windows;
  }

  /** Bumped by every X event that may change which windows are where. */
  get generation(): number {
    return this._generation;
  }

  /** The last list read; `stale` while an event arrived after it. */
  get snapshot(): WindowSnapshot {
    return this._snapshot;
  }

  get stale(): boolean {
    return this._snapshot.generation !== this._generation;
  }

  /** Resolves once the list reflects every event received so far. */
  settled(): Promise<WindowSnapshot> {
    if (!this.stale) return Promise.resolve(this._snapshot);
    return new Promise((resolve) => {
      this.waiters.push(() => resolve(this._snapshot));
      this.refresh();
    });
  }

  private onEvent(ev: X11Event): void {
    if (!ev.name || !CHANGE_EVENTS.has(ev.name)) return;
    if (ev.name === 'PropertyNotify') {
      const atom = ev.atom as number;
      const relevant = [ATOM.WM_NAME, ATOM.WM_CLASS, this.atoms.netName, this.atoms.wmState, this.atoms.clientList, this.atoms.active];
      if (!relevant.includes(atom)) return;
    }
    this._generation++;
    this.refresh();
  }

  private refresh(): void {
    if (this.refreshing || this.disposed) return;
    const generation = this._generation;
    this.refreshing = this.read()
      .then((list) => {
        if (this.disposed) return;
        const before = this._snapshot;
        this._snapshot = { generation, ...list };
        if (JSON.stringify(before.windows) !== JSON.stringify(list.windows) || before.focus !== list.focus) this._onDidChange.fire(this._snapshot);
      })
      .catch(() => {
        // A window vanished mid-read (BadWindow): the DestroyNotify already bumped the generation.
        if (this._generation === generation) this._generation++;
      })
      .finally(() => {
        this.refreshing = undefined;
        if (this.disposed) return;
        if (this.stale) return this.refresh();
        for (const wake of this.waiters.splice(0)) wake();
      });
  }

  private async read(): Promise<Omit<WindowSnapshot, 'generation'>> {
    const req = this.x.client as unknown as WindowRequests;
    const root = this.x.root;
    const { children } = await this.x.call<{ children: number[] }>((cb) => req.QueryTree(root, cb));
    const found = await Promise.all(children.filter((frame) => !this.ignored.has(frame)).map((frame) => this.readFrame(frame).catch(() => undefined)));
    const windows = found.filter((w): w is TopWindow => w !== undefined);
    for (const id of this.selected) if (!windows.some((w) => w.id === id || w.frame === id)) this.selected.delete(id);
    return { windows, focus: await this.readFocus(windows) };
  }

  private async readFrame(frame: number): Promise<TopWindow | undefined> {
    const req = this.x.client as unknown as WindowRequests;
    const attrs = await this.x.call<{ mapState: number; overrideRedirect: number }>((cb) => req.GetWindowAttributes(frame, cb));
    if (attrs.mapState !== VIEWABLE) return undefined;
    const id = await this.findClient(frame);
    // Select before reading, so a title set from now on raises an event.
    for (const w of new Set([frame, id])) {
      if (this.selected.has(w)) continue;
      this.selected.add(w);
      req.ChangeWindowAttributes(w, { eventMask: WINDOW_MASK }, () => undefined);
    }
    const [geometry, title, wmClass] = await Promise.all([
      this.x.call<{ xPos: number; yPos: number; width: number; height: number; borderWidth: number }>((cb) => req.GetGeometry(frame, cb)),
      this.title(id),
      this.property(id, ATOM.WM_CLASS, ATOM.STRING, 64),
    ]);
    const [instance = '', className = ''] = (wmClass?.toString('latin1') ?? '').split('\0');
    const border = geometry.borderWidth * 2;
    return { id, frame, title, instance, className, x: geometry.xPos, y: geometry.yPos, width: geometry.width + border, height: geometry.height + border, overrideRedirect: attrs.overrideRedirect === 1 };
  }

  /** The client inside a WM frame (the descendant with WM_STATE, two levels at most), else the frame itself. */
  private async findClient(frame: number): Promise<number> {
    if (await this.property(frame, this.atoms.wmState, ATOM.ANY, 1)) return frame;
    const req = this.x.client as unknown as WindowRequests;
    const { children } = await this.x.call<{ children: number[] }>((cb) => req.QueryTree(frame, cb));
    for (const child of children) {
      if (await this.property(child, this.atoms.wmState, ATOM.ANY, 1)) return child;
      const inner = await this.x.call<{ children: number[] }>((cb) => req.QueryTree(child, cb));
      for (const grandchild of inner.children) if (await this.property(grandchild, this.atoms.wmState, ATOM.ANY, 1)) return grandchild;
    }
    return frame;
  }

  private async title(id: number): Promise<string> {
    const utf8 = await this.property(id, this.atoms.netName, this.atoms.utf8, TITLE_LONGS);
    if (utf8 && utf8.length > 0) return utf8.toString('utf8');
    return (await this.property(id, ATOM.WM_NAME, ATOM.ANY, TITLE_LONGS))?.toString('latin1') ?? '';
  }

  private async property(w: number, atom: number, type: number, longs: number): Promise<Buffer | undefined> {
    const req = this.x.client as unknown as WindowRequests;
    const prop = await this.x.call<{ type: number; data: Buffer }>((cb) => req.GetProperty(0, w, atom, type, 0, longs, cb));
    return prop.type === 0 ? undefined : Buffer.from(prop.data);
  }

  private async readFocus(windows: readonly TopWindow[]): Promise<number | undefined> {
    const req = this.x.client as unknown as WindowRequests;
    let { focus } = await this.x.call<{ focus: number }>((cb) => req.GetInputFocus(cb));
    if (focus === POINTER_ROOT || focus === this.x.root) focus = (await this.x.call<{ child: number }>((cb) => req.QueryPointer(this.x.root, cb))).child;
    if (!focus) return undefined;
    const direct = windows.find((w) => w.id === focus || w.frame === focus);
    if (direct) return direct.id;
    // Focus on a window inside a top-level: walk up until a root child.
    let at = focus;
    for (let depth = 0; depth < 16; depth++) {
      const tree = await this.x.call<{ parent: number }>((cb) => (req.QueryTree as unknown as (w: number, cb: Callback<{ parent: number }>) => void)(at, cb));
      if (tree.parent === this.x.root || tree.parent === 0) break;
      at = tree.parent;
    }
    return windows.find((w) => w.frame === at)?.id;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.x.client.removeListener('event', this.listener);
    this._onDidChange.dispose();
    for (const wake of this.waiters.splice(0)) wake();
  }
}
