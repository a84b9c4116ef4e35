/**
 * The helper's page for a plain browser (no VS Code): GET /join serves the panel with the browser-side helper
 * session (dist/browser/helper.js), its styles and icons, under a strict Content-Security-Policy. The link's
 * id and secret travel in the URL fragment, which browsers never send, so nothing secret reaches this server's
 * requests or logs; the page then speaks to this server over its own WebSocket like any client.
 */
import { existsSync, readFileSync } from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { join } from 'path';
import { buildWebviewHtml, newNonce, webviewCsp, type WebviewPage } from '../views/webviewHtml';

/** Path → [file under the package root, content type]. */
const ASSETS: Record<string, [string, string]> = {
  '/join/helper.js': [join('dist', 'browser', 'helper.js'), 'text/javascript; charset=utf-8'],
  '/join/webview.css': [join('media', 'webview.css'), 'text/css; charset=utf-8'],
  '/join/browser.css': [join('media', 'browser.css'), 'text/css; charset=utf-8'],
  '/join/codicon.css': [join('node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), 'text/css; charset=utf-8'],
  '/join/codicon.ttf': [join('node_modules', '@vscode', 'codicons', 'dist', 'codicon.ttf'), 'font/ttf'],
};

/** Headers of every response: nothing here may be framed, sniffed, cached with a referrer or opened by another window. */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export class HelperPage {
  private readonly cache = new Map<string, Buffer>();

  /** `root`: the package root (dist/, media/ and node_modules/ beneath it). */
  constructor(private readonly root: string) {}

  /** Answers GET /join and its assets; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/favicon.ico') {
      res.writeHead(204, COMMON_HEADERS).end();
      return true;
    }
    if (path === '/join') {
      this.page(res);
      return true;
    }
    const asset = ASSETS[path];
    if (!asset) return false;
    const body = this.read(asset[0]);
    if (!body) {
      res.writeHead(503, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('The browser page is not built on this server (npm run build).');
      return true;
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': asset[1], 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  private page(res: ServerResponse): void {
    const nonce = newNonce();
    const page: WebviewPage = {
      cspSource: "'self'",
      connectSrc: "'self'",
      title: 'Remote Assistance',
      scriptUri: '/join/helper.js',
      styleUris: ['/join/codicon.css', '/join/webview.css', '/join/browser.css'],
      bodyClass: 'panel-view browser-page',
      nonce,
    };
    const csp = `${webviewCsp(page, nonce)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': csp, 'x-frame-options': 'DENY' });
    res.end(buildWebviewHtml(page));
  }

  private read(file: string): Buffer | undefined {
    const cached = this.cache.get(file);
    if (cached) return cached;
    const full = join(this.root, file);
    if (!existsSync(full)) return undefined;
    const body = readFileSync(full);
    // the bundle may be rebuilt while a development server runs; the rest never changes
    if (!file.endsWith('.js')) this.cache.set(file, body);
    return body;
  }
}
