/**
 * One end of a real "Send a File" transfer between two network-lab namespaces, as its own process (forked
 * with IPC into a namespace, see filesLink/index.ts): a real wrtc peer with the product's files engine on
 * the files channel. Role `send FILE`: offers FILE once connected and reports `{type:'done', seconds}` when
 * the receiver confirmed it (hash checked, file renamed into place). Role `receive INBOX`: accepts the
 * offer into INBOX and reports `{type:'done', path}`. Signals go through the parent.
 * Env FILES_CHUNK, FILES_WINDOW, FILES_HIGH_WATER override the engine's frame payload, receiver credit and
 * high water (for the benchmark's experiments; the product uses the defaults).
 */
import Peer from 'simple-peer';
import { FileTransferEngine, FileTransferEngineOptions } from '../../../src/common/files/FileTransferEngine';
import type { FileChannel } from '../../../src/common/files/FileChannel';
import { NodeFileSink } from '../../../src/common/files/NodeFileSink';
import { NodeFileSource } from '../../../src/common/files/NodeFileSource';
import { createNodeHasher } from '../../../src/common/files/nodeHasher';
import { FILES_CHANNEL } from '../../../src/protocol/files';
import { readFileSync } from 'fs';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc');
const [role, target] = process.argv.slice(2);
const report = (message: object): void => void process.send!(message);
const fail = (message: string): void => report({ type: 'error', message });
const numberFromEnv = (name: string): number | undefined => Number(process.env[name]) || undefined;

const options: FileTransferEngineOptions = {
  createHasher: createNodeHasher,
  chunkBytes: numberFromEnv('FILES_CHUNK'),
  windowBytes: numberFromEnv('FILES_WINDOW'),
  highWaterBytes: numberFromEnv('FILES_HIGH_WATER'),
};

// The sharer's end carries a screen video track, as the product's host always does (PeerLink): with a video
// channel libwebrtc asks for 256 KiB socket buffers (the kernel's default is 208 KiB), which changes how
// many datagrams a busy receiver can hold. No frame is sent, as for a still screen.
const screen = role === 'send' ? new wrtc.MediaStream([new wrtc.nonstandard.RTCVideoSource({ isScreencast: true }).createTrack()]) : undefined;
const peer = new Peer({ initiator: role === 'send', wrtc, trickle: true, ...(screen ? { streams: [screen] } : {}) });
process.on('message', (m: { type: string; signal?: Peer.SignalData }) => m.type === 'signal' && peer.signal(m.signal!));
peer.on('signal', (signal) => report({ type: 'signal', signal }));
peer.on('error', (err) => fail(err.message));
if (process.env.FILES_TRACE) {
  peer.on('signal', (signal) => process.stderr.write(`${role} signal out ${(signal as { type?: string }).type ?? 'candidate'} ${JSON.stringify((signal as { candidate?: { candidate?: string } }).candidate?.candidate ?? '')}\n`));
  peer.on('iceStateChange', (ice: string, gathering: string) => process.stderr.write(`${role} ice ${ice} gathering ${gathering}\n`));
}
// Both ends create the negotiated channel before connecting, as the product does: a channel created only on
// 'connect' could miss the other end's first message (the offer) when that end's channel opened first.
const pc = (peer as unknown as { _pc: RTCPeerConnection })._pc;
const channel = pc.createDataChannel(FILES_CHANNEL.label, { negotiated: true, id: FILES_CHANNEL.id }) as unknown as FileChannel;
const engine = new FileTransferEngine(channel, options);
if (role === 'send') void send(engine, channel);
else receive(engine);
peer.on('connect', () => report({ type: 'connected' }));

async function send(engine: FileTransferEngine, channel: FileChannel): Promise<void> {
  if (channel.readyState !== 'open') await new Promise<void>((resolve) => channel.addEventListener('open', () => resolve()));
  const started = process.hrtime.bigint();
  const key = engine.send(await NodeFileSource.open(target));
  if (process.env.FILES_TRACE) {
    const trace = setInterval(() => {
      const s = engine.get(key);
      process.stderr.write(`send ${((Number(process.hrtime.bigint() - started) / 1e9)).toFixed(1)}s bytes ${s?.bytes} buffered ${channel.bufferedAmount}\n`);
      if (!s || s.state !== 'transferring') clearInterval(trace);
    }, Number(process.env.FILES_TRACE_MS) || 1000);
  }
  engine.onDidChange((s) => {
    if (s.key !== key) return;
    if (s.state === 'completed') report({ type: 'done', seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    else if (s.state === 'failed' || s.state === 'cancelled' || s.state === 'declined') fail(`send ${s.state}: ${s.code}`);
  });
}

let commitMs: number | undefined;

function receive(engine: FileTransferEngine): void {
  engine.onDidOffer(async (offer) => {
    const sink = await NodeFileSink.create(join(target, offer.name), { overwrite: false });
    // How long saving the file took once its last byte was in (flushed to disk, moved into place).
    const commit = sink.commit.bind(sink);
    sink.commit = async () => {
      const started = performance.now();
      try {
        return await commit();
      } finally {
        commitMs = performance.now() - started;
      }
    };
    engine.accept(offer.key, sink);
    if (process.env.FILES_TRACE) {
      const started = Date.now();
      const trace = setInterval(() => {
        const s = engine.get(offer.key);
        process.stderr.write(`receive ${((Date.now() - started) / 1000).toFixed(1)}s bytes ${s?.bytes} udp drops ${udpDrops()}\n`);
        if (!s || s.state !== 'transferring') clearInterval(trace);
      }, Number(process.env.FILES_TRACE_MS) || 1000);
    }
  });
  engine.onDidChange((s) => {
    if (s.state === 'completed') report({ type: 'done', path: s.savedPath, udpDrops: udpDrops(), commitMs });
    else if (s.state === 'failed' || s.state === 'cancelled') fail(`receive ${s.state}: ${s.code}`);
  });
}

/** Datagrams the kernel dropped on this namespace's UDP sockets (receive buffer full), from /proc/net/udp. */
function udpDrops(): number {
  const lines = readFileSync('/proc/net/udp', 'utf8').trim().split('\n').slice(1);
  return lines.reduce((sum, line) => sum + Number(line.trim().split(/\s+/).at(-1)), 0);
}
