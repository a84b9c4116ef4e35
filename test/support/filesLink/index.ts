/**
 * A real file transfer between two hosts of the network lab: the product's files engine on a real wrtc
 * data channel of a peer connection that also carries the sharer's screen track (as the product's does),
 * each end its own Node process inside its host's namespace (filesLink/transferPeer.ts), so
 * every byte crosses the lab's links (and their shaping). Signaling is relayed by this process.
 */
import { ChildProcess, fork } from 'child_process';
import { join } from 'path';
import type { NetLab } from '../netlab';

export interface LinkTransfer {
  /** From the sender's offer to the receiver's confirmation (file hashed, synced and renamed into place). */
  readonly seconds: number;
  /** The received file (the receiver's inbox). */
  readonly savedPath: string;
  /** UDP datagrams the receiver's kernel dropped for want of socket buffer during the transfer. */
  readonly udpDrops: number;
  /** How long the receiver took to save the file after its last byte (flush to disk, move into place). */
  readonly commitMs?: number;
}

type PeerMessage = { type: string; signal?: unknown; seconds?: number; path?: string; udpDrops?: number; commitMs?: number; message?: string };

function startEnd(lab: NetLab, host: string, role: 'send' | 'receive', target: string, env?: NodeJS.ProcessEnv): ChildProcess {
  return fork(join(__dirname, 'transferPeer.ts'), [role, target], {
    execPath: lab.executable(host, process.execPath),
    execArgv: ['--require', 'tsx/cjs'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `file` from host `from` into the folder `inbox` on host `to`; rejects on failure or after `timeoutMs`. */
export async function transferOverLab(lab: NetLab, options: { from: string; to: string; file: string; inbox: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<LinkTransfer> {
  const sender = startEnd(lab, options.from, 'send', options.file, options.env);
  const receiver = startEnd(lab, options.to, 'receive', options.inbox, options.env);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<LinkTransfer>((resolve, reject) => {
      let seconds: number | undefined;
      let savedPath: string | undefined;
      let udpDrops = 0;
      let commitMs: number | undefined;
      const settle = () => seconds !== undefined && savedPath !== undefined && resolve({ seconds, savedPath, udpDrops, commitMs });
      let connected = 0;
      timer = setTimeout(() => reject(new Error(connected < 2 ? `the peers did not connect within ${Math.round(options.timeoutMs / 1000)} s` : `the transfer took over ${Math.round(options.timeoutMs / 1000)} s`)), options.timeoutMs);
      for (const [self, other, name] of [[sender, receiver, 'sender'], [receiver, sender, 'receiver']] as const) {
        self.on('message', (m: PeerMessage) => {
          if (m.type === 'signal') other.send(m);
          else if (m.type === 'connected') connected++;
          else if (m.type === 'error') reject(new Error(`${name}: ${m.message}`));
          else if (m.type === 'done') {
            if (self === sender) seconds = m.seconds;
            else [savedPath, udpDrops, commitMs] = [m.path, m.udpDrops ?? 0, m.commitMs];
            settle();
          }
        });
        self.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
      }
    });
  } finally {
    clearTimeout(timer);
    await Promise.all([sender, receiver].map(stop));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // libwebrtc can crash while its event loop drains; the transfer is over, so end it outright.
  child.kill('SIGKILL');
  await exited;
}
