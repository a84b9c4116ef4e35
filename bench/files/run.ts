/**
 * `npm run bench:files`: a 1 GiB file from this process to a receiving process, first through the real
 * WebRTC data channel with the files engine (offer, accept, stream, SHA-256, rename), then the same file
 * with `scp` (its defaults) to a private sshd on 127.0.0.1 as the peer figure, then over a plain TCP copy
 * between two Node processes; last, 512 MiB of bare 256 KiB messages on the data channel without the engine
 * (no file, no hash), the ceiling the engine works under. Both data channel runs print the CPU seconds per
 * GB of each thread on both sides.
 * Last line: {"bench":"files","bytes":…,"mb_per_s":…,"rss_growth_mb":…,"sha256_ok":true,"scp_mb_per_s":…,
 * "tcp_mb_per_s":…,"peer":"scp","channel_mb_per_s":…,"udp_rcvbuf_bytes":…} — `scp_mb_per_s` is scp; `tcp_mb_per_s`
 * the plain TCP copy; `channel_mb_per_s` the bare data channel; `udp_rcvbuf_bytes` the kernel's default UDP
 * receive buffer, which the data channel's rate depends on. Without openssh-server the peer is the TCP copy:
 * `scp_mb_per_s` then repeats it and `peer` says "tcp".
 * Env FILES_CHUNK overrides the frame payload size; FILES_STRIPES spreads the bare run over that many
 * negotiated channels of the one peer connection (ids 20…).
 */
import { ChildProcess, fork } from 'child_process';
import { createReadStream, promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import Peer from 'simple-peer';
import { FileTransferEngine } from '../../src/common/files/FileTransferEngine';
import { NodeFileSource } from '../../src/common/files/NodeFileSource';
import { createNodeHasher } from '../../src/common/files/nodeHasher';
import type { FileChannel } from '../../src/common/files/FileChannel';
import { FILE_FRAME_MAX_BYTES, FILES_CHANNEL } from '../../src/protocol/files';
import { makeFile, sha256File } from '../../test/files/support/files';
import { RssMeter } from './RssMeter';
import { ScpPeer } from './ScpPeer';
import { ThreadCpu } from './ThreadCpu';
import { saveRun } from '../resultsStore';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc');
const BYTES = 1024 * 1024 * 1024;
const BARE_BYTES = 512 * 1024 * 1024;
/** The engine's default pacing: pause above 4 MiB buffered, re-check every 2 ms (wrtc fires no bufferedamountlow). */
const BARE_HIGH_WATER_BYTES = 4 * 1024 * 1024;
const BARE_POLL_MS = 2;
const CONNECT_TIMEOUT_MS = 30_000;
/** Far beyond any healthy run (1 GiB at 10 MB/s). */
const TRANSFER_TIMEOUT_MS = 120_000;

type Threads = Record<string, number>;
type ChildMessage = { type: string; signal?: Peer.SignalData; port?: number; path?: string; rssGrowthMb?: number; message?: string; threads?: Threads };

function startPeerProcess(mode: 'peer' | 'channel' | 'tcp', args: string[]): { child: ChildProcess; next: (type: string) => Promise<ChildMessage> } {
  const child = fork(path.join(__dirname, 'peer.ts'), [mode, ...args], { execArgv: ['--require', 'tsx/cjs'] });
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

/** Rejects with `what` if `promise` has not settled within `ms`, so a stalled run fails instead of hanging. */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Connects a wrtc peer to the receiving process; returns its connection. */
async function connect(peer: Peer.Instance, child: ChildProcess): Promise<RTCPeerConnection> {
  peer.on('signal', (signal) => child.send({ type: 'signal', signal }));
  child.on('message', (m: ChildMessage) => m.type === 'signal' && peer.signal(m.signal!));
  await withDeadline(new Promise((resolve) => peer.once('connect', resolve)), CONNECT_TIMEOUT_MS, 'connecting the peers');
  return (peer as unknown as { _pc: RTCPeerConnection })._pc;
}

async function openChannel(pc: RTCPeerConnection, label: string, id: number): Promise<FileChannel> {
  const channel = pc.createDataChannel(label, { negotiated: true, id }) as unknown as FileChannel;
  // A negotiated channel whose other end already exists can be open at once, without an event.
  if (channel.readyState !== 'open') await withDeadline(new Promise<void>((resolve) => channel.addEventListener('open', () => resolve())), CONNECT_TIMEOUT_MS, `opening ${label}`);
  return channel;
}

type ChannelRun = { seconds: number; senderThreads: Threads; receiverThreads: Threads };

async function overDataChannel(file: string, inbox: string): Promise<ChannelRun & { senderGrowth: number; receiverGrowth: number; saved: string }> {
  const { child, next } = startPeerProcess('peer', [inbox]);
  const peer = new Peer({ initiator: true, wrtc, trickle: true });
  try {
    const channel = await openChannel(await connect(peer, child), FILES_CHANNEL.label, FILES_CHANNEL.id);
    const engine = new FileTransferEngine(channel, { createHasher: createNodeHasher, chunkBytes: Number(process.env.FILES_CHUNK) || undefined });
    const meter = new RssMeter();
    const done = next('done');
    meter.start();
    const cpu = new ThreadCpu();
    const started = process.hrtime.bigint();
    const key = engine.send(await NodeFileSource.open(file));
    const finished = new Promise<void>((resolve, reject) =>
      engine.onDidChange((s) => {
        if (s.key !== key) return;
        if (s.state === 'completed') resolve();
        else if (s.state === 'failed' || s.state === 'cancelled' || s.state === 'declined') reject(new Error(`send ${s.state}: ${s.code}`));
      }),
    );
    const [received] = await withDeadline(Promise.all([done, finished]), TRANSFER_TIMEOUT_MS, 'the data channel transfer');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const senderGrowth = meter.stop();
    const senderThreads = cpu.perGb(BYTES);
    engine.dispose();
    return { seconds, senderGrowth, receiverGrowth: received.rssGrowthMb ?? NaN, saved: received.path!, senderThreads, receiverThreads: received.threads ?? {} };
  } finally {
    peer.destroy();
    child.kill();
  }
}

/** Bare 256 KiB messages on `stripes` channels, paced like the engine: what the data channel alone can move. */
async function overBareChannel(stripes: number): Promise<ChannelRun> {
  const { child, next } = startPeerProcess('channel', ['', String(BARE_BYTES), String(stripes)]);
  const peer = new Peer({ initiator: true, wrtc, trickle: true });
  try {
    const pc = await connect(peer, child);
    const channels = await Promise.all(Array.from({ length: stripes }, (_, i) => openChannel(pc, `bare-${i}`, FILES_CHANNEL.id + i)));
    const message = new Uint8Array(FILE_FRAME_MAX_BYTES);
    const done = next('done');
    const cpu = new ThreadCpu();
    const started = process.hrtime.bigint();
    let toSend = BARE_BYTES;
    const sending = Promise.all(
      channels.map(async (channel) => {
        while (toSend > 0) {
          if (channel.bufferedAmount > BARE_HIGH_WATER_BYTES) await new Promise((resolve) => setTimeout(resolve, BARE_POLL_MS));
          else {
            channel.send(message);
            toSend -= message.byteLength;
          }
        }
      }),
    );
    const [received] = await withDeadline(Promise.all([done, sending]), TRANSFER_TIMEOUT_MS, 'the bare data channel run');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, senderThreads: cpu.perGb(BARE_BYTES), receiverThreads: received.threads ?? {} };
  } finally {
    peer.destroy();
    child.kill();
  }
}

function describeThreads(run: ChannelRun): string {
  const side = (threads: Threads): string => Object.entries(threads).map(([name, perGb]) => `${name} ${perGb}`).join(', ');
  const total = [run.senderThreads, run.receiverThreads].flatMap((threads) => Object.values(threads)).reduce((a, b) => a + b, 0);
  return `CPU s/GB ${total.toFixed(2)} — sender: ${side(run.senderThreads)}; receiver: ${side(run.receiverThreads)}`;
}

async function overTcp(file: string, inbox: string): Promise<{ seconds: number; saved: string }> {
  const { child, next } = startPeerProcess('tcp', [inbox]);
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

async function overScp(file: string, inbox: string): Promise<{ seconds?: number; cpuSeconds?: number; saved?: string; reason?: string }> {
  const { peer, reason } = await ScpPeer.start();
  if (!peer) return { reason };
  try {
    const saved = path.join(inbox, 'scp-copy.bin');
    return { ...(await peer.copy(file, saved)), saved };
  } finally {
    await peer.dispose();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
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
    await fs.rm(tcp.saved);
    const stripes = Number(process.env.FILES_STRIPES) || 1;
    const bare = await overBareChannel(stripes);

    const mbPerS = BYTES / dc.seconds / 1e6;
    const tcpMbPerS = BYTES / tcp.seconds / 1e6;
    const scpMbPerS = scp.seconds ? BYTES / scp.seconds / 1e6 : undefined;
    const peerMbPerS = scpMbPerS ?? tcpMbPerS;
    const bareMbPerS = BARE_BYTES / bare.seconds / 1e6;
    // libwebrtc leaves its UDP sockets at the kernel default, and drops there make SCTP back off (see README.md).
    const udpReceiveBuffer = Number(await fs.readFile('/proc/sys/net/core/rmem_default', 'utf8').catch(() => 'NaN'));
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; UDP receive buffer (net.core.rmem_default) ${udpReceiveBuffer} bytes`);
    console.log(`data channel: ${dc.seconds.toFixed(1)} s, ${mbPerS.toFixed(1)} MB/s, RSS growth sender ${dc.senderGrowth} MB / receiver ${dc.receiverGrowth} MB, sha256 ${dcOk ? 'ok' : 'MISMATCH'}`);
    console.log(`  ${describeThreads(dc)}`);
    if (scpMbPerS) console.log(`scp (defaults) to a private sshd: ${scp.seconds!.toFixed(1)} s, ${scpMbPerS.toFixed(1)} MB/s, sha256 ${scpOk ? 'ok' : 'MISMATCH'}, CPU ${(scp.cpuSeconds! / (BYTES / 1e9)).toFixed(2)} s/GB (ssh + sshd)`);
    else console.log(`no scp peer (${scp.reason}); the peer figure is the plain TCP copy`);
    console.log(`plain TCP copy: ${tcp.seconds.toFixed(1)} s, ${tcpMbPerS.toFixed(1)} MB/s, sha256 ${tcpOk ? 'ok' : 'MISMATCH'}`);
    console.log(`bare data channel (${stripes} channel${stripes > 1 ? 's' : ''}, 512 MiB, no engine): ${bare.seconds.toFixed(1)} s, ${bareMbPerS.toFixed(1)} MB/s`);
    console.log(`  ${describeThreads(bare)}`);
    console.log(`data channel / ${scpMbPerS ? 'scp' : 'TCP'}: ${((mbPerS / peerMbPerS) * 100).toFixed(0)} % (target ≥ 60 %)`);
    const summary = {
      bench: 'files',
      bytes: BYTES,
      mb_per_s: Math.round(mbPerS * 10) / 10,
      rss_growth_mb: Math.max(dc.senderGrowth, dc.receiverGrowth),
      sha256_ok: dcOk && scpOk && tcpOk,
      scp_mb_per_s: Math.round(peerMbPerS * 10) / 10,
      tcp_mb_per_s: Math.round(tcpMbPerS * 10) / 10,
      peer: scpMbPerS ? 'scp' : 'tcp',
      channel_mb_per_s: Math.round(bareMbPerS * 10) / 10,
      udp_rcvbuf_bytes: udpReceiveBuffer,
    };
    saveRun('files', startedAt, summary);
    console.log(JSON.stringify(summary));
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
