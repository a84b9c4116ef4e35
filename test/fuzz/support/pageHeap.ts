/** A Chromium page's JS heap in use after a full garbage collection, MB (through the DevTools protocol). */
import type { Page } from 'playwright-core';

export async function pageHeapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1e6;
  } finally {
    await cdp.detach();
  }
}
