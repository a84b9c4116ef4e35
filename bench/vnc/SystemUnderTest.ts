/** One side of the comparison: the processes that share the screen and the viewer page that shows it. */
import * as net from 'net';
import { ViewerPage } from './ViewerPage';

export { freePort } from '../../scripts/stack/poll';

export type SystemName = 'ours' | 'vnc';

export interface WireBytes {
  /** Sharer → viewer, the protocol's payload (RFB; ours: DTLS records carrying SRTP/SCTP). */
  readonly down: number;
  /** Viewer → sharer, likewise. */
  readonly up: number;
  /** Sharer → viewer as IP packets: payload plus WebSocket/TCP/IP or UDP/IP headers of every packet. */
  readonly downIp: number;
  readonly upIp: number;
}

/** IPv4 + UDP headers of one datagram. */
export const UDP_IP_HEADER_BYTES = 28;
/** IPv4 + TCP headers with the timestamp option (Linux default) of one segment. */
export const TCP_IP_HEADER_BYTES = 52;

export interface SystemUnderTest {
  readonly name: SystemName;
  readonly viewer: ViewerPage;
  /** Roots of the sharing side's process trees (what the sharer's machine pays). */
  sharerPids(): number[];
  /** Cumulative bytes on the wire since the session began. */
  wireBytes(): Promise<WireBytes>;
  /** Stage costs the system can report (decoder, jitter buffer, …), cumulative counters. */
  details(): Promise<Record<string, number>>;
  /** Makes clicks in the viewer reach the sharer's screen. */
  enableInput(): Promise<void>;
  dispose(): Promise<void>;
}


/** Polls until something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
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
