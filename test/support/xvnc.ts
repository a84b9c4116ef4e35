/**
 * Starts a private Xvnc (TigerVNC's X server) for tests that change the resolution: unlike Xvfb it accepts
 * RANDR mode changes (`xrandr -s 1024x768`), as a real desktop does. No VNC port is opened.
 */
import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';
import { XDisplay } from './xvfb';

function freeDisplayNumber(): number {
  for (let n = 450 + Math.floor(Math.random() * 400); n < 1000; n++) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error('no free X display number');
}

export async function startXvnc(width = 1280, height = 720): Promise<XDisplay> {
  const n = freeDisplayNumber();
  const proc: ChildProcess = spawn('Xvnc', [`:${n}`, '-geometry', `${width}x${height}`, '-depth', '24', '-SecurityTypes', 'None', '-rfbport', '-1', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!existsSync(`/tmp/.X11-unix/X${n}`)) {
    if (proc.exitCode !== null) throw new Error(`Xvnc :${n} exited with ${proc.exitCode} (is tigervnc-standalone-server installed?)`);
    if (Date.now() > deadline) throw new Error(`Xvnc :${n} did not start within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    display: `:${n}`,
    width,
    height,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
