/**
 * The one place that reaches simple-peer's RTCPeerConnection (it keeps it in the private `_pc`), and a watch
 * on its ICE state that both ends of a session share: a connection that stops answering is `interrupted`,
 * one that answers again (by itself or after an ICE restart) is `restored`.
 */
import type Peer from 'simple-peer';
import { Disposable, Emitter, toDisposable } from './lifecycle';

export function peerConnection(peer: Peer.Instance): RTCPeerConnection {
  return (peer as unknown as { _pc: RTCPeerConnection })._pc;
}

export type LinkState = 'interrupted' | 'restored';

export interface IceLinkWatchOptions {
  /**
   * Also `interrupted` when nothing at all has arrived (media, data, ICE checks or their answers) for this
   * long while ICE still says connected, and `restored` when something arrives again. libwebrtc in Node
   * calls a dead path disconnected only after several unanswered checks 2.5 s apart (over 10 s at times),
   * Chromium within a few seconds: without this, a 10 s cut left the helper reconnecting and the sharer
   * "connected" (and without an ICE restart) for the whole cut.
   */
  readonly silenceMs?: number;
}

/** How often getStats is read for the silence check; more often while silent, so a path back is seen soon. */
const SILENCE_SAMPLE_MS = 1000;
const SILENT_SAMPLE_MS = 200;
/** Reports shown by someone else (observe) at least this often spare the watch its own reads (the host shows one every 1–2.5 s). */
const OBSERVED_FRESH_MS = 3000;

export class IceLinkWatch extends Disposable {
  private readonly _onDidChange = this.register(new Emitter<LinkState>());
  readonly onDidChange = this._onDidChange.event;
  private everConnected = false;
  private interrupted = false;
  private silent = false;
  private received = -1;
  private receivedAt = Date.now();
  private observedAt = 0;
  private silenceMs: number | undefined;

  constructor(
    private readonly peer: Peer.Instance,
    options: IceLinkWatchOptions = {},
  ) {
    super();
    const listener = (ice: RTCIceConnectionState) => this.update(ice);
    peer.on('iceStateChange', listener);
    this.register(toDisposable(() => peer.removeListener('iceStateChange', listener)));
    const silenceMs = options.silenceMs;
    if (silenceMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let stopped = false;
      // Reads getStats itself only when nobody else has shown it a report lately (see observe) or while silent.
      const next = () => {
        if (!stopped) timer = setTimeout(() => void this.sampleIfStale().catch(() => undefined).finally(next), this.silent ? SILENT_SAMPLE_MS : SILENCE_SAMPLE_MS);
      };
      this.silenceMs = silenceMs;
      next();
      this.register(toDisposable(() => ((stopped = true), clearTimeout(timer))));
    }
  }

  get isInterrupted(): boolean {
    return this.interrupted;
  }

  private update(ice: RTCIceConnectionState): void {
    if (ice === 'connected' || ice === 'completed') {
      this.everConnected = true;
      if (!this.interrupted || this.silent) return;
      this.interrupted = false;
      this._onDidChange.fire('restored');
    } else if (this.everConnected && !this.interrupted && (ice === 'disconnected' || ice === 'checking')) {
      // `checking` after being connected: an ICE restart is under way without a path yet.
      this.interrupted = true;
      this._onDidChange.fire('interrupted');
    }
  }

  /**
   * A getStats report someone read anyway (the host reads one every 1–2.5 s for its figures): the silence
   * check uses it instead of reading its own.
   */
  observe(report: RTCStatsReport): void {
    if (this.silenceMs === undefined) return;
    this.observedAt = Date.now();
    this.check(report, this.silenceMs);
  }

  private async sampleIfStale(): Promise<void> {
    if (!this.silent && Date.now() - this.observedAt < OBSERVED_FRESH_MS) return;
    const pc = peerConnection(this.peer) as RTCPeerConnection | undefined;
    if (!pc || pc.connectionState === 'closed') return;
    let report: RTCStatsReport;
    try {
      report = await pc.getStats();
    } catch {
      return;
    }
    this.check(report, this.silenceMs!);
  }

  /** Anything received since the last report (bytes on the transport, ICE checks and answers on any pair)? */
  private check(report: RTCStatsReport, silenceMs: number): void {
    const pc = peerConnection(this.peer) as RTCPeerConnection | undefined;
    if (!pc || pc.connectionState === 'closed') return;
    let received = 0;
    report.forEach((s: Record<string, unknown> & { type: string }) => {
      if (s.type === 'transport') received += Number(s.bytesReceived ?? 0);
      if (s.type === 'candidate-pair') received += Number(s.requestsReceived ?? 0) + Number(s.responsesReceived ?? 0);
    });
    const now = Date.now();
    if (received !== this.received) {
      this.received = received;
      this.receivedAt = now;
      if (!this.silent) return;
      this.silent = false;
      // Back: restored now if ICE itself still holds the path (otherwise when it says connected again).
      this.update(pc.iceConnectionState);
    } else if (!this.silent && this.everConnected && now - this.receivedAt >= silenceMs) {
      this.silent = true;
      if (this.interrupted) return;
      this.interrupted = true;
      this._onDidChange.fire('interrupted');
    }
  }
}
