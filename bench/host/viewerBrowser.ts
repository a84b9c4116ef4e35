/**
 * Opens the viewer page (bench/host/viewerPage.ts, bundled with esbuild) in headless Chromium with
 * playwright-core. The page is served from playwright's request routing, not a socket, so a Chromium
 * started inside a network namespace (the network lab) loads it too. Used by the host tests and
 * benchmarks; bench/vnc can reuse it.
 */
import * as esbuild from 'esbuild';
import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Headless tabs must not throttle timers or video frame callbacks while measuring.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
];

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Remote Assist viewer</title>
<link rel="stylesheet" href="/viewer.css"></head>
<body><div id="screen"></div><script src="/viewer.js"></script></body></html>`;
const CSS = 'html,body{margin:0;height:100%;background:#222}#screen{position:absolute;inset:0}';
/** As strict as a VS Code webview's: the viewer must work without inline script or style. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:";

export interface ViewerPage {
  readonly page: Page;
  /** Page errors and console errors (CSP violations included) seen so far. */
  readonly problems: string[];
  /** Signals the viewer produced (answer, candidates) go to `listener`. */
  onSignal(listener: (payload: Record<string, unknown>) => void): void;
  /** Delivers a host signal to the viewer. */
  signal(payload: unknown): Promise<void>;
  close(): Promise<void>;
}

let bundle: Promise<string> | undefined;

function buildBundle(): Promise<string> {
  bundle ??= esbuild
    .build({
      entryPoints: [path.join(__dirname, 'viewerPage.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'chrome114',
      define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' },
      logLevel: 'silent',
    })
    .then((result) => result.outputFiles[0].text);
  return bundle;
}

/** The page's origin: answered by playwright's routing, never looked up on a network. */
const ORIGIN = 'http://viewer.remote-assist.test';

/** `executablePath`: another Chromium launcher, e.g. the network lab's chromiumIn() for a namespace. */
export async function openViewerPage(viewport: { width: number; height: number }, executablePath = '/usr/bin/chromium'): Promise<ViewerPage> {
  const script = await buildBundle();
  let browser: Browser | undefined;
  try {
    // The real viewer runs in a secure context (a VS Code webview), where crypto.subtle exists; so does this page.
    // In a lab namespace the browser's host candidate must be its address, not an mDNS name: nothing resolves
    // those across namespaces, and a helper on the lab's public side is reached by that address (as
    // bench/vnc/ViewerPage does).
    const lab = executablePath === '/usr/bin/chromium' ? [] : ['--disable-features=WebRtcHideLocalIpsWithMdns'];
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${ORIGIN}`, ...lab], headless: true });
    const page = await browser.newPage({ viewport });
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/viewer.js') return route.fulfill({ contentType: 'text/javascript', body: script });
      if (url.pathname === '/viewer.css') return route.fulfill({ contentType: 'text/css', body: CSS });
      return route.fulfill({ contentType: 'text/html', headers: { 'content-security-policy': CSP }, body: HTML });
    });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
    });
    let listener: (payload: Record<string, unknown>) => void = () => undefined;
    await page.exposeFunction('raSendSignal', (payload: Record<string, unknown>) => listener(payload));
    await page.goto(`${ORIGIN}/`);
    await page.evaluate(() => window.remoteAssist.start());
    const opened = browser;
    return {
      page,
      problems,
      onSignal: (l) => (listener = l),
      signal: async (payload) => {
        if (!page.isClosed()) await page.evaluate((p) => window.remoteAssist.signal(p), payload);
      },
      close: () => opened.close(),
    };
  } catch (err) {
    await browser?.close();
    throw err;
  }
}
