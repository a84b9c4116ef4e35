/**
 * A typed connection to an X server through the pure-JavaScript `x11` package (which ships no types):
 * only the requests the host uses, promisified.
 */
import { HostError } from '../HostError';
import { IDisposable, Emitter } from '../../common/lifecycle';
import { mappedShmProvider } from './MappedShm';

type Callback<T> = (err: Error | null, value: T) => void;

/** The parts of the `x11` client the host calls. */
export interface X11Client {
  /** The sequence number of the last request sent (full width; events carry the one the server last processed). */
  readonly seq_num: number;
  AllocID(): number;
  ReleaseID(id: number): void;
  require(name: string, cb: Callback<unknown>): void;
  on(event: 'event', listener: (ev: X11Event) => void): void;
  on(event: 'error' | 'end' | 'close', listener: (err?: Error) => void): void;
  removeListener(event: string, listener: (...args: never[]) => void): void;
  QueryPointer(window: number, cb: Callback<{ rootX: number; rootY: number; keyMask: number }>): void;
  GetGeometry(drawable: number, cb: Callback<{ x: number; y: number; width: number; height: number }>): void;
  QueryKeymap(cb: Callback<Buffer>): void;
  GetKeyboardMapping(first: number, count: number, cb: Callback<number[][]>): void;
  ChangeKeyboardMapping(first: number, perKeycode: number, keysyms: number[]): void;
  GetInputFocus(cb: Callback<unknown>): void;
  terminate(): void;
}

export interface X11Event {
  readonly name?: string;
  readonly [key: string]: unknown;
}

export interface X11Screen {
  readonly root: number;
  readonly pixel_width: number;
  readonly pixel_height: number;
  readonly root_depth: number;
}

interface QueryExtension {
  QueryExtension(name: string, cb: (err: Error | null, ext?: { present: boolean }) => void): void;
}

export class X11Display implements IDisposable {
  private closed = false;
  private readonly _onError = new Emitter<Error>();
  /** X errors for requests sent without a callback (the server refused something we asked for). */
  readonly onError = this._onError.event;

  private constructor(
    readonly client: X11Client,
    readonly screen: X11Screen,
    readonly name: string,
    /** Keycodes the server uses, from the connection setup. */
    readonly keycodes: { readonly min: number; readonly max: number },
  ) {}

  /** Connects to `display` (e.g. ":0"); rejects with ERR_DISPLAY when the server is unreachable. */
  static connect(display: string): Promise<X11Display> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const x11 = require('x11') as { createClient(o: object, cb: Callback<{ client: X11Client; screen: X11Screen[]; min_keycode: number; max_keycode: number }>): { on(e: string, l: (err: Error) => void): void } };
    return new Promise((resolve, reject) => {
      let settled = false;
      let connected: X11Display | undefined;
      // Segments mapped here when possible (see MappedShm); else the package's own, which copies each grab.
      const client = x11.createClient({ display, shm: mappedShmProvider() }, (err, d) => {
        if (settled) return;
        settled = true;
        if (err || !d) return reject(new HostError('ERR_DISPLAY', `cannot connect to X display ${display}: ${err?.message ?? 'no display'}`));
        connected = new X11Display(d.client, d.screen[0], display, { min: d.min_keycode, max: d.max_keycode });
        resolve(connected);
      });
      client.on('error', (err: Error) => {
        if (connected) return connected._onError.fire(err);
        if (settled) return;
        settled = true;
        reject(new HostError('ERR_DISPLAY', `cannot connect to X display ${display}: ${err.message}`));
      });
    });
  }

  get root(): number {
    return this.screen.root;
  }

  /** Loads an X extension (e.g. 'shm', 'damage', 'xtest'); ERR_DISPLAY when the server lacks it. */
  extension<T>(name: string): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.require(name, (err, ext) => {
        if (err || !ext) reject(new HostError('ERR_DISPLAY', `X server ${this.name} lacks the ${name} extension: ${err?.message ?? ''}`));
        else resolve(ext as T);
      });
    });
  }

  /** Whether the server offers an extension, by its protocol name (e.g. 'XTEST'), without loading it. */
  hasExtension(protocolName: string): Promise<boolean> {
    return this.call<{ present: boolean } | undefined>((cb) => (this.client as unknown as QueryExtension).QueryExtension(protocolName, cb)).then((r) => Boolean(r?.present));
  }

  call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
    return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this._onError.dispose();
    this.client.terminate();
  }
}
