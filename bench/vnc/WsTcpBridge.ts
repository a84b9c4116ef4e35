/**
 * Child process: the websocket↔TCP bridge noVNC needs in front of x11vnc (websockify's job), counting the
 * bytes each way. Argv: websocket port, VNC TCP port. IPC: sends `{ type: 'ready' }`, answers
 * `{ type: 'bytes' }` with `{ type: 'bytes', down, up }` (down = VNC server → viewer).
 */
import * as net from 'net';
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
process.on('message', (m: { type?: string }) => {
  if (m.type === 'bytes') process.send?.({ type: 'bytes', down, up });
});
process.on('disconnect', () => process.exit(0));
