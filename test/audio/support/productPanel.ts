/**
 * The product's Remote Assistance panel as the helper's VS Code shows it: the real HTML (buildWebviewHtml
 * with the production CSP and the voice worklet), the real panel bundle and worklet bundle, in headless
 * Chromium pointed at the test's PulseAudio; acquireVsCodeApi is stood in for, as the webview tests do.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { join } from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { parseMessage } from '../../../src/protocol/validate';
import { ExtensionMessage, WebviewMessage } from '../../../src/protocol/webview';
import { buildWebviewHtml } from '../../../src/views/webviewHtml';

const ROOT = join(__dirname, '..', '..', '..');

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
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

export interface ProductPanelOptions {
  /** Chromium to run (e.g. a NetLab namespace's wrapper, chromiumIn()). */
  readonly executablePath?: string;
  /**
   * Serves the page's files from `dir` (written once the page is built) and resolves to their origin: where
   * Chromium runs in another network namespace the test's loopback server is out of its reach.
   */
  readonly serve?: (dir: string) => Promise<string>;
}

export class ProductPanel {
  readonly problems: string[] = [];
  /** Messages the page posted, validated as the extension does. */
  onMessage: (message: WebviewMessage) => void = () => undefined;
  private page!: Page;
  private browser!: Browser;
  private server: Server | undefined;
  private outbox: ExtensionMessage[] = [];
  private flushing: Promise<void> | undefined;

  static async open(env: NodeJS.ProcessEnv, options: ProductPanelOptions = {}): Promise<ProductPanel> {
    const p = new ProductPanel();
    await p.start(env, options);
    return p;
  }

  private async start(env: NodeJS.ProcessEnv, options: ProductPanelOptions): Promise<void> {
    const files: Record<string, [string, string | Buffer]> = {
      '/panel.js': ['text/javascript', await bundle('src/webview/panel/main.ts')],
      '/voice-worklet.js': ['text/javascript', await bundle('src/webview/voice/worklet.ts')],
      '/webview.css': ['text/css', readFileSync(join(ROOT, 'media/webview.css'))],
      '/codicon.css': ['text/css', readFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.css'))],
      '/codicon.ttf': ['font/ttf', readFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist/codicon.ttf'))],
    };
    let origin: string;
    const dir = options.serve ? mkdtempSync(join(tmpdir(), 'ra-panel-')) : undefined;
    if (options.serve && dir) {
      origin = await options.serve(dir);
    } else {
      this.server = createServer((req, res) => {
        const file = files[(req.url ?? '').split('?')[0]];
        if (!file) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
      });
      await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
      origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }
    files['/index.html'] = [
      'text/html',
      buildWebviewHtml({
        cspSource: origin,
        title: 'Remote Assistance',
        scriptUri: `${origin}/panel.js`,
        styleUris: [`${origin}/codicon.css`, `${origin}/webview.css`],
        bodyClass: 'panel-view',
        voiceWorkletUri: `${origin}/voice-worklet.js`,
      }),
    ];
    if (dir) for (const [name, [, body]] of Object.entries(files)) writeFileSync(join(dir, name), body);
    this.browser = await chromium.launch({
      executablePath: options.executablePath ?? '/usr/bin/chromium',
      env,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    this.page = await this.browser.newPage();
    this.page.on('console', (m) => {
      // Resource failures are reported with their URL by the response handler below.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) this.problems.push(`console: ${m.text()}`);
    });
    this.page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.message}`));
    this.page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) this.problems.push(`${r.status()} ${r.url()}`);
    });
    await this.page.addInitScript({ content: await bundle('test/audio/support/pageVoiceProbe.ts') });
    await this.page.exposeFunction('__remoteAssistToExtension', (messages: unknown[]) => {
      for (const message of messages) this.onMessage(parseMessage(WebviewMessage, message));
    });
    // Messages are handed over in batches: one CDP round trip per 100 PCM messages a second was the
    // bottleneck of this stand-in (VS Code's own postMessage is a cheaper IPC).
    await this.page.addInitScript(`
      const outbox = [];
      let flushing = false;
      const flush = async () => {
        flushing = true;
        while (outbox.length) await window.__remoteAssistToExtension(outbox.splice(0));
        flushing = false;
      };
      // Kept so a bench can read the receiver's jitter buffer (RemoteViewer owns the connection).
      window.__raPeerConnections = [];
      const NativePeerConnection = window.RTCPeerConnection;
      window.RTCPeerConnection = function (...args) {
        const pc = new NativePeerConnection(...args);
        window.__raPeerConnections.push(pc);
        return pc;
      };
      window.RTCPeerConnection.prototype = NativePeerConnection.prototype;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__raVoiceProbe('panelOut', m); outbox.push(m); if (!flushing) void flush(); }, getState: () => undefined, setState: () => undefined });
      document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
    `);
    await this.page.goto(`${origin}/index.html`);
  }

  /** Posts into the page as VS Code would; batched so 100 PCM messages a second cost few round trips. */
  post(message: ExtensionMessage): void {
    this.outbox.push(parseMessage(ExtensionMessage, message));
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    while (this.outbox.length) {
      const batch = this.outbox.splice(0);
      await this.page.evaluate((ms) => ms.forEach((m) => window.postMessage(m, '*')), batch).catch((err: Error) => this.problems.push(err.message));
    }
    this.flushing = undefined;
  }

  /** Whether the remote desktop <video> shows the screen's video track (voice must not replace it). */
  videoTrackKinds(): Promise<string[]> {
    return this.page.evaluate(() => {
      const video = document.querySelector('video');
      return video?.srcObject instanceof MediaStream ? video.srcObject.getTracks().map((t) => t.kind).sort() : [];
    });
  }

  /** The helper's PCM arrivals in the page so far, [ms, samples, loud] (see pageVoiceProbe.ts). */
  takeArrivals(): Promise<[number, number, number][]> {
    return this.page.evaluate(() => (window as unknown as { __raArrivals: [number, number, number][] }).__raArrivals.splice(0));
  }

  /** The page's wall clock (timeOrigin + now), for a bench to calibrate its timestamps against its own. */
  now(): Promise<number> {
    return this.page.evaluate(() => performance.timeOrigin + performance.now());
  }

  /** Speech onsets seen in the page since the last call (see pageVoiceProbe.ts), on the page's clock. */
  takeVoiceOnsets(): Promise<{ point: string; at: number; value?: number }[]> {
    return this.page.evaluate(() => {
      const w = window as unknown as { __raVoiceOnsets: { point: string; at: number; value?: number }[] };
      return w.__raVoiceOnsets.splice(0);
    });
  }

  /**
   * Totals of the page's audio RTP: the sharer's audio in its receiver (jitter buffer delay in s, samples
   * emitted, packets) and the packets of the helper's voice it sent.
   */
  audioReceiveTotals(): Promise<{ jitterBufferDelay: number; emitted: number; packetsReceived: number; packetsSent: number }> {
    return this.page.evaluate(async () => {
      const totals = { jitterBufferDelay: 0, emitted: 0, packetsReceived: 0, packetsSent: 0 };
      for (const pc of (window as unknown as { __raPeerConnections: RTCPeerConnection[] }).__raPeerConnections) {
        (await pc.getStats()).forEach((s) => {
          if (s.kind !== 'audio') return;
          if (s.type === 'outbound-rtp') totals.packetsSent += s.packetsSent ?? 0;
          if (s.type !== 'inbound-rtp') return;
          totals.jitterBufferDelay += s.jitterBufferDelay ?? 0;
          totals.emitted += s.jitterBufferEmittedCount ?? 0;
          totals.packetsReceived += s.packetsReceived ?? 0;
        });
      }
      return totals;
    });
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
