/**
 * The HTML shell of both webviews. No `vscode` import: the extension passes webview URIs in, and the
 * webview tests build the very same page for headless Chromium.
 */
import { randomBytes } from 'crypto';

export interface WebviewPage {
  /** webview.cspSource */
  readonly cspSource: string;
  readonly title: string;
  readonly scriptUri: string;
  readonly styleUris: readonly string[];
  readonly bodyClass?: string;
  /** Panel: the voice AudioWorklet module. A worklet cannot carry a nonce, so script-src also allows the
   *  webview's own resources (only the extension's localResourceRoots). */
  readonly voiceWorkletUri?: string;
  /** Where the page may connect (a browser page's WebSocket to its own server); nowhere when unset. */
  readonly connectSrc?: string;
  /** A fresh nonce for every render; tests may pass their own. */
  readonly nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's Content-Security-Policy (also sent as a header where a server serves the page). */
export function webviewCsp(page: WebviewPage, nonce: string): string {
  const src = page.cspSource;
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'${page.voiceWorkletUri ? ` ${src}` : ''}`,
    // The toolkit (FAST) probes :focus-visible with a <style> carrying the nonce from the csp-nonce meta.
    `style-src ${src} 'nonce-${nonce}'`,
    `font-src ${src}`,
    `img-src ${src} data: blob:`,
    `media-src ${src} blob: mediastream:`,
    ...(page.connectSrc ? [`connect-src ${page.connectSrc}`] : []),
  ].join('; ');
}

/** Strict CSP: only our nonce'd script runs; media and images only from the webview or local streams. */
export function buildWebviewHtml(page: WebviewPage): string {
  const nonce = page.nonce ?? newNonce();
  const csp = webviewCsp(page, nonce);
  const styles = page.styleUris.map((u) => `<link rel="stylesheet" href="${escape(u)}">`).join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escape(csp)}">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  ${styles}
  <title>${escape(page.title)}</title>
</head>
<body class="${escape(page.bodyClass ?? '')}"${page.voiceWorkletUri ? ` data-voice-worklet="${escape(page.voiceWorkletUri)}"` : ''}>
  <script nonce="${nonce}" src="${escape(page.scriptUri)}"></script>
</body>
</html>`;
}
