/**
 * Debian's coturn (turnserver) in the lab's public namespace, as an operator would run it beside the
 * assistance server: REST credentials (use-auth-secret), STUN and TURN on 3478 over UDP and TCP, TURN over
 * TLS on 443 with a certificate generated for the run.
 */
import { ChildProcess } from 'child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NetLab, PUBLIC, PUBLIC_ADDRESS } from './NetLab';
import { NetLabError, run } from './run';

export interface CoturnOptions {
  readonly secret: string;
  readonly realm?: string;
}

export class Coturn {
  readonly address = PUBLIC_ADDRESS;
  readonly port = 3478;
  readonly tlsPort = 443;

  private constructor(
    private readonly process: ChildProcess,
    private readonly work: string,
    /** coturn's own log (allocations, permissions, errors). */
    readonly logFile: string,
  ) {}

  /** STUN/TURN URLs for the lab's coturn, in the forms the assistance server takes with --stun/--turn. */
  get urls(): { stun: string; turnUdp: string; turnTcp: string; turns: string } {
    return {
      stun: `stun:${this.address}:${this.port}`,
      turnUdp: `turn:${this.address}:${this.port}`,
      turnTcp: `turn:${this.address}:${this.port}?transport=tcp`,
      turns: `turns:${this.address}:${this.tlsPort}?transport=tcp`,
    };
  }

  static async start(lab: NetLab, options: CoturnOptions): Promise<Coturn> {
    const work = mkdtempSync(join(tmpdir(), `${lab.id}-coturn-`));
    const cert = join(work, 'cert.pem');
    const key = join(work, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${PUBLIC_ADDRESS}`, '-addext', `subjectAltName=IP:${PUBLIC_ADDRESS}`, '-keyout', key, '-out', cert]);
    const logFile = join(work, 'turnserver.log');
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = lab.spawn(PUBLIC, 'turnserver', [
        '-n', // no configuration file: everything is on this line
        `--listening-ip=${PUBLIC_ADDRESS}`,
        `--relay-ip=${PUBLIC_ADDRESS}`,
        '--listening-port=3478',
        '--tls-listening-port=443',
        '--use-auth-secret',
        `--static-auth-secret=${options.secret}`,
        `--realm=${options.realm ?? 'remote-assist.test'}`,
        `--cert=${cert}`,
        `--pkey=${key}`,
        '--no-dtls',
        '--no-cli',
        '--fingerprint',
        '--min-port=49152',
        '--max-port=65535',
        '--log-file=stdout',
        '--simple-log',
      ], { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const coturn = new Coturn(child, work, logFile);
    try {
      await coturn.waitListening(lab);
    } catch (err) {
      await coturn.stop();
      throw err;
    }
    return coturn;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGKILL');
      await exited;
    }
    rmSync(this.work, { recursive: true, force: true });
  }

  private async waitListening(lab: NetLab): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (this.process.exitCode !== null) throw new NetLabError('ERR_NETLAB_COMMAND', `turnserver exited with ${this.process.exitCode}; see ${this.logFile}`);
      const { stdout } = await lab.exec(PUBLIC, 'ss', ['-Hltn']);
      if (stdout.includes(`${PUBLIC_ADDRESS}:3478`) && stdout.includes(`${PUBLIC_ADDRESS}:443`)) return;
      if (Date.now() > deadline) throw new NetLabError('ERR_NETLAB_COMMAND', `turnserver did not listen within 15 s; see ${this.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
