/** A loopback TCP balancer for tests: each new connection goes to the first backend that accepts it. */
import { connect, createServer, type Server, type Socket } from 'net';

export class FailoverProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(private readonly backends: readonly number[]) {
    this.server = createServer((client) => {
      client.on('error', () => client.destroy());
      this.relay(client, 0);
    });
  }

  static async start(backends: readonly number[]): Promise<FailoverProxy> {
    const proxy = new FailoverProxy(backends);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Tries backend `index`, then the next ones while they refuse; the client is dropped when none accepts. */
  private relay(client: Socket, index: number): void {
    if (index >= this.backends.length) {
      client.destroy();
      return;
    }
    client.pause();
    const upstream = connect(this.backends[index], '127.0.0.1');
    upstream.once('error', () => this.relay(client, index + 1));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
      client.resume();
    });
  }
}
