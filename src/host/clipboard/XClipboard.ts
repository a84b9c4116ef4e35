/**
 * The sharer's X clipboard (the CLIPBOARD selection, as Ctrl+C / Ctrl+V use it): XFIXES tells when another
 * client takes it (someone copied), and xclip (a Debian package) reads and serves the text, so selection
 * conversion, INCR transfers and serving paste requests after we hand the text over stay in a maintained tool.
 */
import { spawn } from 'child_process';
import { Emitter, IDisposable } from '../../common/lifecycle';
import { HostError } from '../HostError';
import { X11Display, X11Event } from '../x11/X11Display';

interface FixesSelection {
  SelectionEventMask: { SetSelectionOwner: number };
  SelectSelectionInput(window: number, selection: number, mask: number): void;
}

/** A copy is often announced twice (owner set, then re-set): one read covers both. */
const SETTLE_MS = 30;
const XCLIP_TIMEOUT_MS = 3000;

export class ClipboardUnavailable extends Error {
  readonly code = 'ERR_CLIPBOARD_UNAVAILABLE';
}

export class XClipboard implements IDisposable {
  private readonly _onDidCopy = new Emitter<void>();
  /** Someone on the sharer's display copied (took the CLIPBOARD selection). */
  readonly onDidCopy = this._onDidCopy.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly listener = (ev: X11Event) => {
    if (ev.name !== 'SelectionNotify' || ev.selection !== this.atom) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._onDidCopy.fire(), SETTLE_MS);
  };

  private constructor(
    private readonly display: X11Display,
    private readonly atom: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    display.client.on('event', this.listener);
  }

  static async open(env: NodeJS.ProcessEnv): Promise<XClipboard> {
    const display = await X11Display.connect(env.DISPLAY ?? '');
    try {
      const fixes = await display.extension<FixesSelection>('fixes');
      const atom = await display.call<number>((cb) => (display.client as unknown as { InternAtom(onlyIfExists: boolean, name: string, cb: (err: Error | null, atom: number) => void): void }).InternAtom(false, 'CLIPBOARD', cb));
      fixes.SelectSelectionInput(display.root, atom, fixes.SelectionEventMask.SetSelectionOwner);
      return new XClipboard(display, atom, env);
    } catch (err) {
      display.dispose();
      throw err instanceof HostError ? new ClipboardUnavailable(err.message) : err;
    }
  }

  /**
   * The clipboard's text as UTF-8, at most `maxBytes + 1` bytes (more means "too large"; the rest is not
   * read); undefined when the clipboard holds no text.
   */
  read(maxBytes: number): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const child = spawn('xclip', ['-o', '-selection', 'clipboard', '-t', 'UTF8_STRING'], { env: this.env, stdio: ['ignore', 'pipe', 'ignore'] });
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => child.kill('SIGKILL'), XCLIP_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > maxBytes) child.kill('SIGKILL');
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new ClipboardUnavailable(`xclip cannot run: ${err.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (size > maxBytes) return resolve(Buffer.concat(chunks).subarray(0, maxBytes + 1));
        // xclip exits non-zero when the owner offers no text (an image, nothing): not an error.
        resolve(code === 0 ? Buffer.concat(chunks) : undefined);
      });
    });
  }

  /** Puts `text` on the clipboard: xclip takes the selection and serves pastes until someone copies again. */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('xclip', ['-i', '-selection', 'clipboard'], { env: this.env, stdio: ['pipe', 'ignore', 'ignore'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), XCLIP_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new ClipboardUnavailable(`xclip cannot run: ${err.message}`));
      });
      // The first process exits once its forked child owns the selection.
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new ClipboardUnavailable(`xclip could not take the clipboard (exit ${code})`));
      });
      child.stdin.end(text);
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.display.client.removeListener('event', this.listener);
    this.display.dispose();
    this._onDidCopy.dispose();
  }
}
