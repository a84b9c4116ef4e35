/**
 * The connection-quality indicator in the desktop header: a one-line summary (frames/s, latency, kbit/s)
 * that opens into details (what is shown, codec, decode and paint times, the network path). Fed by the
 * viewer's own per-second stats; the path shows "—" until the session reports one.
 */
import type { ViewerStats } from '../viewer/RemoteViewer';
import { h, icon } from '../common/dom';

export type LinkRating = 'good' | 'fair' | 'poor';

/** Latency and frame rate a user feels: under 150 ms and 10 fps is good, over 400 ms or under 3 fps poor. */
export function rate(stats: ViewerStats): LinkRating {
  const fps = shownFps(stats);
  const rtt = stats.rttMs ?? 0;
  if (rtt > 400 || (fps > 0 && fps < 3)) return 'poor';
  if (rtt > 150 || (fps > 0 && fps < 10)) return 'fair';
  return 'good';
}

/** Frames the helper actually sees per second: painted updates on the canvas, decoded frames on the video. */
function shownFps(stats: ViewerStats): number {
  return stats.mode === 'regions' ? stats.regionUpdates : stats.fps;
}

export class ConnectionQuality {
  readonly element: HTMLDetailsElement;
  private readonly summaryText = h('span', { class: 'quality-summary' }, 'Measuring…');
  private readonly rows = h('dl', { class: 'quality-details' });
  private path = '—';

  constructor() {
    const summary = h('summary', { title: 'Connection quality' }, icon('pulse'), this.summaryText);
    this.element = h('details', { class: 'connection-quality', 'data-rating': 'good' }, summary, this.rows) as HTMLDetailsElement;
  }

  /** The network path in use (direct or relayed), once the session knows it. */
  setPath(path: string | undefined): void {
    this.path = path ?? '—';
  }

  /** No session, or it ended: nothing is measured any more, so no figure of the last one stays up. */
  reset(): void {
    this.summaryText.textContent = 'Not connected';
    this.element.dataset.rating = 'none';
    this.element.open = false;
    this.rows.replaceChildren();
  }

  update(stats: ViewerStats): void {
    const fps = shownFps(stats);
    const latency = stats.rttMs === undefined ? '— ms' : `${Math.round(stats.rttMs)} ms`;
    this.summaryText.textContent = `${Math.round(fps)} fps · ${latency} · ${Math.round(stats.kbps)} kbit/s`;
    this.element.dataset.rating = rate(stats);
    const details: [string, string][] = [
      ['Picture', stats.mode === 'regions' ? 'Screen regions (sharp text)' : `Video${stats.codec ? ` (${stats.codec})` : ''}`],
      ['Frames per second', fps.toFixed(1)],
      ['Round trip', latency],
      ['Received', `${Math.round(stats.kbps)} kbit/s`],
      ['Paint time', stats.mode === 'regions' ? (stats.regionMs === undefined ? '—' : `${stats.regionMs.toFixed(1)} ms`) : stats.decodeMs === undefined ? '—' : `${stats.decodeMs.toFixed(1)} ms`],
      ['Network path', this.path],
    ];
    this.rows.replaceChildren(...details.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }
}
