/**
 * Imported first by every webview entry, before anything else runs: the page's CSP forbids eval, so zod must
 * not probe for it; and simple-peer's stream dependencies call Node's `process.nextTick` in the browser.
 */
import { z } from 'zod';

z.config({ jitless: true });

const g = globalThis as unknown as { process?: unknown };
if (g.process === undefined) {
  g.process = {
    browser: true,
    env: {},
    version: '',
    nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
  };
}
