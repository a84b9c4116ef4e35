/**
 * The display Alice shares: a private Xvfb with an xterm to type into and a window of a known colour to
 * find in the video (the xterm logs what it shows, so text typed into it can be read back), or a display
 * the user already has, shared as it is.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { PollAborted, pollUntil } from './poll';
import { SpawnedProcess } from './SpawnedProcess';

/** The known colour, chosen because no VS Code theme paints large areas with it. */
export const KNOWN_COLOUR = { r: 0, g: 255, b: 0, hex: '#00ff00' } as const;

export interface SharedDisplayOptions {
  /** Use this X display instead of starting Xvfb. */
  readonly existingDisplay?: string;
  readonly width: number;
  readonly height: number;
  /** Logs of Xvfb and the windows, and the xterm's transcript. */
  readonly logDir: string;
}

/** Where the windows sit on the display, in screen pixels. */
export interface DisplayLayout {
  readonly xterm: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly knownColourWindow: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

export class SharedDisplay {
  private readonly processes: SpawnedProcess[] = [];
  readonly transcriptFile: string;

  private constructor(
    readonly display: string,
    readonly width: number,
    readonly height: number,
    readonly layout: DisplayLayout,
    logDir: string,
  ) {
    this.transcriptFile = join(logDir, 'xterm-transcript.log');
  }

  static async start(options: SharedDisplayOptions): Promise<SharedDisplay> {
    const { width, height, logDir } = options;
    const layout: DisplayLayout = {
      xterm: { x: 0, y: 0, width: Math.round(width * 0.45), height: Math.round(height * 0.5) },
      knownColourWindow: { x: Math.round(width * 0.55), y: Math.round(height * 0.1), width: Math.round(width * 0.35), height: Math.round(height * 0.35) },
    };
    let shared: SharedDisplay | undefined;
    try {
      let display = options.existingDisplay;
      let xvfb: SpawnedProcess | undefined;
      if (!display) {
        const n = freeDisplayNumber();
        display = `:${n}`;
        xvfb = new SpawnedProcess('Xvfb', 'Xvfb', [display, '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp'], {
          logFile: join(logDir, 'xvfb.log'),
        });
        await pollUntil(`Xvfb ${display}`, () => {
          if (xvfb?.exitStatus !== undefined) throw new PollAborted(`Xvfb exited with ${xvfb.exitStatus}`);
          return existsSync(`/tmp/.X11-unix/X${n}`);
        }, { timeoutMs: 20_000, intervalMs: 50 });
      }
      shared = new SharedDisplay(display, width, height, layout, logDir);
      // A display of the user's own is shared as it is: no windows are opened on it.
      if (xvfb) {
        shared.processes.push(xvfb);
        await shared.openWindows(logDir);
      }
      return shared;
    } catch (err) {
      await shared?.stop();
      throw err;
    }
  }

  private async openWindows(logDir: string): Promise<void> {
    const env = { ...process.env, DISPLAY: this.display };
    const { xterm, knownColourWindow: w } = this.layout;
    this.processes.push(
      new SpawnedProcess('xlogo', 'xlogo', ['-geometry', `${w.width}x${w.height}+${w.x}+${w.y}`, '-bg', KNOWN_COLOUR.hex, '-fg', KNOWN_COLOUR.hex], {
        logFile: join(logDir, 'windows.log'),
        env,
      }),
    );
    // Character cells of the default fixed font are 6x13 (checked with xwininfo); the size is approximate.
    const columns = Math.floor(xterm.width / 6);
    const rows = Math.floor(xterm.height / 13);
    this.processes.push(
      new SpawnedProcess(
        'xterm',
        'xterm',
        ['-geometry', `${columns}x${rows}+${xterm.x}+${xterm.y}`, '-bg', 'black', '-fg', 'white', '-l', '-lf', this.transcriptFile, '-e', 'bash', '--norc', '--noprofile'],
        { logFile: join(logDir, 'windows.log'), env: { ...env, PS1: 'alice$ ' } },
      ),
    );
    // The transcript appears once the shell has printed its prompt: the windows are up.
    await pollUntil('the xterm on the shared display', () => this.transcript().includes('alice$'), { timeoutMs: 30_000 });
    for (const p of this.processes) {
      if (p.exitStatus !== undefined) throw new Error(`${p.name} exited with ${p.exitStatus}`);
    }
  }

  /** Everything the xterm has shown so far (control sequences included). */
  transcript(): string {
    return existsSync(this.transcriptFile) ? readFileSync(this.transcriptFile, 'utf8') : '';
  }

  async stop(): Promise<void> {
    // Windows first, then the X server they draw on.
    for (const p of this.processes.splice(0).reverse()) await p.stop();
  }
}

function freeDisplayNumber(): number {
  for (let n = 100 + Math.floor(Math.random() * 400); n < 1000; n++) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error('no free X display number');
}
