import type { Server } from 'http';
import type { Socket } from 'net';
import type { Logger } from '../common/logger';
import type { Limits } from './Limits';

/**
 * Guards the TCP level, before any WebSocket exists: an address may hold at most so many sockets at once
 * (its WebSockets plus a few not yet upgraded), and a socket must send its first request within
 * headersTimeoutMs — one that never speaks is closed instead of holding a descriptor for minutes.
 */
export function guardSockets(
  http: Server,
  limits: Pick<Limits, 'maxConnectionsPerAddress' | 'maxPendingSocketsPerAddress' | 'headersTimeoutMs'>,
  logger: Logger,
  /** A trusted balancer carries everyone's sockets: its count is not one person's (the Gateway counts per client address). */
  isProxy: (address: string) => boolean = () => false,
): void {
  const max = limits.maxConnectionsPerAddress + limits.maxPendingSocketsPerAddress;
  const open = new Map<string, number>();
  // by remote address and port: a TLS server emits 'connection' for the raw socket, 'request' and 'upgrade' for the TLS socket over it
  const silent = new Map<string, NodeJS.Timeout>();
  const key = (socket: Socket) => `${socket.remoteAddress} ${socket.remotePort}`;
  const spoke = (socket: Socket) => {
    clearTimeout(silent.get(key(socket)));
    silent.delete(key(socket));
  };
  http.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max && !isProxy(address)) {
      logger.debug(`refusing a TCP connection from ${address}: ${max} open`);
      socket.destroy();
      return;
    }
    open.set(address, count);
    silent.set(
      key(socket),
      setTimeout(() => {
        logger.debug(`closing a socket from ${address} that sent no request within ${limits.headersTimeoutMs} ms`);
        socket.destroy();
      }, limits.headersTimeoutMs),
    );
    socket.once('close', () => {
      spoke(socket);
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  http.on('request', (req: { socket: Socket }) => spoke(req.socket));
  http.on('upgrade', (req: { socket: Socket }) => spoke(req.socket));
}
