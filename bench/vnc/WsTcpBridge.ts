/**
 * Child process: the websocket↔TCP bridge noVNC needs in front of x11vnc (websockify's job), counting the
 * bytes each way. Argv: websocket port, VNC TCP port. IPC: sends `{ type: 'ready' }`, answers
 * `{ type: 'bytes' }` with `{ type: 'bytes', down, up, downIp, upIp }` (down = VNC server → viewer): the
 * RFB payload, and the viewer's WebSocket connection as IP packets, from the kernel's tcp_info (`ss -ti`).
 */
import { execFileSync } from 'child_process';
import * as net from 'net';
import { TCP_IP_HEADER_BYTES } from './SystemUnderTest';
import { WebSocketServer } from 'ws';

const [wsPort, tcpPort] = process.argv.slice(2).map(Number);
let down = 0;
let up = 0;

const server = new WebSocketServer({ host: '127.0.0.1', port: wsPort, perMessageDeflate: false });
server.on('connection', (ws) => {
  const tcp = net.connect({ host: '127.0.0.1', port: tcpPort });
  tcp.setNoDelay(true);
  tcp.on('data', (data) => {
    down += data.length;
    ws.send(data);
  });
  ws.on('message', (data: Buffer) => {
    up += data.length;
    tcp.write(data);
  });
  const close = (): void => {
    tcp.destroy();
    ws.close();
  };
  tcp.on('close', close);
  tcp.on('error', close);
  ws.on('close', close);
  ws.on('error', close);
});
server.on('listening', () => process.send?.({ type: 'ready' }));
/** The WebSocket leg (viewer ↔ bridge) as IP packets: bytes and segments (ACKs included) each way. */
function ipBytes(): { downIp: number; upIp: number } {
  const out = execFileSync('ss', ['-tinH', 'state', 'established', `( sport = :${wsPort} )`], { encoding: 'utf8' });
  const total = (key: string) => [...out.matchAll(new RegExp(`\\b${key}:(\\d+)`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  return {
    downIp: total('bytes_sent') + TCP_IP_HEADER_BYTES * total('segs_out'),
    upIp: total('bytes_received') + TCP_IP_HEADER_BYTES * total('segs_in'),
  };
}

process.on('message', (m: { type?: string }) => {
  if (m.type === 'bytes') process.send?.({ type: 'bytes', down, up, ...ipBytes() });
});
process.on('disconnect', () => process.exit(0));
