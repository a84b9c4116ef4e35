/**
 * The developer's desk on the shared X display: a real VS Code workbench (code-server, installed by
 * scripts/code-server.sh) with a long source file open, and a browser page of photos, each in its own
 * Chromium window filling the screen. Started once per display size and shared by every system and round;
 * only the app a scene uses is mapped, so the others cost nothing and show nothing meanwhile. The scenes
 * drive the apps through Chromium's own input (CDP), as a user's wheel and keys would.
 */
import { execFile } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { randomUUID } from 'crypto';
import { Browser, chromium, Page } from 'playwright-core';
import { codeServerInstallDir } from '../../scripts/stack/EmbeddedStack';
import { CodeServerInstance } from '../../scripts/stack/CodeServerInstance';
import { findPidByArg } from './ViewerPage';

const execFileAsync = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
export const EDITOR_FILE = 'long.ts';
const PHOTOS = 12;

export type DeskApp = 'editor' | 'photos';

interface AppWindow {
  readonly browser: Browser;
  readonly page: Page;
  readonly pid: number;
  /** The X windows that were visible when the app was last hidden (mapped again by show()). */
  hidden: string[];
}

/** About 6,000 lines of this repository's own TypeScript: a long, real file to scroll. */
function longSource(): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(ROOT, 'src'));
  const lines: string[] = [];
  for (const file of files) {
    if (lines.length > 6000) break;
    lines.push(`// ---- ${path.relative(ROOT, file)} ----`, ...readFileSync(file, 'utf8').split('\n'));
  }
  return lines.join('\n');
}

/** Photo-like JPEGs (fractal regions and noisy gradients, as a camera's detail and grain), made once by ffmpeg. */
async function photos(): Promise<string[]> {
  const dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'remote-assist', 'bench-photos');
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < PHOTOS; i++) {
    const file = path.join(dir, `photo-${i}.jpg`);
    out.push(file);
    if (readdirSync(dir).includes(`photo-${i}.jpg`)) continue;
    const source =
      i % 2 === 0
        ? `mandelbrot=size=640x427:start_x=-0.7436438:start_y=0.1318259:start_scale=${(0.004 * (i + 2)).toFixed(3)}:outer=normalized_iteration_count`
        : `gradients=size=640x427:n=${3 + (i % 5)}:seed=${i}:type=radial`;
    await execFileAsync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-vf', 'noise=alls=14:allf=u,gblur=sigma=0.6', '-frames:v', '1', '-q:v', '3', file], { timeout: 120_000 });
  }
  return out;
}

function photosPage(dir: string, images: string[]): string {
  const file = path.join(dir, 'photos.html');
  const figures = Array.from({ length: 36 }, (_, i) => `<figure><img src="file://${images[i % images.length]}" width="640" height="427"><figcaption>IMG_${4100 + i}.jpg · ${(2.1 + (i % 7) * 0.3).toFixed(1)} MB</figcaption></figure>`);
  writeFileSync(
    file,
    `<!doctype html><html><head><meta charset="utf-8"><title>Photos</title><style>body{margin:0;font:14px sans-serif;background:#f4f4f4}h1{margin:16px 24px}main{display:flex;flex-wrap:wrap;gap:16px;padding:0 24px}figure{margin:0;background:#fff;padding:8px;box-shadow:0 1px 3px #0003}figcaption{padding-top:6px;color:#444}</style></head><body><h1>Holiday photos</h1><main>${figures.join('')}</main></body></html>`,
  );
  return `file://${file}`;
}

export class DevDesk {
  private constructor(
    private readonly display: string,
    private readonly codeServer: CodeServerInstance,
    private readonly dir: string,
    private readonly apps: Record<DeskApp, AppWindow>,
  ) {}

  /** Starts code-server and both Chromium windows on `display`, opens the long file, hides both. */
  static async open(display: string, width: number, height: number, log: (line: string) => void): Promise<DevDesk> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-devdesk-'));
    const started: AppWindow[] = [];
    let codeServer: CodeServerInstance | undefined;
    try {
      log('developer desk: code-server and two Chromium windows');
      codeServer = await CodeServerInstance.start({
        installDir: codeServerInstallDir(),
        name: 'bench',
        rootDir: path.join(dir, 'code-server'),
        logDir: path.join(dir, 'logs'),
        display,
        // the VNC servers listen on this machine too: no "application running on port 5900" toast over the editor
        settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.cursorBlinking': 'blink', 'window.commandCenter': false, 'remote.autoForwardPorts': false, 'remote.portsAttributes': { '1-65535': { onAutoForward: 'ignore' } } },
      });
      writeFileSync(path.join(dir, 'code-server', 'workspace', EDITOR_FILE), longSource());
      const launch = async (url: string): Promise<AppWindow> => {
        const tag = `--bench-desk=${randomUUID()}`;
        const browser = await chromium.launch({
          executablePath: '/usr/bin/chromium',
          headless: false,
          env: { ...process.env, DISPLAY: display },
          args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-features=Translate', '--force-device-scale-factor=1', '--window-position=0,0', `--window-size=${width},${height}`, '--allow-file-access-from-files', tag],
        });
        const context = await browser.newContext({ viewport: null });
        const page = await context.newPage();
        const app: AppWindow = { browser, page, pid: findPidByArg(tag), hidden: [] };
        started.push(app);
        await page.goto(url);
        return app;
      };
      const editor = await launch(codeServer.url);
      await editor.page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });
      await editor.page.waitForTimeout(2000); // the workbench restores its layout; quick open before that loses keys
      await editor.page.keyboard.press('Control+P');
      await editor.page.waitForSelector('.quick-input-widget input', { timeout: 30_000 });
      await editor.page.keyboard.type(EDITOR_FILE);
      await editor.page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${EDITOR_FILE}"]`, { timeout: 30_000 });
      await editor.page.keyboard.press('Enter');
      await editor.page.waitForSelector('.monaco-editor .view-lines .view-line', { timeout: 30_000 });
      const photosUrl = photosPage(dir, await photos());
      const album = await launch(photosUrl);
      await album.page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 60_000 });
      const desk = new DevDesk(display, codeServer, dir, { editor, photos: album });
      await desk.hide();
      return desk;
    } catch (err) {
      for (const app of started) await app.browser.close().catch(() => undefined);
      await codeServer?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private async xdotool(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync('xdotool', args, { env: { ...process.env, DISPLAY: this.display } }).catch(() => ({ stdout: '' }));
    return stdout.trim();
  }

  /** Maps `app`'s window (on top of everything but the probes, which the caller raises) and returns its page. */
  async show(app: DeskApp): Promise<Page> {
    await this.hide();
    const a = this.apps[app];
    for (const wid of a.hidden) await this.xdotool('windowmap', '--sync', wid);
    a.hidden = [];
    return a.page;
  }

  /** Unmaps every visible window of both apps. */
  async hide(): Promise<void> {
    for (const a of Object.values(this.apps)) {
      const visible = (await this.xdotool('search', '--onlyvisible', '--pid', String(a.pid))).split('\n').filter(Boolean);
      for (const wid of visible) await this.xdotool('windowunmap', '--sync', wid);
      a.hidden.push(...visible.filter((w) => !a.hidden.includes(w)));
    }
  }

  /** The apps' process trees (their CPU is the scene's, like the X server's drawing). */
  pids(): number[] {
    return Object.values(this.apps).map((a) => a.pid);
  }

  async dispose(): Promise<void> {
    for (const a of Object.values(this.apps)) await a.browser.close().catch(() => undefined);
    await this.codeServer.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
