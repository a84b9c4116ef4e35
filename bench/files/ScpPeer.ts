/**
 * The files benchmark's reference peer: a private sshd on 127.0.0.1 (its own host key, authorized_keys and
 * config in a temporary folder, a free high port, no PAM) and `scp` with its defaults, as a user would copy
 * a file to another machine. `start` resolves undefined when sshd is not installed or does not come up.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { freePort } from '../../scripts/stack/poll';

const run = promisify(execFile);

/** CPU seconds of a process's waited-for descendants (cutime + cstime), from /proc; 0 where it is missing. */
async function childrenCpuSeconds(pid: number | 'self'): Promise<number> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}
const SSHD = '/usr/sbin/sshd';
const START_TIMEOUT_MS = 15_000;

/** Where sshd listens and how commands run: by default on 127.0.0.1 in this namespace; the network lab puts sshd and scp in two hosts' namespaces. */
export interface ScpPeerOptions {
  /** The address sshd listens on and scp connects to. */
  readonly address?: string;
  /** Turns sshd's command line into the one to run (e.g. inside the receiving host's namespace). */
  readonly serverCommand?: (command: string, args: string[]) => [string, string[]];
  /** Turns scp's command line into the one to run (e.g. inside the sending host's namespace). */
  readonly clientCommand?: (command: string, args: string[]) => [string, string[]];
}
const asIs = (command: string, args: string[]): [string, string[]] => [command, args];

export class ScpPeer {
  private constructor(
    private readonly sshd: ChildProcess,
    private readonly dir: string,
    private readonly port: number,
    private readonly address: string,
    private readonly clientCommand: (command: string, args: string[]) => [string, string[]],
  ) {}

  static async start(options: ScpPeerOptions = {}): Promise<{ peer?: ScpPeer; reason?: string }> {
    const address = options.address ?? '127.0.0.1';
    try {
      await fs.access(SSHD);
    } catch {
      return { reason: `${SSHD} is not installed (openssh-server)` };
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ra-bench-sshd-'));
    try {
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
      await fs.copyFile(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
      // sshd running as root insists on its privilege-separation folder.
      if (process.getuid?.() === 0) await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
      const port = await freePort();
      const config = [
        `ListenAddress ${address}`,
        `Port ${port}`,
        `HostKey ${path.join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        // scp speaks SFTP by default since OpenSSH 9.
        'Subsystem sftp internal-sftp',
      ].join('\n');
      await fs.writeFile(path.join(dir, 'sshd_config'), `${config}\n`);
      // `ip netns exec` execs the command in place, so the pid stays sshd's (for its CPU figures).
      const sshd = spawn(...(options.serverCommand ?? asIs)(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')]), { stdio: ['ignore', 'ignore', 'pipe'] });
      const listening = await new Promise<string | undefined>((resolve) => {
        let log = '';
        const settle = (failure: string | undefined): void => {
          clearTimeout(timer);
          resolve(failure);
        };
        const timer = setTimeout(() => settle(`sshd did not listen within ${START_TIMEOUT_MS} ms: ${log.trim()}`), START_TIMEOUT_MS);
        sshd.stderr!.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('Server listening')) settle(undefined);
        });
        sshd.once('exit', (code) => settle(`sshd exited with ${code}: ${log.trim()}`));
      });
      if (listening) {
        sshd.kill();
        await fs.rm(dir, { recursive: true, force: true });
        return { reason: listening };
      }
      sshd.stderr!.resume();
      return { peer: new ScpPeer(sshd, dir, port, address, options.clientCommand ?? asIs) };
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      return { reason: (err as Error).message };
    }
  }

  /**
   * Copies `file` to `target` with scp's defaults (cipher, SFTP); returns the seconds it took and the CPU
   * seconds both ends spent (scp and ssh as our descendants, the sshd session as the listener's).
   */
  async copy(file: string, target: string): Promise<{ seconds: number; cpuSeconds: number }> {
    const args = [
      '-q',
      ...['-F', '/dev/null', '-P', String(this.port), '-i', path.join(this.dir, 'client_key')],
      ...['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
      file,
      `${os.userInfo().username}@${this.address}:${target}`,
    ];
    const clientBefore = await childrenCpuSeconds('self');
    const serverBefore = await childrenCpuSeconds(this.sshd.pid!);
    const started = process.hrtime.bigint();
    await run(...this.clientCommand('scp', args));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The listener reaps the session process just after the client is done.
    const deadline = Date.now() + 2000;
    let serverAfter = await childrenCpuSeconds(this.sshd.pid!);
    while (serverAfter === serverBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      serverAfter = await childrenCpuSeconds(this.sshd.pid!);
    }
    return { seconds, cpuSeconds: (await childrenCpuSeconds('self')) - clientBefore + serverAfter - serverBefore };
  }

  async dispose(): Promise<void> {
    if (this.sshd.exitCode === null) {
      const exited = new Promise((resolve) => this.sshd.once('exit', resolve));
      this.sshd.kill();
      await exited;
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
