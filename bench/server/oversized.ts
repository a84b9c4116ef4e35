/**
 * `npm run bench:server-oversized`: what a flood of refused 900 KB frames costs the server. The real server
 * process gets F frames of deeply nested JSON (over the 64 KB message cap)
 * over C connections, while one honest client times its requests. Server CPU is read from /proc.
 * Last line: {"bench":"server-oversized","frames":…,"server_cpu_ms_per_frame":…,"honest_rtt_p99_ms":…,"closed_connections":…}
 * Options: --frames 40 --connections 4 [--entry src/server/main.ts] (another entry measures an older tree)
 */
import { spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parseArgs } from 'util';
import { build } from 'esbuild';
import WebSocket from 'ws';
import NODE_EXTERNALS from '../../scripts/node-externals.json';
import { cpuMs } from './proc';
import { saveRun } from '../resultsStore';

const ROOT = join(__dirname, '..', '..');
const { values } = parseArgs({ options: { frames: { type: 'string' }, connections: { type: 'string' }, entry: { type: 'string' } } });
const frames = Number(values.frames ?? 40);
const connections = Number(values.connections ?? 4);

/** 900 KB of nested arrays inside an otherwise plausible request. */
const FRAME = `{"type":"listInvitations","id":1,"x":${'['.repeat(225_000)}${']'.repeat(225_000)}${' '.repeat(450_000)}}`;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolveOpen, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolveOpen(socket));
    socket.once('error', reject);
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const bundle = join(ROOT, 'dist/bench-oversized/server.js');
  await build({ entryPoints: [resolve(values.entry ?? join(ROOT, 'src/server/main.ts'))], outfile: bundle, bundle: true, platform: 'node', target: 'node20', external: NODE_EXTERNALS, logLevel: 'silent' });
  const data = mkdtempSync(join(tmpdir(), 'ra-bench-oversized-'));
  const server = spawn(process.execPath, [bundle, '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        const line = chunk.toString().split('\n').find((l) => l.startsWith('{"listening"'));
        if (line) resolveUrl((JSON.parse(line) as { listening: string }).listening);
      });
      server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const honest = await open(url);
    const sockets = await Promise.all(Array.from({ length: connections }, () => open(url)));
    let closed = 0;
    let replies = 0;
    for (const socket of sockets) {
      socket.on('close', () => closed++);
      socket.on('message', () => replies++);
    }
    const rtts: number[] = [];
    let flooding = true;
    const probe = (async () => {
      for (let id = 1; flooding; id++) {
        const started = performance.now();
        await new Promise<void>((done) => {
          honest.once('message', () => done());
          honest.send(JSON.stringify({ type: 'listInvitations', id }));
        });
        rtts.push(performance.now() - started);
        await new Promise((wait) => setTimeout(wait, 20));
      }
    })();
    const before = cpuMs(server.pid!);
    for (let i = 0; i < frames; i++) {
      const socket = sockets[i % connections];
      if (socket.readyState === WebSocket.OPEN) socket.send(FRAME);
    }
    // every frame answered, or its connection closed
    const deadline = Date.now() + 120_000;
    while (replies + closed * frames < frames && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
    const serverCpu = cpuMs(server.pid!) - before;
    flooding = false;
    await probe;
    rtts.sort((a, b) => a - b);
    const p99 = rtts[Math.min(rtts.length - 1, Math.floor(rtts.length * 0.99))];
    console.log(`${frames} frames of ${(FRAME.length / 1024).toFixed(0)} KB over ${connections} connections: ${replies} refusals, ${closed} connections closed; server CPU ${serverCpu} ms; honest requests p99 ${p99.toFixed(1)} ms`);
    for (const socket of [...sockets, honest]) socket.terminate();
    const summary = { bench: 'server-oversized', frames, frame_kb: Math.round(FRAME.length / 1024), server_cpu_ms_per_frame: Number((serverCpu / frames).toFixed(2)), honest_rtt_p99_ms: Number(p99.toFixed(1)), closed_connections: closed };
    saveRun('server-oversized', startedAt, summary);
    console.log(JSON.stringify(summary));
  } finally {
    server.kill('SIGTERM');
    rmSync(data, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
