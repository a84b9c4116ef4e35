/** One side of the comparison: the processes that share the screen and the viewer page that shows it. */
import * as net from 'net';
import { ViewerPage } from './ViewerPage';

export { freePort } from '../../scripts/stack/poll';

/** One cell of the matrix: which sharing software, set up how. */
export interface SystemSpec {
  /** Short id used in results, e.g. `x11vnc-tuned`. */
  readonly id: string;
  readonly kind: 'ours' | 'x11vnc' | 'x0vnc';
  /** `default`: as installed; `tuned`: as an expert would set it up for a LAN. */
  readonly tuning: 'default' | 'tuned';
  /** Our quality preset (ours only). */
  readonly preset?: string;
  /** Extra server arguments beyond the fixed connection ones (VNC only). */
  readonly args?: readonly string[];
}

export const MATRIX: readonly SystemSpec[] = [
  { id: 'ours-auto', kind: 'ours', tuning: 'default', preset: 'Auto' },
  { id: 'ours-best', kind: 'ours', tuning: 'tuned', preset: 'Best' },
  { id: 'x11vnc-default', kind: 'x11vnc', tuning: 'default', args: [] },
  // x11vnc's own advice for a fast link: no deferral or wait between updates, no naps, no X-server waits
  { id: 'x11vnc-tuned', kind: 'x11vnc', tuning: 'tuned', args: ['-defer', '1', '-wait', '1', '-nonap', '-nowait_bog'] },
  { id: 'x11vnc-threads', kind: 'x11vnc', tuning: 'tuned', args: ['-defer', '1', '-wait', '1', '-nonap', '-nowait_bog', '-threads'] },
  { id: 'x0vnc-default', kind: 'x0vnc', tuning: 'default', args: [] },
  // TigerVNC's scraping server polls every 30 ms and holds itself to 35 % of a core unless told otherwise
  { id: 'x0vnc-tuned', kind: 'x0vnc', tuning: 'tuned', args: ['-PollingCycle', '10', '-MaxProcessorUsage', '100'] },
];

export interface SystemUnderTest {
  readonly spec: SystemSpec;
  readonly viewer: ViewerPage;
  /** Roots of the sharing side's process trees (what the sharer's machine pays, websockify included). */
  sharerPids(): number[];
  /** Stage costs the system can report (decoder, host stats, …), cumulative counters. */
  details(): Promise<Record<string, number>>;
  /**
   * When each stage of connecting was reached, ms from the start of `start` (ours: the viewer page open, the
   * host's offer, the viewer's answer, ICE connected, the first picture painted; VNC: the server listening,
   * the viewer page open, noVNC connected); the bench adds when the picture was first exact.
   */
  readonly connectStages: Record<string, number>;
  /** Makes clicks in the viewer reach the sharer's screen. */
  enableInput(): Promise<void>;
  dispose(): Promise<void>;
}

/** Polls until something accepts TCP connections on `host:port`. */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the process that should listen on ${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
