/**
 * `npm run bench:files`: a 1 GiB file from this process to a receiving process, first through the real
 * WebRTC data channel with the files engine (offer, accept, stream, SHA-256, rename), then the same file
 * with `scp` (its defaults) to a private sshd on 127.0.0.1 as the peer figure, then over a plain TCP copy
 * between two Node processes.
 * Last line: {"bench":"files","bytes":…,"mb_per_s":…,"rss_growth_mb":…,"sha256_ok":true,"scp_mb_per_s":…,
 * "tcp_mb_per_s":…,"peer":"scp"} — `scp_mb_per_s` is scp; `tcp_mb_per_s` the plain TCP copy. Without
 * openssh-server the peer is the TCP copy: `scp_mb_per_s` then repeats it and `peer` says "tcp".
 * Env FILES_CHUNK overrides the frame payload size.
 */
import { ChildProcess, fork } from 'child_process';
import { createReadStream, promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import Peer from 'simple-peer';
import { FileTransferEngine } from '../../src/files/FileTransferEngine';
import { NodeFileSource } from '../../src/files/NodeFileSource';
import { createNodeHasher } from '../../src/files/nodeHasher';
import type { FileChannel } from '../../src/files/FileChannel';
import { FILES_CHANNEL } from '../../src/protocol/files';
import { makeFile, sha256File } from '../../test/files/support/files';
import { RssMeter } from './RssMeter';
import { ScpPeer } from './ScpPeer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc');
const BYTES = 1024 * 1024 * 1024;

type ChildMessage = { type: string; signal?: Peer.SignalData; port?: number; path?: string; rssGrowthMb?: number; message?: string };

function startPeerProcess(mode: 'peer' | 'tcp', inbox: string): { child: ChildProcess; next: (type: string) => Promise<ChildMessage> } {
  const child = fork(path.join(__dirname, 'peer.ts'), [mode, inbox], { execArgv: ['--require', 'tsx/cjs'] });
  const waiting = new Map<string, (m: ChildMessage) => void>();
  let failure: Error | undefined;
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'error') failure = new Error(`receiver: ${m.message}`);
    waiting.get(m.type)?.(m);
  });
  child.on('exit', (code) => (failure ??= new Error(`receiver exited with ${code}`)));
  const next = (type: string): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const poll = setInterval(() => failure && (clearInterval(poll), reject(failure)), 100);
      waiting.set(type, (m) => (clearInterval(poll), resolve(m)));
    });
  return { child, next };
}

async function overDataChannel(file: string, inbox: string): Promise<{ seconds: number; senderGrowth: number; receiverGrowth: number; saved: string }> {
  const { child, next } = startPeerProcess('peer', inbox);
  const peer = new Peer({ initiator: true, wrtc, trickle: true });
  try {
    peer.on('signal', (signal) => child.send({ type: 'signal', signal }));
    child.on('message', (m: ChildMessage) => m.type === 'signal' && peer.signal(m.signal!));
    await new Promise((resolve) => peer.once('connect', resolve));
    const pc = (peer as unknown as { _pc: RTCPeerConnection })._pc;
    const channel = pc.createDataChannel(FILES_CHANNEL.label, { negotiated: true, id: FILES_CHANNEL.id }) as unknown as FileChannel;
    // A negotiated channel whose other end already exists can be open at once, without an event.
    if (channel.readyState !== 'open') await new Promise<void>((resolve) => channel.addEventListener('open', () => resolve()));
    const engine = new FileTransferEngine(channel, { createHasher: createNodeHasher, chunkBytes: Number(process.env.FILES_CHUNK) || undefined });
    const meter = new RssMeter();
    const done = next('done');
    meter.start();
    const started = process.hrtime.bigint();
    const key = engine.send(await NodeFileSource.open(file));
    const finished = new Promise<void>((resolve, reject) =>
      engine.onDidChange((s) => {
        if (s.key !== key) return;
        if (s.state === 'completed') resolve();
        else if (s.state === 'failed' || s.state === 'cancelled' || s.state === 'declined') reject(new Error(`send ${s.state}: ${s.code}`));
      }),
    );
    const [received] = await Promise.all([done, finished]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const senderGrowth = meter.stop();
    engine.dispose();
    return { seconds, senderGrowth, receiverGrowth: received.rssGrowthMb ?? NaN, saved: received.path! };
  } finally {
    peer.destroy();
    child.kill();
  }
}

async function overTcp(file: string, inbox: string): Promise<{ seconds: number; saved: string }> {
  const { child, next } = startPeerProcess('tcp', inbox);
  try {
    const { port } = await next('listening');
    const done = next('done');
    const started = process.hrtime.bigint();
    const socket = net.connect(port!, '127.0.0.1');
    createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(socket);
    const received = await done;
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, saved: received.path! };
  } finally {
    child.kill();
  }
}

async function overScp(file: string, inbox: string): Promise<{ seconds?: number; saved?: string; reason?: string }> {
  const { peer, reason } = await ScpPeer.start();
  if (!peer) return { reason };
  try {
    const saved = path.join(inbox, 'scp-copy.bin');
    return { seconds: await peer.copy(file, saved), saved };
  } finally {
    await peer.dispose();
  }
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ra-bench-files-'));
  try {
    const file = path.join(dir, 'payload.bin');
    const hash = await makeFile(file, BYTES);
    const inbox = path.join(dir, 'inbox');
    await fs.mkdir(inbox);

    const dc = await overDataChannel(file, inbox);
    const dcOk = (await sha256File(dc.saved)) === hash;
    await fs.rm(dc.saved);
    const scp = await overScp(file, inbox);
    const scpOk = scp.saved ? (await sha256File(scp.saved)) === hash : true;
    if (scp.saved) await fs.rm(scp.saved);
    const tcp = await overTcp(file, inbox);
    const tcpOk = (await sha256File(tcp.saved)) === hash;

    const mbPerS = BYTES / dc.seconds / 1e6;
    const tcpMbPerS = BYTES / tcp.seconds / 1e6;
    const scpMbPerS = scp.seconds ? BYTES / scp.seconds / 1e6 : undefined;
    const peerMbPerS = scpMbPerS ?? tcpMbPerS;
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`data channel: ${dc.seconds.toFixed(1)} s, ${mbPerS.toFixed(1)} MB/s, RSS growth sender ${dc.senderGrowth} MB / receiver ${dc.receiverGrowth} MB, sha256 ${dcOk ? 'ok' : 'MISMATCH'}`);
    if (scpMbPerS) console.log(`scp (defaults) to a private sshd: ${scp.seconds!.toFixed(1)} s, ${scpMbPerS.toFixed(1)} MB/s, sha256 ${scpOk ? 'ok' : 'MISMATCH'}`);
    else console.log(`no scp peer (${scp.reason}); the peer figure is the plain TCP copy`);
    console.log(`plain TCP copy: ${tcp.seconds.toFixed(1)} s, ${tcpMbPerS.toFixed(1)} MB/s, sha256 ${tcpOk ? 'ok' : 'MISMATCH'}`);
    console.log(`data channel / ${scpMbPerS ? 'scp' : 'TCP'}: ${((mbPerS / peerMbPerS) * 100).toFixed(0)} % (target ≥ 60 %)`);
    console.log(
      JSON.stringify({
        bench: 'files',
        bytes: BYTES,
        mb_per_s: Math.round(mbPerS * 10) / 10,
        rss_growth_mb: Math.max(dc.senderGrowth, dc.receiverGrowth),
        sha256_ok: dcOk && scpOk && tcpOk,
        scp_mb_per_s: Math.round(peerMbPerS * 10) / 10,
        tcp_mb_per_s: Math.round(tcpMbPerS * 10) / 10,
        peer: scpMbPerS ? 'scp' : 'tcp',
      }),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  // wrtc keeps native threads alive; end explicitly once everything is cleaned up.
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
