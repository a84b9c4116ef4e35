/** Lists the monitors of an X screen through RANDR, to share one of them instead of the whole screen. */
import { HostError } from '../HostError';
import { X11Display } from '../x11/X11Display';
import { ScreenRegion } from './ScreenCapture';

interface RandrExtension {
  GetScreenResourcesCurrent(window: number, cb: (err: Error | null, res: { outputs: number[]; config_timestamp: number }) => void): void;
  GetOutputInfo(output: number, ts: number, cb: (err: Error | null, info: { name: string; crtc: number; connection: number }) => void): void;
  GetCrtcInfo(crtc: number, ts: number, cb: (err: Error | null, info: { x: number; y: number; width: number; height: number }) => void): void;
}

export interface Monitor extends ScreenRegion {
  readonly name: string;
}

export async function listMonitors(display: X11Display): Promise<Monitor[]> {
  const randr = await display.extension<RandrExtension>('randr');
  const res = await display.call<{ outputs: number[]; config_timestamp: number }>((cb) => randr.GetScreenResourcesCurrent(display.root, cb));
  const monitors: Monitor[] = [];
  for (const output of res.outputs) {
    const info = await display.call<{ name: string; crtc: number; connection: number }>((cb) => randr.GetOutputInfo(output, res.config_timestamp, cb));
    if (!info.crtc) continue;
    const crtc = await display.call<{ x: number; y: number; width: number; height: number }>((cb) => randr.GetCrtcInfo(info.crtc, res.config_timestamp, cb));
    if (crtc.width > 0 && crtc.height > 0) monitors.push({ name: info.name, x: crtc.x, y: crtc.y, width: crtc.width, height: crtc.height });
  }
  return monitors;
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
