/** The slice of the `x11` package the scene player uses, typed (the package ships no types). */
import { createRequire } from 'module';

export interface XEvent {
  readonly name: string;
  readonly wid?: number;
  readonly x?: number;
  readonly y?: number;
}

export interface XClient {
  AllocID(): number;
  CreateWindow(
    wid: number,
    parent: number,
    x: number,
    y: number,
    width: number,
    height: number,
    borderWidth: number,
    depth: number,
    windowClass: number,
    visual: number,
    values: Record<string, number>,
  ): void;
  ChangeWindowAttributes(wid: number, values: Record<string, number>): void;
  MapWindow(wid: number): void;
  MoveWindow(wid: number, x: number, y: number): void;
  CreatePixmap(pid: number, drawable: number, depth: number, width: number, height: number): void;
  PutImage(format: number, drawable: number, gc: number, width: number, height: number, dstX: number, dstY: number, leftPad: number, depth: number, data: Buffer): void;
  GetImage(format: number, drawable: number, x: number, y: number, width: number, height: number, planeMask: number, cb: (err: Error | null, image: { data: Buffer }) => void): void;
  UnmapWindow(wid: number): void;
  RaiseWindow(wid: number): void;
  DestroyWindow(wid: number): void;
  ClearArea(wid: number, x: number, y: number, width: number, height: number, exposures: number): void;
  OpenFont(fid: number, name: string): void;
  CreateGC(gc: number, drawable: number, values: Record<string, number>): void;
  ChangeGC(gc: number, values: Record<string, number>): void;
  PolyFillRectangle(drawable: number, gc: number, coords: number[]): void;
  CopyArea(src: number, dst: number, gc: number, sx: number, sy: number, dx: number, dy: number, w: number, h: number): void;
  PolyText8(drawable: number, gc: number, x: number, y: number, items: string[]): void;
  sync(): Promise<void>;
  flush(): Promise<void>;
  close(cb?: () => void): void;
  on(event: 'event', listener: (ev: XEvent) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export interface XDisplayConnection {
  readonly client: XClient;
  readonly screen: ReadonlyArray<{ readonly root: number; readonly pixel_width: number; readonly pixel_height: number }>;
}

interface X11Module {
  createClient(options: { display: string }, cb: (err: Error | null, display: XDisplayConnection) => void): void;
  readonly eventMask: Record<string, number>;
}

export const x11 = createRequire(__filename)('x11') as X11Module;

export function connectX(display: string): Promise<XDisplayConnection> {
  return new Promise((resolve, reject) => {
    x11.createClient({ display }, (err, conn) => (err ? reject(err) : resolve(conn)));
  });
}
