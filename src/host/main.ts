/**
 * Entry of the host process (dist/host.js), forked by HostSupervisor with an IPC channel. It validates
 * every command, runs one HostSession, and exits when sharing stops or its parent goes away — after
 * releasing any key or button the helper held.
 */
import { HOST_COMMAND_MAX_BYTES, HostCommand, HostEvent } from '../protocol/host';
import { parseMessage } from '../protocol/validate';
import { Logger } from '../common/logger';
import { HostSession } from './HostSession';
import { releaseHeldInput } from './input/releaseHeldInput';
import { listDisplayMonitors } from './capture/X11Monitors';
import { hostServices } from './services';

function emit(event: HostEvent): void {
  // `stopped` is the last word: exit once it is on the wire (or at once without a parent).
  const after = event.type === 'stopped' ? () => exit(0) : undefined;
  if (process.connected && process.send) process.send(event, undefined, {}, after);
  else after?.();
}

const log: Logger = {
  debug: (message) => emit({ type: 'log', level: 'debug', message }),
  info: (message) => emit({ type: 'log', level: 'info', message }),
  warn: (message) => emit({ type: 'log', level: 'warn', message }),
  error: (message) => emit({ type: 'log', level: 'error', message }),
};

/** libwebrtc can crash while the event loop drains after a video source existed, so leave explicitly. */
function exit(code: number): never {
  process.exit(code);
}

/** `--release-input`: lift the keys and buttons a dead host left held on the display, then exit. */
async function releaseInput(): Promise<void> {
  try {
    const released = await releaseHeldInput(process.env.DISPLAY ?? '');
    process.stdout.write(`${JSON.stringify(released)}\n`);
    exit(0);
  } catch (err) {
    process.stderr.write(`remote-assist host: could not release input: ${(err as Error).message}\n`);
    exit(1);
  }
}

/** `--list-monitors`: print the display's monitors (RANDR 1.5) as one JSON line, for the sharer's picker. */
async function listMonitorsAndExit(): Promise<void> {
  try {
    const monitors = await listDisplayMonitors(process.env.DISPLAY ?? '');
    process.stdout.write(`${JSON.stringify(monitors)}\n`, () => exit(0));
  } catch (err) {
    process.stderr.write(`remote-assist host: could not list monitors: ${(err as Error).message}\n`, () => exit(1));
  }
}

function main(): void {
  if (process.argv.includes('--release-input')) {
    void releaseInput();
    return;
  }
  if (process.argv.includes('--list-monitors')) {
    void listMonitorsAndExit();
    return;
  }
  if (!process.send) {
    process.stderr.write('remote-assist host: start me through HostSupervisor (needs an IPC channel)\n');
    exit(2);
  }
  let exiting = false;
  // REMOTE_ASSIST_TEST_PLATFORM=win32 (tests only, and only with the libnut backend on X11): the Windows paths
  // that need no Windows API — the secure-desktop detector — run against an X display.
  const testWindows = process.env.REMOTE_ASSIST_TEST_PLATFORM === 'win32' && process.env.REMOTE_ASSIST_CAPTURE === 'libnut';
  const session = new HostSession({ platform: testWindows ? 'win32' : process.platform, env: process.env, services: hostServices, emit, log });
  const end = (code: number) => {
    if (exiting) return;
    exiting = true;
    // A hung display must not keep the process (and a held key) alive: hard deadline.
    setTimeout(() => exit(code), 1000).unref();
    void session.stop('stopped').finally(() => exit(code));
  };

  process.on('message', (raw: unknown) => {
    try {
      if (JSON.stringify(raw).length > HOST_COMMAND_MAX_BYTES) throw new Error(`command exceeds ${HOST_COMMAND_MAX_BYTES} bytes`);
      const command = parseMessage(HostCommand, raw);
      session.handle(command);
      if (session.state === 'stopped') end(0);
    } catch (err) {
      emit({ type: 'error', code: 'ERR_BAD_COMMAND', message: (err as Error).message, fatal: false });
    }
  });
  // The parent (the extension host) went away, whichever way: stop sharing at once.
  process.on('disconnect', () => end(0));
  process.on('SIGTERM', () => end(0));
  process.on('SIGINT', () => end(0));
  process.on('uncaughtException', (err) => {
    emit({ type: 'error', code: 'ERR_INTERNAL', message: err.stack ?? err.message, fatal: true });
    end(1);
  });
  emit({ type: 'ready', platform: `${process.platform}-${process.arch}` });
}

main();
