/**
 * A viewer page in its own headless Chromium in the viewer's network namespace: bundles a page entry
 * (bench/vnc/page/*.ts) with esbuild, serves it through Playwright's routing (no socket: the page lives in
 * another namespace), finds the browser's pid for CPU accounting and converts page timestamps to this
 * process's clock.
 */
import { randomUUID } from 'crypto';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { Browser, chromium, Page } from 'playwright-core';
import { viewerChromium } from './Netns';
import type { Cell, Grab, Observation, PictureHash } from './page/probe';
import { pageClockOffset } from '../pageClock';

/** Answered by Playwright, never fetched; a loopback origin, which Chromium lets open connections to private addresses (the veth). */
const PAGE_URL = 'http://127.0.0.1:9/viewer.html';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  // host candidates stay plain IPs so the Node peer on this machine can reach the page (no mDNS)
  // and the page may open WebSockets to the sharer's address (Local Network Access would block them)
  '--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks',
];

async function bundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'page', entry)],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm', // noVNC uses top-level await
    target: 'chrome114',
    define: { global: 'globalThis', 'process.env.NODE_DEBUG': 'false' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export function findPidByArg(arg: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(arg) && !argv.some((a) => a.startsWith('--type='))) return Number(name);
    } catch {
      // exited meanwhile
    }
  }
  throw new Error(`no process with ${arg}`);
}

export class ViewerPage {
  /** page clock − this process's clock, ms */
  private offsetMs = 0;
  /** half the best round trip of the calibration: how far off `offsetMs` can be */
  uncertaintyMs = 0;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly pid: number,
  ) {}

  /** `executablePath`: another Chromium launcher, e.g. the network lab's chromiumIn() for a namespace. */
  static async open(entry: string, width: number, height: number, executablePath?: string): Promise<ViewerPage> {
    const script = await bundle(entry);
    const tag = `--bench-viewer=${randomUUID()}`;
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;overflow:hidden;background:#000"><script type="module">${script.replace(/<\/script/g, '<\\/script')}</script></body></html>`;
    const browser = await chromium.launch({ executablePath: executablePath ?? viewerChromium(), args: [...CHROMIUM_ARGS, tag] });
    try {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.route(PAGE_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
      await page.goto(PAGE_URL);
      // module scripts may still be awaiting (noVNC probes codecs with top-level await)
      await page.waitForFunction(() => window.benchProbe !== undefined, undefined, { timeout: 20_000 });
      const viewer = new ViewerPage(browser, page, findPidByArg(tag));
      await viewer.calibrate();
      return viewer;
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Estimates the page clock's offset from the round trip with the smallest delay. */
  async calibrate(): Promise<void> {
    const clock = await pageClockOffset(() => this.page.evaluate(() => window.benchProbe.now()));
    this.offsetMs = clock.offsetMs;
    this.uncertaintyMs = clock.uncertaintyMs;
  }

  /** A page timestamp on this process's clock. */
  toLocal(pageMs: number): number {
    return pageMs - this.offsetMs;
  }

  async setCells(cells: Cell[]): Promise<void> {
    await this.page.evaluate((c) => window.benchProbe.setCells(c), cells);
  }

  /** Observations (animation frames, and paints: see probe.ts) and clicks since the last drain, on this process's clock. */
  async drain(): Promise<{ observations: Observation[]; paints: Observation[]; ticks: number; clicks: number[] }> {
    const out = await this.page.evaluate(() => window.benchProbe.drain());
    const local = (o: Observation): Observation => ({ ...o, t: this.toLocal(o.t) });
    return { ticks: out.ticks, clicks: out.clicks.map((t) => this.toLocal(t)), observations: out.observations.map(local), paints: out.paints.map(local) };
  }

  /** Row hashes of the picture the page shows (for the pixel check). */
  picture(skip: Cell, border: number): Promise<PictureHash> {
    return this.page.evaluate(([c, b]) => window.benchProbe.picture(c, b), [skip, border] as const);
  }

  /** The rectangle `r` of what the page shows now, as RGB, with when it was read on this process's clock. */
  async grab(r: Cell): Promise<{ kind: Grab['kind']; t: number; width: number; height: number; rgb: Buffer }> {
    const g = await this.page.evaluate((c) => window.benchProbe.grab(c), r);
    return { kind: g.kind, t: this.toLocal(g.t), width: g.width, height: g.height, rgb: Buffer.from(g.rgbBase64, 'base64') };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
