/**
 * Turns the measurements into the results files: markdown tables per scene (ours, VNC, ours/VNC), a PNG
 * chart (SVG rendered by headless Chromium) of the latency distributions and frame rates, and the
 * issue's one-line JSON summary.
 */
import { chromium } from 'playwright-core';
import type { Costs, LatencyResult, MotionResult, RttResult } from './scenes';
import type { StageCosts } from './StageProfile';
import { mean, percentile, round } from './stats';
import type { SystemName } from './SystemUnderTest';
import { CHROMIUM_ARGS } from './ViewerPage';

export interface SystemResults {
  latency?: LatencyResult;
  motion?: MotionResult;
  typing?: Costs;
  idle?: Costs;
  rtt?: RttResult;
  /** Why a scene could not run (e.g. the system failed to start). */
  errors: string[];
  /** Worst page-clock calibration uncertainty over the scenes (half the best round trip), ms. */
  clockUncertaintyMs: number;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  /** /proc/loadavg at start and end, and what else was busy during the scenes. */
  load: { start: string; end: string; otherCpuPctMean: number };
  settings: Record<string, string | number>;
  systems: Record<SystemName, SystemResults>;
  stages?: StageCosts;
}

const kbps = (bytesPerSec: number | undefined): number => ((bytesPerSec ?? NaN) * 8) / 1000;
const fmt = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

function row(label: string, ours: number | undefined, vnc: number | undefined, digits = 1): string {
  const ratio = ours !== undefined && vnc !== undefined && vnc !== 0 ? ours / vnc : NaN;
  return `| ${label} | ${fmt(ours, digits)} | ${fmt(vnc, digits)} | ${fmt(ratio, 2)} |`;
}

function costRows(ours: Costs | undefined, vnc: Costs | undefined): string[] {
  return [
    row('sharer CPU, % of a core', ours?.sharerCpuPct, vnc?.sharerCpuPct),
    row('viewer CPU (Chromium), % of a core', ours?.viewerCpuPct, vnc?.viewerCpuPct),
    row('sharer memory (PSS), MiB', ours?.sharerMemMiB, vnc?.sharerMemMiB),
    row('viewer memory (PSS), MiB', ours?.viewerMemMiB, vnc?.viewerMemMiB),
    row('sharer → viewer on the wire (IP packets), kbit/s', kbps(ours?.downIpBytesPerSec), kbps(vnc?.downIpBytesPerSec)),
    row('viewer → sharer on the wire (IP packets), kbit/s', kbps(ours?.upIpBytesPerSec), kbps(vnc?.upIpBytesPerSec)),
    row('sharer → viewer payload (DTLS records / RFB), kbit/s', kbps(ours?.downBytesPerSec), kbps(vnc?.downBytesPerSec)),
    row('viewer → sharer payload (DTLS records / RFB), kbit/s', kbps(ours?.upBytesPerSec), kbps(vnc?.upBytesPerSec)),
    row('rest of the machine busy, % of a core', ours?.otherCpuPct, vnc?.otherCpuPct),
  ];
}

const HEAD = ['| | ours | VNC | ours/VNC |', '| --- | ---: | ---: | ---: |'];

export function markdownTables(r: BenchResults): string {
  const o = r.systems.ours;
  const v = r.systems.vnc;
  const lat = (s: SystemResults) => s.latency?.trials.map((t) => t.ms) ?? [];
  const rtt = (s: SystemResults) => s.rtt?.trials.map((t) => t.ms) ?? [];
  const p = (xs: number[], q: number) => (xs.length ? percentile(xs, q) : undefined);
  const oursLat = o.latency?.trials ?? [];
  const oursRtt = o.rtt?.trials ?? [];
  const vncRtt = v.rtt?.trials ?? [];
  const lines: string[] = [];
  lines.push('### 1. Latency: a patch changes colour → the viewer page shows it');
  lines.push(...HEAD);
  lines.push(row('p50, ms', p(lat(o), 50), p(lat(v), 50)));
  lines.push(row('p95, ms', p(lat(o), 95), p(lat(v), 95)));
  lines.push(row('mean, ms', mean(lat(o)), mean(lat(v))));
  lines.push(row('trials seen', lat(o).length, lat(v).length, 0));
  lines.push(row('trials missed (3 s)', o.latency?.missed, v.latency?.missed, 0));
  lines.push(row('first change after connecting (warm-up, not in p50/p95), ms', o.latency?.warmupMs[0], v.latency?.warmupMs[0]));
  lines.push(...costRows(o.latency?.costs, v.latency?.costs));
  if (oursLat.some((t) => t.toReceiveMs !== undefined)) {
    lines.push('');
    lines.push('Ours by stage (p50, from requestVideoFrameCallback metadata): ');
    lines.push(
      `X change → last packet received ${fmt(percentile(oursLat.flatMap((t) => (t.toReceiveMs === undefined ? [] : [t.toReceiveMs])), 50))} ms · ` +
        `received → shown ${fmt(percentile(oursLat.flatMap((t) => (t.receiveToShownMs === undefined ? [] : [t.receiveToShownMs])), 50))} ms · ` +
        `decode ${fmt(percentile(oursLat.flatMap((t) => (t.decodeMs === undefined ? [] : [t.decodeMs])), 50))} ms`,
    );
    const ld = o.latency?.details;
    if (ld) {
      const slow = oursLat.filter((t) => t.ms > 500);
      lines.push(
        `Sharer stages over the scene: encode ${fmt(ld.hostEncodeMs / ld.hostEncodedFrames)} ms/frame, packets waited ` +
          `${fmt(ld.hostSendDelayMs / ld.hostEncodedFrames)} ms in the pacer` +
          (r.stages ? `, capture ${fmt(r.stages.captureMsP50)} + conversion ${fmt(r.stages.convertMsP50)} ms per full frame (profiled below)` : '') +
          '. ' +
          `Over the scene the host handed ${fmt(ld.hostFrames, 0)} frames to its encoder, ` +
          `the viewer received ${fmt(ld.framesReceived, 0)} and decoded ${fmt(ld.framesDecoded, 0)}; ${slow.length} trials took over 500 ms` +
          (slow.length ? `, of which ${slow.filter((t) => (t.toReceiveMs ?? 0) > 450).length} were late before the viewer received the frame.` : '.'),
      );
    }
  }
  lines.push('');
  lines.push('### 2. Full motion: whole screen scrolling, 60 frames/s drawn');
  lines.push(...HEAD);
  lines.push(row('frames painted per second', o.motion?.fps, v.motion?.fps));
  lines.push(row('frames drawn by the scene per second', o.motion?.sceneFps, v.motion?.sceneFps));
  lines.push(...costRows(o.motion?.costs, v.motion?.costs));
  const d = o.motion?.details;
  if (d && d.framesDecoded) {
    lines.push('');
    lines.push(
      `Ours, receiver (getStats over the scene): ${fmt(d.framesReceived, 0)} frames received, ${fmt(d.framesDecoded, 0)} decoded, ` +
        `${fmt(d.framesDropped, 0)} dropped; decode ${fmt((1000 * d.totalDecodeTime) / d.framesDecoded)} ms/frame, ` +
        `jitter buffer ${fmt((1000 * d.jitterBufferDelay) / Math.max(1, d.jitterBufferEmittedCount))} ms/frame, ` +
        `assembly ${fmt((1000 * d.totalAssemblyTime) / Math.max(1, d.framesAssembledFromMultiplePackets))} ms/frame, ` +
        `receive→decoded ${fmt((1000 * d.totalProcessingDelay) / d.framesDecoded)} ms/frame; ${fmt(d.nackCount, 0)} NACKs, ${fmt(d.pliCount, 0)} PLIs. ` +
        `The host handed ${fmt(d.hostFrames / (o.motion?.costs.seconds ?? NaN))} frames/s to its encoder, which sent ` +
        `${fmt(d.hostEncodedFrames / (o.motion?.costs.seconds ?? NaN))} frames/s; encode ${fmt(d.hostEncodeMs / d.hostEncodedFrames)} ms/frame, ` +
        `packets waited ${fmt(d.hostSendDelayMs / d.hostEncodedFrames)} ms in the pacer; ` +
        `host CPU per handed frame ${fmt((10 * (o.motion?.costs.sharerCpuPct ?? NaN)) / (d.hostFrames / (o.motion?.costs.seconds ?? NaN)))} ms.`,
    );
  }
  if (r.stages) {
    lines.push(
      `Ours, sharer per 1080p frame (host's X11Capture and FrameConverter on this display, p50 of ${r.stages.frames}): ` +
        `capture ${fmt(r.stages.captureMsP50)} ms, BGRX→I420 ${fmt(r.stages.convertMsP50)} ms.`,
    );
  }
  lines.push('');
  lines.push('### 3. Typing: 10 characters per second into an xterm');
  lines.push(...HEAD);
  lines.push(...costRows(o.typing, v.typing));
  lines.push('');
  lines.push('### 4. Idle: nothing changes for 30 s');
  lines.push(...HEAD);
  lines.push(...costRows(o.idle, v.idle));
  lines.push('');
  lines.push('### 5. Input round trip: click in the viewer → target window changes colour → the viewer shows it');
  lines.push(...HEAD);
  lines.push(row('p50, ms', p(rtt(o), 50), p(rtt(v), 50)));
  lines.push(row('p95, ms', p(rtt(o), 95), p(rtt(v), 95)));
  lines.push(row('input leg p50 (click → X ButtonPress), ms', p(oursRtt.map((t) => t.inputLegMs), 50), p(vncRtt.map((t) => t.inputLegMs), 50)));
  lines.push(row('display leg p50 (ButtonPress → shown), ms', p(oursRtt.map((t) => t.displayLegMs), 50), p(vncRtt.map((t) => t.displayLegMs), 50)));
  lines.push(row('trials seen', rtt(o).length, rtt(v).length, 0));
  lines.push(row('trials missed', o.rtt?.missed, v.rtt?.missed, 0));
  const pressToReceive = oursRtt.flatMap((t) => (t.pressToReceiveMs === undefined ? [] : [t.pressToReceiveMs]));
  if (pressToReceive.length) {
    lines.push('');
    lines.push(
      `Ours, display leg by stage (p50): ButtonPress → frame received ${fmt(percentile(pressToReceive, 50))} ms, ` +
        `received → shown ${fmt(percentile(oursRtt.flatMap((t) => (t.pressToReceiveMs === undefined ? [] : [t.displayLegMs - t.pressToReceiveMs])), 50))} ms.`,
    );
  }
  for (const [name, s] of Object.entries(r.systems)) {
    for (const e of s.errors) lines.push('', `**${name}: ${e}**`);
  }
  return lines.join('\n');
}

export function summaryJson(r: BenchResults): string {
  const o = r.systems.ours;
  const v = r.systems.vnc;
  const p50 = (xs: number[] | undefined) => round(xs?.length ? percentile(xs, 50) : NaN);
  return JSON.stringify({
    bench: 'vs-vnc',
    latency_p50_ms: p50(o.latency?.trials.map((t) => t.ms)),
    vnc_latency_p50_ms: p50(v.latency?.trials.map((t) => t.ms)),
    fps: round(o.motion?.fps),
    vnc_fps: round(v.motion?.fps),
    // On the wire: IP packets each way counted alike (UDP/DTLS/SCTP for ours, TCP/WebSocket/RFB for VNC).
    typing_kbps: round(kbps(o.typing?.downIpBytesPerSec)),
    vnc_typing_kbps: round(kbps(v.typing?.downIpBytesPerSec)),
    idle_cpu_pct: round(o.idle?.sharerCpuPct, 2),
    vnc_idle_cpu_pct: round(v.idle?.sharerCpuPct, 2),
    input_rtt_p50_ms: p50(o.rtt?.trials.map((t) => t.ms)),
  });
}

const COLOURS: Record<SystemName, string> = { ours: '#1f77b4', vnc: '#d62728' };
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Empirical CDFs of one measure for both systems in a panel at (x, y), log time axis (outliers stay readable). */
function cdfPanel(title: string, series: Record<SystemName, number[]>, x: number, y: number, w: number, h: number): string {
  const all = [...series.ours, ...series.vnc];
  const lo = 10;
  const hi = Math.max(200, ...all) * 1.1;
  const sx = (v: number) => x + (Math.log(Math.max(lo, Math.min(v, hi)) / lo) / Math.log(hi / lo)) * w;
  const sy = (q: number) => y + h - q * h;
  const parts = [`<text x="${x}" y="${y - 12}" font-size="16" font-weight="bold">${esc(title)}</text>`];
  parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const v of [10, 20, 50, 100, 200, 500, 1000, 2000, 5000].filter((t) => t <= hi)) {
    parts.push(`<line x1="${sx(v)}" y1="${y}" x2="${sx(v)}" y2="${y + h + 5}" stroke="#eee"/><text x="${sx(v)}" y="${y + h + 20}" font-size="12" text-anchor="middle">${v}</text>`);
  }
  for (const q of [0, 0.5, 0.95, 1]) {
    parts.push(`<line x1="${x}" y1="${sy(q)}" x2="${x + w}" y2="${sy(q)}" stroke="#eee"/><text x="${x - 6}" y="${sy(q) + 4}" font-size="12" text-anchor="end">p${(q * 100).toFixed(0)}</text>`);
  }
  parts.push(`<text x="${x + w / 2}" y="${y + h + 38}" font-size="12" text-anchor="middle">ms, log scale (cumulative share of trials)</text>`);
  let legendY = y + h - 40;
  for (const name of ['ours', 'vnc'] as SystemName[]) {
    const xs = [...series[name]].sort((a, b) => a - b);
    if (!xs.length) continue;
    const points = xs.map((v, i) => `${sx(v).toFixed(1)},${sy((i + 1) / xs.length).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${COLOURS[name]}" stroke-width="2.5" points="${sx(xs[0]).toFixed(1)},${sy(0)} ${points.join(' ')}"/>`);
    parts.push(
      `<text x="${x + w - 10}" y="${legendY}" font-size="13" text-anchor="end" fill="${COLOURS[name]}">${name === 'ours' ? 'Remote Assist' : 'x11vnc + noVNC'}: p50 ${percentile(xs, 50).toFixed(0)} · p95 ${percentile(xs, 95).toFixed(0)} ms (n=${xs.length})</text>`,
    );
    legendY += 18;
  }
  return parts.join('\n');
}

type Bar = { label: string; ours?: number; vnc?: number; target?: number };

/** Grouped bars (ours, VNC) with values printed; `log` for measures spanning orders of magnitude. */
function barPanel(title: string, bars: Bar[], x: number, y: number, w: number, h: number, log = false): string {
  const values = bars.flatMap((b) => [b.ours ?? 0, b.vnc ?? 0, b.target ?? 0]).filter((v) => Number.isFinite(v));
  const max = Math.max(10, ...values) * 1.15;
  const height = (v: number) => (log ? (Math.log10(Math.max(1, v)) / Math.log10(max)) * h : (v / max) * h);
  const parts = [`<text x="${x}" y="${y - 12}" font-size="16" font-weight="bold">${esc(title)}</text>`];
  parts.push(`<line x1="${x}" y1="${y + h}" x2="${x + w}" y2="${y + h}" stroke="#999"/>`);
  const group = w / bars.length;
  bars.forEach((b, i) => {
    const gx = x + i * group + group * 0.15;
    const bw = group * 0.33;
    (['ours', 'vnc'] as SystemName[]).forEach((name, j) => {
      const v = b[name];
      if (v === undefined || !Number.isFinite(v)) return;
      const bh = Math.max(1, height(v));
      parts.push(`<rect x="${gx + j * bw}" y="${y + h - bh}" width="${bw - 4}" height="${bh}" fill="${COLOURS[name]}"/>`);
      parts.push(`<text x="${gx + j * bw + (bw - 4) / 2}" y="${y + h - bh - 5}" font-size="13" text-anchor="middle">${v.toFixed(1)}</text>`);
    });
    if (b.target !== undefined) {
      const ty = y + h - height(b.target);
      parts.push(`<line x1="${gx - 6}" y1="${ty}" x2="${gx + 2 * bw + 2}" y2="${ty}" stroke="#2a2" stroke-dasharray="6 4" stroke-width="2"/><text x="${gx + 2 * bw + 4}" y="${ty + 4}" font-size="11" fill="#2a2">target</text>`);
    }
    parts.push(`<text x="${gx + bw}" y="${y + h + 18}" font-size="12" text-anchor="middle">${esc(b.label)}</text>`);
  });
  return parts.join('\n');
}

export function chartSvg(r: BenchResults): string {
  const o = r.systems.ours;
  const v = r.systems.vnc;
  const W = 1400;
  const H = 760;
  const body = [
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="40" y="32" font-size="20" font-weight="bold">Remote Assist vs x11vnc + noVNC, same run: 1920×1080 Xvfb, viewer in headless Chromium</text>`,
    `<text x="40" y="54" font-size="13" fill="#555">${esc(r.startedAt)} · load average ${esc(r.load.start)} · rest of machine ${r.load.otherCpuPctMean.toFixed(0)} % of a core busy · ours ${esc(String(r.settings.oursQuality))}</text>`,
    cdfPanel('Latency: patch colour change → viewer pixels', { ours: o.latency?.trials.map((t) => t.ms) ?? [], vnc: v.latency?.trials.map((t) => t.ms) ?? [] }, 70, 110, 560, 240),
    cdfPanel('Input round trip: click → colour change seen', { ours: o.rtt?.trials.map((t) => t.ms) ?? [], vnc: v.rtt?.trials.map((t) => t.ms) ?? [] }, 70, 440, 560, 260),
    barPanel('Full motion: fps painted', [{ label: 'scrolling, 60 drawn', ours: o.motion?.fps, vnc: v.motion?.fps, target: 30 }], 760, 110, 230, 240),
    barPanel(
      'kbit/s sharer → viewer, IP packets (log)',
      [
        { label: 'full motion', ours: kbps(o.motion?.costs.downIpBytesPerSec), vnc: kbps(v.motion?.costs.downIpBytesPerSec) },
        { label: 'typing', ours: kbps(o.typing?.downIpBytesPerSec), vnc: kbps(v.typing?.downIpBytesPerSec) },
        { label: 'idle', ours: kbps(o.idle?.downIpBytesPerSec), vnc: kbps(v.idle?.downIpBytesPerSec) },
      ],
      1050,
      110,
      320,
      240,
      true,
    ),
    barPanel(
      'Sharer CPU, % of one core (idle target 3 %)',
      [
        { label: 'full motion', ours: o.motion?.costs.sharerCpuPct, vnc: v.motion?.costs.sharerCpuPct },
        { label: 'typing', ours: o.typing?.sharerCpuPct, vnc: v.typing?.sharerCpuPct },
        { label: 'idle', ours: o.idle?.sharerCpuPct, vnc: v.idle?.sharerCpuPct, target: 3 },
      ],
      760,
      440,
      610,
      260,
    ),
    `<rect x="760" y="${H - 30}" width="14" height="14" fill="${COLOURS.ours}"/><text x="780" y="${H - 18}" font-size="13">Remote Assist (ours)</text>`,
    `<rect x="950" y="${H - 30}" width="14" height="14" fill="${COLOURS.vnc}"/><text x="970" y="${H - 18}" font-size="13">x11vnc + noVNC</text>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif">${body.join('\n')}</svg>`;
}

/** Renders the SVG to a PNG file through headless Chromium. */
export async function renderPng(svg: string, file: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 760 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 1400, height: 760 } });
  } finally {
    await browser.close();
  }
}
