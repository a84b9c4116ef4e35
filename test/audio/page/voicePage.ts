/**
 * Test page standing in for the panel webview's voice part: the real simple-peer viewer side and the real
 * VoiceBridge; a WebSocket to the test plays the role of postMessage to the extension and of the signaling relay.
 */
import '../../../src/webview/viewer/processShim';
import Peer from 'simple-peer';
import { VoiceBridge } from '../../../src/webview/voice/VoiceBridge';

const ws = new WebSocket(`ws://${location.host}/bridge`);
const send = (kind: string, data?: unknown) => ws.send(JSON.stringify({ kind, data }));
const peer = new Peer({ initiator: false, trickle: true });
const bridge = new VoiceBridge(peer, { workletUrl: '/voice-worklet.js', post: (event) => send('panel', event) });
peer.on('signal', (data) => send('signal', data));
peer.on('connect', () => send('connected'));
// Reported so a test can check voice never replaces the viewer's screen stream.
peer.on('stream', (stream: MediaStream) => send('stream', stream.getTracks().map((t) => t.kind)));
peer.on('error', (err: Error) => send('error', err.message));
ws.onmessage = (e: MessageEvent<string>) => {
  const { kind, data } = JSON.parse(e.data) as { kind: string; data: unknown };
  if (kind === 'signal') peer.signal(data as Peer.SignalData);
  else if (kind === 'panel') bridge.handle(data);
};
