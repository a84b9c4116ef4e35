import { strict as assert } from 'assert';
import WebSocket from 'ws';
import { Fixture } from './support';

/** Opens a WebSocket claiming to come from `forwardedFor`; resolves with how it ended up: open, or closed with a code. */
function connectAs(url: string, forwardedFor: string, sockets: WebSocket[]): Promise<'open' | number> {
  const socket = new WebSocket(url, { headers: { 'x-forwarded-for': forwardedFor } });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('close', (code) => resolve(code));
    // the server closes a refused connection right after the upgrade: give it a round trip to do so
    socket.once('open', () => {
      socket.once('pong', () => resolve('open'));
      socket.ping();
    });
  });
}

describe('server: --trusted-proxy (clients behind a load balancer)', () => {
  const fx = new Fixture();
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await fx.dispose();
  });

  it('counts a connection from a trusted balancer as coming from the address it forwarded', async () => {
    const server = await fx.server({ trustedProxies: ['127.0.0.1'], limits: { maxConnectionsPerAddress: 1 } });
    assert.equal(await connectAs(server.url, '203.0.113.7', sockets), 'open');
    assert.equal(await connectAs(server.url, '203.0.113.8', sockets), 'open');
    assert.equal(await connectAs(server.url, '203.0.113.7', sockets), 1013);
  });

  it('ignores X-Forwarded-For from anyone else: nobody picks their own address', async () => {
    const server = await fx.server({ limits: { maxConnectionsPerAddress: 1 } });
    assert.equal(await connectAs(server.url, '203.0.113.7', sockets), 'open');
    assert.equal(await connectAs(server.url, '203.0.113.8', sockets), 1013);
  });

  it('refuses to start with an address it cannot read', async () => {
    await assert.rejects(fx.server({ trustedProxies: ['10.0.0.300'] }), /--trusted-proxy: .*10\.0\.0\.300/);
  });
});
