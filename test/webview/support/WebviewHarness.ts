/**
 * Serves a webview's real HTML (built by buildWebviewHtml with the production CSP) and its esbuild bundle on
 * loopback, opens it in headless Chromium and stands in for VS Code's acquireVsCodeApi bridge: messages the
 * page posts are validated and collected here, and `send` posts messages into the page as VS Code would.
 */
import { build } from 'esbuild';
import { readFileSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { ExtensionMessage, WebviewMessage } from '../../../src/protocol/webview';
import { parseMessage } from '../../../src/protocol/validate';
import { buildWebviewHtml } from '../../../src/views/webviewHtml';

const ROOT = join(__dirname, '..', '..', '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type Entry = 'panel' | 'chat';

async function bundle(entry: Entry): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, 'src/webview', entry, 'main.ts')],
    bundle: true,
    platform: 'browser',
    target: 'chrome114',
    format: 'iife',
    write: false,
    define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export class WebviewHarness {
  readonly received: WebviewMessage[] = [];
  /** When set, messages from the page go here (e.g. to the product's WebviewRouter) instead of `received`. */
  listener: ((message: WebviewMessage) => void) | undefined;
  readonly problems: string[] = [];
  page!: Page;
  private browser!: Browser;
  private server!: Server;

  /**
   * `executablePath`: another Chromium launcher, e.g. NetLab's chromiumIn() for a browser inside a network
   * namespace; the page's files are then served by request interception, needing no network at all.
   */
  static async open(entry: Entry, size = { width: 1280, height: 720 }, options: { executablePath?: string; args?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<WebviewHarness> {
    const h = new WebviewHarness();
    await h.start(entry, size, options.executablePath, options.args, options.env);
    return h;
  }

  private async start(entry: Entry, size: { width: number; height: number }, executablePath?: string, args: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<void> {
    const script = await bundle(entry);
    const files: Record<string, [string, Buffer | string]> = {
      [`/${entry}.js`]: ['text/javascript', script],
      '/webview.css': ['text/css', readFileSync(join(ROOT, 'media/webview.css'))],
      '/codicon.css': ['text/css', readFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.css'))],
      '/codicon.ttf': ['font/ttf', readFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.ttf'))],
    };
    this.server = createServer((req, res) => {
      const file = files[(req.url ?? '').split('?')[0]];
      if (req.url === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (!file) {
        this.problems.push(`404 ${req.url}`);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const origin = executablePath ? 'http://webview.test' : `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    files['/index.html'] = [
      'text/html',
      buildWebviewHtml({
        cspSource: origin,
        title: entry,
        scriptUri: `${origin}/${entry}.js`,
        styleUris: [`${origin}/codicon.css`, `${origin}/webview.css`],
        bodyClass: entry === 'chat' ? 'chat-view' : 'panel-view',
      }),
    ];

    // A VS Code webview is a secure context (vscode-webview://), where crypto.subtle exists; so is this page.
    const secure = executablePath ? [`--unsafely-treat-insecure-origin-as-secure=${origin}`] : [];
    this.browser = await chromium.launch({ executablePath: executablePath ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...secure, ...args], env });
    const context = await this.browser.newContext({ viewport: size, colorScheme: 'dark' });
    if (executablePath !== '/usr/bin/chromium') {
      await context.route(`${origin}/**`, async (route) => {
        const file = files[new URL(route.request().url()).pathname];
        if (file) await route.fulfill({ status: 200, contentType: file[0], body: file[1] });
        else await route.fulfill({ status: 404 });
      });
    }
    this.page = await context.newPage();
    if (executablePath) {
      await this.page.route(`${origin}/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        const file = files[path];
        if (path === '/favicon.ico') {
          await route.fulfill({ status: 204 });
          return;
        }
        if (!file) {
          this.problems.push(`404 ${route.request().url()}`);
          await route.fulfill({ status: 404 });
          return;
        }
        await route.fulfill({ status: 200, contentType: file[0], body: file[1] });
      });
    }
    this.page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console: ${m.text()}`);
    });
    this.page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.message}`));
    await this.page.exposeFunction('__remoteAssistToExtension', (message: unknown) => {
      // What the extension would do first: validate.
      const valid = parseMessage(WebviewMessage, message);
      if (this.listener) this.listener(valid);
      else this.received.push(valid);
    });
    // A string, not a function: the test transpiler would wrap a function with helpers the page lacks.
    await this.page.addInitScript(`
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__remoteAssistToExtension(m),
        getState: () => undefined,
        setState: () => undefined,
      });
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
    `);
    // VS Code's own theme variables, as a dark theme defines them, so screenshots look like the workbench.
    await this.page.route('**/webview.css', async (route) => {
      const theme = `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#cccccc;--vscode-editor-background:#1e1e1e;--vscode-sideBar-background:#252526;--vscode-panel-border:#444;--vscode-focusBorder:#007fd4;--vscode-descriptionForeground:#9d9d9d;--vscode-errorForeground:#f48771;--vscode-textLink-foreground:#3794ff;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-inputValidation-infoBackground:#063b49;--vscode-inputValidation-infoBorder:#007acc;--vscode-inputValidation-warningBorder:#b89500}\n`;
      await route.fulfill({ contentType: 'text/css', body: theme + readFileSync(join(ROOT, 'media/webview.css'), 'utf8') });
    });
    await this.page.goto(`${origin}/index.html`);
    await this.waitFor((m) => m.type === 'ready', 'the page to post ready');
  }

  /** Posts a message into the page as the extension would (validated first, like the product does). */
  async send(message: ExtensionMessage): Promise<void> {
    const valid = parseMessage(ExtensionMessage, message);
    await this.page.evaluate((m) => window.postMessage(m, '*'), valid);
  }

  /** Polls the collected messages until one matches, with a generous deadline. */
  async waitFor<M extends WebviewMessage>(match: (m: WebviewMessage) => m is M, what: string, timeoutMs?: number): Promise<M>;
  async waitFor(match: (m: WebviewMessage) => boolean, what: string, timeoutMs?: number): Promise<WebviewMessage>;
  async waitFor(match: (m: WebviewMessage) => boolean, what: string, timeoutMs = 20_000): Promise<WebviewMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) {
        this.received.splice(this.received.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.received.map((m) => m.type))}; page problems: ${this.problems.join(" | ")}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
