/**
 * Lists the monitors of an X screen through RANDR 1.5 (RRGetMonitors), to share one of them instead of
 * the whole screen. The `x11` package lacks that request, so it is sent here through the client's own
 * request/reply plumbing (the same way the package's extensions do it).
 */
import { HostError } from '../HostError';
import { X11Display } from '../x11/X11Display';
import { ScreenRegion } from './ScreenCapture';

interface RandrExtension {
  majorOpcode: number;
  major_version: number;
  minor_version: number;
}

/** The request plumbing every `x11` extension module uses. */
interface ClientInternals {
  seq_num: number;
  pack_stream: { put(b: Buffer): void; submit(expectsReply?: boolean): void };
  replies: Record<number, [(buf: Buffer) => unknown, (err: Error | null, value: unknown) => void]>;
  GetAtomName(atom: number, cb: (err: Error | null, name: string) => void): void;
}

export interface Monitor extends ScreenRegion {
  readonly name: string;
  readonly primary: boolean;
}

interface RawMonitor extends ScreenRegion {
  readonly atom: number;
  readonly primary: boolean;
}

const RR_GET_MONITORS = 42;

function getMonitors(X: ClientInternals, randr: RandrExtension, root: number): Promise<RawMonitor[]> {
  return new Promise((resolve, reject) => {
    X.seq_num++;
    const b = Buffer.alloc(12);
    b.writeUInt8(randr.majorOpcode, 0);
    b.writeUInt8(RR_GET_MONITORS, 1);
    b.writeUInt16LE(3, 2);
    b.writeUInt32LE(root >>> 0, 4);
    b.writeUInt8(1, 8); // active monitors only
    X.pack_stream.put(b);
    X.replies[X.seq_num] = [
      // `buf` starts 8 bytes into the reply: timestamp, nmonitors, noutputs, 12 pad, then MONITORINFOs.
      (buf: Buffer) => {
        const count = buf.readUInt32LE(4);
        const monitors: RawMonitor[] = [];
        let at = 24;
        for (let i = 0; i < count && at + 24 <= buf.length; i++) {
          const outputs = buf.readUInt16LE(at + 6);
          monitors.push({
            atom: buf.readUInt32LE(at),
            primary: buf.readUInt8(at + 4) === 1,
            x: buf.readInt16LE(at + 8),
            y: buf.readInt16LE(at + 10),
            width: buf.readUInt16LE(at + 12),
            height: buf.readUInt16LE(at + 14),
          });
          at += 24 + outputs * 4;
        }
        return monitors;
      },
      (err, value) => (err ? reject(err) : resolve(value as RawMonitor[])),
    ];
    X.pack_stream.submit(true);
  });
}

export async function listMonitors(display: X11Display): Promise<Monitor[]> {
  const randr = await display.extension<RandrExtension>('randr');
  const { major_version: major, minor_version: minor } = randr;
  if (major < 1 || (major === 1 && minor < 5)) {
    throw new HostError('ERR_DISPLAY', `choosing a monitor needs RANDR 1.5; ${display.name} has ${major}.${minor}`);
  }
  const X = display.client as unknown as ClientInternals;
  const raw = await getMonitors(X, randr, display.root);
  return Promise.all(
    raw.map(async (m) => ({ name: await display.call<string>((cb) => X.GetAtomName(m.atom, cb)), primary: m.primary, x: m.x, y: m.y, width: m.width, height: m.height })),
  );
}

/** The region of monitor `name`; ERR_MONITOR_NOT_FOUND lists the ones that exist. */
export async function monitorRegion(display: X11Display, name: string): Promise<ScreenRegion> {
  const monitors = await listMonitors(display);
  const found = monitors.find((m) => m.name === name);
  if (!found) {
    throw new HostError('ERR_MONITOR_NOT_FOUND', `no monitor named ${JSON.stringify(name)}; available: ${monitors.map((m) => m.name).join(', ') || 'none'}`);
  }
  return { x: found.x, y: found.y, width: found.width, height: found.height };
}

/** The monitors of display `name` on a connection of their own (the sharer's picker, before sharing). */
export async function listDisplayMonitors(name: string): Promise<Monitor[]> {
  const display = await X11Display.connect(name);
  try {
    return await listMonitors(display);
  } finally {
    display.dispose();
  }
}
