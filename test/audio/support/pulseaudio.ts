/**
 * A private PulseAudio server for a test: two users' devices on one machine, made of null sinks (speakers
 * whose monitor we record: the ear) and virtual microphones remapped from a feed sink (we play speech into
 * the feed: the mouth). Killed in after().
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface TestPulseAudio {
  /** Environment that points PulseAudio clients (pactl, parec, pacat, the product) at this server. */
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  pactl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** For each user: `<user>_mic` (virtual microphone), `<user>_mic_feed` (play into it), `<user>_speaker`. */
export async function startPulseAudio(users: string[] = ['sharer', 'helper'], extraScript = ''): Promise<TestPulseAudio> {
  const dir = mkdtempSync(join(tmpdir(), 'ra-pulse-'));
  const socket = join(dir, 'native');
  const lines = [`load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`];
  for (const user of users) {
    lines.push(
      `load-module module-null-sink sink_name=${user}_speaker rate=48000 channels=1 sink_properties=device.description=${user}-speaker`,
      `load-module module-null-sink sink_name=${user}_mic_feed rate=48000 channels=1`,
      `load-module module-remap-source source_name=${user}_mic master=${user}_mic_feed.monitor channels=1 source_properties=device.description=${user}-microphone`,
    );
  }
  if (users.length) lines.push(`set-default-sink ${users[0]}_speaker`, `set-default-source ${users[0]}_mic`);
  lines.push(extraScript);
  writeFileSync(join(dir, 'default.pa'), lines.join('\n') + '\n');
  const env: NodeJS.ProcessEnv = { ...process.env, PULSE_SERVER: `unix:${socket}`, XDG_RUNTIME_DIR: dir, HOME: dir, PULSE_COOKIE: join(dir, 'cookie') };
  const proc: ChildProcess = spawn(
    'pulseaudio',
    ['--daemonize=no', '-n', '-F', join(dir, 'default.pa'), '--exit-idle-time=-1', '--use-pid-file=no', '--log-target=stderr', '--high-priority=yes', '--realtime=yes'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const pactl = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('pactl', args, { env, timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`pulseaudio exited: ${log}`);
    if (existsSync(socket) && (await pactl('info').then(() => true, () => false))) break;
    if (Date.now() > deadline) throw new Error(`pulseaudio did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    env,
    dir,
    pactl,
    stop: async () => {
      if (proc.exitCode === null) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
