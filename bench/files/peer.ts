/**
 * The receiving machine of the files benchmark, as its own process (fork with IPC). Mode `peer`: a real
 * wrtc peer with the files engine accepting into `inbox`. Mode `channel`: a real wrtc peer that only counts
 * the bytes arriving on `stripes` negotiated channels (the bare data channel, no engine). Mode `tcp`: a
 * plain TCP listener writing the bytes to a file. Reports `{type:'done', rssGrowthMb, threads?}` when done.
 */
import { createWriteStream, promises as fs } from 'fs';
import * as net from 'net';
import * as path from 'path';
import Peer from 'simple-peer';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { NodeFileSink } from '../../src/common/files/NodeFileSink';
import { createNodeHasher } from '../../src/common/files/nodeHasher';
import type { FileChannel } from '../../src/common/files/FileChannel';
import { FILES_CHANNEL } from '../../src/protocol/files';
import { RssMeter } from './RssMeter';
import { ThreadCpu } from './ThreadCpu';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc');
const [mode, inbox, bytesArg, stripesArg] = process.argv.slice(2);
const report = (message: object): void => void process.send!(message);

function connect(onConnect: (pc: RTCPeerConnection) => void): void {
  const peer = new Peer({ initiator: false, wrtc, trickle: true });
  process.on('message', (m: { type: string; signal?: Peer.SignalData }) => m.type === 'signal' && peer.signal(m.signal!));
  peer.on('signal', (signal) => report({ type: 'signal', signal }));
  peer.on('error', (err) => report({ type: 'error', message: err.message }));
  peer.on('connect', () => onConnect((peer as unknown as { _pc: RTCPeerConnection })._pc));
}

function runPeer(): void {
  connect((pc) => {
    const channel = pc.createDataChannel(FILES_CHANNEL.label, { negotiated: true, id: FILES_CHANNEL.id }) as unknown as FileChannel;
    const engine = new FileTransferEngine(channel, { createHasher: createNodeHasher, chunkBytes: Number(process.env.FILES_CHUNK) || undefined });
    const meter = new RssMeter();
    const cpu = new ThreadCpu();
    engine.onDidOffer(async (offer) => {
      meter.start();
      cpu.restart();
      engine.accept(offer.key, await NodeFileSink.create(path.join(inbox, offer.name), { overwrite: false }));
    });
    engine.onDidChange((s) => {
      if (s.state === 'completed') report({ type: 'done', path: s.savedPath, rssGrowthMb: meter.stop(), threads: cpu.perGb(s.size) });
      else if (s.state === 'failed' || s.state === 'cancelled') report({ type: 'error', message: `receive ${s.state}: ${s.code}` });
    });
  });
}

function runChannel(): void {
  const total = Number(bytesArg);
  connect((pc) => {
    const cpu = new ThreadCpu();
    let received = 0;
    for (let i = 0; i < Number(stripesArg); i++) {
      const channel = pc.createDataChannel(`bare-${i}`, { negotiated: true, id: FILES_CHANNEL.id + i });
      channel.binaryType = 'arraybuffer';
      channel.onmessage = (e: MessageEvent) => {
        if (received === 0) cpu.restart();
        received += (e.data as ArrayBuffer).byteLength;
        if (received === total) report({ type: 'done', threads: cpu.perGb(total) });
      };
    }
  });
}

function runTcp(): void {
  const meter = new RssMeter();
  const server = net.createServer((socket) => {
    meter.start();
    const target = path.join(inbox, 'tcp-copy.bin');
    const out = createWriteStream(target, { flags: 'wx' });
    socket.pipe(out);
    out.on('finish', async () => {
      const handle = await fs.open(target, 'r+');
      await handle.datasync(); // the same durability as the engine's commit
      await handle.close();
      report({ type: 'done', path: target, rssGrowthMb: meter.stop() });
      server.close();
    });
  });
  server.listen(0, '127.0.0.1', () => report({ type: 'listening', port: (server.address() as net.AddressInfo).port }));
}

if (mode === 'peer') runPeer();
else if (mode === 'channel') runChannel();
else runTcp();
