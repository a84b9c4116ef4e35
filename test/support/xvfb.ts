/** Starts a private Xvfb display for a test and stops it afterwards. */
import { ChildProcess, spawn } from 'child_process';
import { existsSync } from 'fs';

export interface XDisplay {
  /** e.g. ":57" */
  readonly display: string;
  readonly width: number;
  readonly height: number;
  stop(): Promise<void>;
}

function freeDisplayNumber(from: number): number {
  for (let n = from + Math.floor(Math.random() * 400); n < 1000; n++) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error('no free X display number');
}

/**
 * Starts the X server `server` on a free display number (from `from` up, so Xvfb and Xvnc displays do not
 * race for the same numbers) with the arguments `args(n)`, and waits for its socket. `hint` goes with a failure.
 */
export async function startXServer(server: string, from: number, width: number, height: number, args: (n: number) => string[], hint = ''): Promise<XDisplay> {
  const n = freeDisplayNumber(from);
  const proc: ChildProcess = spawn(server, args(n), { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!existsSync(`/tmp/.X11-unix/X${n}`)) {
    if (proc.exitCode !== null) throw new Error(`${server} :${n} exited with ${proc.exitCode}${hint}`);
    if (Date.now() > deadline) throw new Error(`${server} :${n} did not start within 10 s`);
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

/** `extraArgs`: more Xvfb options, e.g. `-terminate` (the server ends when its last client disconnects). */
export function startXvfb(width = 1280, height = 720, extraArgs: readonly string[] = []): Promise<XDisplay> {
  return startXServer('Xvfb', 50, width, height, (n) => [`:${n}`, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', ...extraArgs]);
}

/** The environment for an X client on `display` (never a Wayland session's). */
export function displayEnv(display: XDisplay): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display.display };
  delete env.WAYLAND_DISPLAY;
  return env;
}

/** Runs an X tool (xdotool, xsetroot, …) on `display` to completion; rejects on a non-zero exit. */
export function runOnDisplay(display: XDisplay, command: string, args: readonly string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, [...args], { env: displayEnv(display), stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}
