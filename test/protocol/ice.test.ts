/** ICE servers and paths as they cross boundaries: what a hostile server, host or panel cannot slip through. */
import { strict as assert } from 'assert';
import { ServerMessage } from '../../src/protocol/network';
import { HostEvent } from '../../src/protocol/host';
import { WebviewMessage } from '../../src/protocol/webview';
import { parseMessage, ProtocolError } from '../../src/protocol/validate';

const session = (iceServers: unknown) => ({
  type: 'sessionStarted',
  session: { id: 'abcdefgh12', role: 'helper', peer: { alias: 'alice', displayName: 'Alice' }, startedAt: 1, via: 'invitation', iceServers },
});
const refused = (fn: () => unknown) => assert.throws(fn, (e) => e instanceof ProtocolError && e.code === 'ERR_MALFORMED');

describe('protocol: ICE servers and connection paths', () => {
  it('a session carries STUN and TURN servers with credentials', () => {
    const ok = parseMessage(ServerMessage, session([{ urls: ['stun:203.0.113.1:3478'] }, { urls: ['turn:203.0.113.1:3478?transport=tcp', 'turns:[2001:db8::1]:443'], username: '1700000000:bob', credential: 'abc=' }]));
    assert.equal(ok.type, 'sessionStarted');
  });

  it('refuses other schemes, stray fields, too many servers and a session without the list', () => {
    refused(() => parseMessage(ServerMessage, session([{ urls: ['http://evil.example/'] }])));
    refused(() => parseMessage(ServerMessage, session([{ urls: ['turn:a.example:3478?transport=sctp'] }])));
    refused(() => parseMessage(ServerMessage, session([{ urls: ['stun:a.example'], credentialType: 'oauth' }])));
    refused(() => parseMessage(ServerMessage, session(Array.from({ length: 9 }, () => ({ urls: ['stun:a.example'] })))));
    refused(() => parseMessage(ServerMessage, session(undefined)));
  });

  it('a path from the host or the panel is one of the known candidate types', () => {
    const stats = { seconds: 1, width: 2, height: 2, fps: 0, kbpsSent: 0, inputApplied: 0, inputDropped: 0, inputRejected: 0 };
    const path = { local: 'relay', remote: 'srflx', protocol: 'udp', relayProtocol: 'tls', rttMs: 12 };
    assert.deepEqual(parseMessage(HostEvent, { type: 'stats', stats: { ...stats, path } }), { type: 'stats', stats: { ...stats, path } });
    assert.deepEqual(parseMessage(WebviewMessage, { type: 'viewerPath', path }), { type: 'viewerPath', path });
    refused(() => parseMessage(WebviewMessage, { type: 'viewerPath', path: { ...path, local: 'magic' } }));
    refused(() => parseMessage(WebviewMessage, { type: 'viewerPath', path: { ...path, rttMs: -1 } }));
    refused(() => parseMessage(HostEvent, { type: 'stats', stats: { ...stats, path: { ...path, relayProtocol: 'quic' } } }));
  });
});
