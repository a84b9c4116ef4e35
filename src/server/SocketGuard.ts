import type { Server } from 'http';
import type { Socket } from 'net';
import type { Logger } from '../common/logger';
import type { Limits } from './Limits';

/**
 * Guards the TCP level, before any WebSocket exists: an address may hold at most so many sockets at once
 * (its WebSockets plus a few not yet upgraded). A socket that never speaks is closed by Node's own http server
 * (headersTimeout, checked every connectionsCheckingInterval; a TLS socket's handshakeTimeout): see startServer.
 */
export function guardSockets(
  http: Server,
  limits: Pick<Limits, 'maxConnectionsPerAddress' | 'maxPendingSocketsPerAddress'>,
  logger: Logger,
  /** A trusted balancer carries everyone's sockets: its count is not one person's (the Gateway counts per client address). */
  isProxy: (address: string) => boolean = () => false,
): void {
  const max = limits.maxConnectionsPerAddress + limits.maxPendingSocketsPerAddress;
  const open = new Map<string, number>();
  http.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max && !isProxy(address)) {
      logger.debug(`refusing a TCP connection from ${address}: ${max} open`);
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
