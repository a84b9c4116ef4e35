/**
 * Serves the voice test page (bundled with esbuild like the product's webviews) to headless Chromium under
 * a strict CSP, and relays its WebSocket: signaling to a Node peer and panel messages to the extension side.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Browser, chromium } from 'playwright-core';
import { WebSocket, WebSocketServer } from 'ws';

export interface PanelPage {
  readonly url: string;
  /** Messages the page posted to the "extension". */
  onPanel(listener: (event: unknown) => void): void;
  onSignal(listener: (data: unknown) => void): void;
  readonly connected: Promise<void>;
  toPanel(message: unknown): void;
  signal(data: unknown): void;
  /** The page's console and errors, for failure messages. */
  readonly log: string[];
  close(): Promise<void>;
}

const root = join(__dirname, '..', '..', '..');
const CSP = "default-src 'none'; script-src 'self'; connect-src ws:; media-src blob: mediastream:";

export async function openPanelPage(env: NodeJS.ProcessEnv): Promise<PanelPage> {
  const dir = mkdtempSync(join(tmpdir(), 'ra-voice-page-'));
  const common = { bundle: true, platform: 'browser', target: 'chrome114', format: 'iife', logLevel: 'silent', define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' } } as const;
  await build({ ...common, entryPoints: [join(__dirname, '..', 'page', 'voicePage.ts')], outfile: join(dir, 'page.js') });
  await build({ ...common, entryPoints: [join(root, 'src', 'webview', 'voice', 'worklet.ts')], outfile: join(dir, 'voice-worklet.js') });
  const files: Record<string, [string, string]> = {
    '/': [`<!doctype html><meta http-equiv="Content-Security-Policy" content="${CSP}"><script src="/page.js"></script>`, 'text/html'],
    '/page.js': [readFileSync(join(dir, 'page.js'), 'utf8'), 'text/javascript'],
    '/voice-worklet.js': [readFileSync(join(dir, 'voice-worklet.js'), 'utf8'), 'text/javascript'],
  };
  const server: Server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(file[0]);
  });
  const wss = new WebSocketServer({ server, path: '/bridge' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const panelListeners: ((e: unknown) => void)[] = [];
  const signalListeners: ((e: unknown) => void)[] = [];
  const log: string[] = [];
  let socket: WebSocket | undefined;
  const outbox: string[] = [];
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  wss.on('connection', (ws) => {
    socket = ws;
    for (const m of outbox.splice(0)) ws.send(m);
    ws.on('message', (raw) => {
      const { kind, data } = JSON.parse(String(raw)) as { kind: string; data: unknown };
      if (kind === 'panel') panelListeners.forEach((l) => l(data));
      else if (kind === 'signal') signalListeners.forEach((l) => l(data));
      else if (kind === 'connected') markConnected();
      else log.push(`${kind}: ${JSON.stringify(data)}`);
    });
  });
  const send = (kind: string, data: unknown) => {
    const text = JSON.stringify({ kind, data });
    if (socket) socket.send(text);
    else outbox.push(text);
  };

  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    env,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const page = await browser.newPage();
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  await page.goto(url);

  return {
    url,
    onPanel: (l) => panelListeners.push(l),
    onSignal: (l) => signalListeners.push(l),
    connected,
    toPanel: (m) => send('panel', m),
    signal: (d) => send('signal', d),
    log,
    close: async () => {
      await browser.close();
      wss.close();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
