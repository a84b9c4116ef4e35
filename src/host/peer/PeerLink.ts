/**
 * The sharer's WebRTC peer: simple-peer over @roamhq/wrtc, initiator, with the screen track and the
 * negotiated data channels. The bitrate cap goes into both descriptions' video sections and changes live
 * by renegotiating (no reconnect). A connection that stops answering is reported (`onLink`) and, as the
 * initiator, this side tries an ICE restart through the signaling relay until it answers again or fails.
 */
import Peer from 'simple-peer';
import { selectedPath, StatsLike } from '../../common/connectionPath';
import { SignalPayload } from '../../protocol/host';
import type { ConnectionPath, IceServer } from '../../protocol/ice';
import { IDisposable, Emitter } from '../../common/lifecycle';
import { IceLinkWatch, LinkState, peerConnection } from '../../common/peerConnection';
import { HostError } from '../HostError';
import { wrtc } from '../wrtc';
import { ChannelPort } from './ChannelPort';
import { setVideoBandwidth } from './sdpBandwidth';

/** ICE answers again by itself after short outages; a restart first after this long without an answer… */
const ICE_RESTART_FIRST_MS = 2000;
/** …and again this often while it stays unanswered (an offer lost while the relay was away). */
const ICE_RESTART_AGAIN_MS = 8000;
/**
 * Nothing received for this long means the path is gone, whatever ICE says yet (see IceLinkWatch): the
 * ICE checks of both sides (and their answers) arrive every 2-3 s on a live path even with a still screen.
 */
const LINK_SILENCE_MS = 5000;

export interface ChannelSpec {
  readonly label: string;
  readonly id: number;
  readonly ordered: boolean;
}

export interface TransportStats {
  bytesSent: number;
  framesEncoded: number;
  /** Seconds, cumulative (RTCOutboundRtpStreamStats). */
  totalEncodeTime: number;
  totalPacketSendDelay: number;
  packetsSent: number;
  keyFramesEncoded: number;
  pliCount: number;
  rttMs?: number;
  /** The selected candidate pair (undefined until ICE selected one). */
  path?: ConnectionPath;
}

export class PeerLink implements IDisposable {
  private readonly _onSignal = new Emitter<SignalPayload>();
  readonly onSignal = this._onSignal.event;
  private readonly _onConnect = new Emitter<void>();
  readonly onConnect = this._onConnect.event;
  private readonly _onClose = new Emitter<string>();
  readonly onClose = this._onClose.event;
  private readonly _onLink = new Emitter<LinkState>();
  /** The connection stopped answering (`interrupted`) or answers again (`restored`). */
  readonly onLink = this._onLink.event;
  private readonly peer: Peer.Instance;
  private readonly watch: IceLinkWatch;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly ports: ChannelPort[] = [];
  private closed = false;
  private connected = false;

  private maxKbps: number;
  private minKbps: number | undefined;

  constructor(track: MediaStreamTrack, bitrate: { maxKbps: number; minKbps?: number }, iceServers: readonly IceServer[] = []) {
    this.maxKbps = bitrate.maxKbps;
    this.minKbps = bitrate.minKbps;
    const stream = new wrtc.MediaStream([track]);
    this.peer = new Peer({
      initiator: true,
      trickle: true,
      wrtc: wrtc as unknown as Peer.Options['wrtc'],
      config: { iceServers: [...iceServers] },
      streams: [stream],
      sdpTransform: (sdp: string) => setVideoBandwidth(sdp, this.maxKbps, this.minKbps),
    });
    this.peer.on('signal', (data) => this._onSignal.fire(data as unknown as SignalPayload));
    this.peer.on('connect', () => {
      this.connected = true;
      this._onConnect.fire();
      for (const port of this.ports) port.checkOpen();
    });
    this.watch = new IceLinkWatch(this.peer, { silenceMs: LINK_SILENCE_MS });
    this.watch.onDidChange((state) => {
      clearTimeout(this.restartTimer);
      if (state === 'interrupted') this.scheduleIceRestart(ICE_RESTART_FIRST_MS);
      this._onLink.fire(state);
    });
    this.peer.on('close', () => this.close('the helper disconnected'));
    this.peer.on('error', (err: Error & { code?: string }) => this.close(`connection failed: ${err.code ?? ''} ${err.message}`.trim()));
  }

  /** The simple-peer instance, for services that add media tracks (voice). */
  get instance(): Peer.Instance {
    return this.peer;
  }

  get isConnected(): boolean {
    return this.connected && !this.closed;
  }

  /** A signal object from the helper (untrusted: only known shapes are passed on). */
  signal(payload: SignalPayload): void {
    if (this.closed) return;
    const kind = payload.type;
    let data: Peer.SignalData;
    if (kind === 'answer' && typeof payload.sdp === 'string' && payload.sdp.length < 100_000) {
      // The answer's video section sets what libwebrtc sends; the cap is ours to enforce.
      data = { type: 'answer', sdp: setVideoBandwidth(payload.sdp, this.maxKbps, this.minKbps) };
    } else if (payload.candidate && typeof payload.candidate === 'object') {
      const c = payload.candidate as Record<string, unknown>;
      if (typeof c.candidate !== 'string' || c.candidate.length > 1000) throw new HostError('ERR_PEER_PROTOCOL', 'invalid ICE candidate');
      data = { candidate: { candidate: c.candidate, sdpMid: typeof c.sdpMid === 'string' ? c.sdpMid : null, sdpMLineIndex: typeof c.sdpMLineIndex === 'number' ? c.sdpMLineIndex : null } } as Peer.SignalData;
    } else if (kind === 'renegotiate' && payload.renegotiate === true) {
      // The viewer added media (voice): the host, as initiator, makes the new offer.
      data = { type: 'renegotiate', renegotiate: true } as unknown as Peer.SignalData;
    } else if (kind === 'transceiverRequest' && (payload.transceiverRequest as { kind?: unknown } | undefined)?.kind === 'audio') {
      // Only audio may be asked for; a receive-side transceiver never makes the host send anything.
      data = { type: 'transceiverRequest', transceiverRequest: { kind: 'audio', init: { direction: 'recvonly' } } } as unknown as Peer.SignalData;
    } else {
      throw new HostError('ERR_PEER_PROTOCOL', `unexpected signal ${JSON.stringify(kind)?.slice(0, 40)}`);
    }
    try {
      this.peer.signal(data);
    } catch (err) {
      throw new HostError('ERR_PEER_PROTOCOL', `signal rejected: ${(err as Error).message}`);
    }
  }

  /** Opens a negotiated channel; before connecting, so nothing the viewer sends early is lost. */
  openChannel(spec: ChannelSpec): ChannelPort {
    if (this.closed) throw new HostError('ERR_INTERNAL', `channel ${spec.label} opened after the peer closed`);
    const port = new ChannelPort(peerConnection(this.peer).createDataChannel(spec.label, { negotiated: true, id: spec.id, ordered: spec.ordered }));
    this.ports.push(port);
    if (this.connected) queueMicrotask(() => port.checkOpen());
    return port;
  }

  /** Changes the bitrate cap (and floor) live: a new offer/answer round over the same connection. */
  setBitrate(bitrate: { maxKbps: number; minKbps?: number }): void {
    if (bitrate.maxKbps === this.maxKbps && bitrate.minKbps === this.minKbps) return;
    this.maxKbps = bitrate.maxKbps;
    this.minKbps = bitrate.minKbps;
    if (this.connected && !this.closed) (this.peer as unknown as { negotiate(): void }).negotiate();
  }

  async stats(): Promise<TransportStats> {
    const pc = peerConnection(this.peer) as RTCPeerConnection | undefined;
    const result: TransportStats = { bytesSent: 0, framesEncoded: 0, totalEncodeTime: 0, totalPacketSendDelay: 0, packetsSent: 0, keyFramesEncoded: 0, pliCount: 0 };
    if (!pc || this.closed) return result;
    const report = await pc.getStats();
    this.watch.observe(report);
    report.forEach((s) => {
      if (s.type === 'transport') result.bytesSent += s.bytesSent ?? 0;
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        result.framesEncoded += s.framesEncoded ?? 0;
        result.totalEncodeTime += s.totalEncodeTime ?? 0;
        result.totalPacketSendDelay += s.totalPacketSendDelay ?? 0;
        result.packetsSent += s.packetsSent ?? 0;
        result.keyFramesEncoded += s.keyFramesEncoded ?? 0;
        result.pliCount += s.pliCount ?? 0;
      }
    });
    result.path = selectedPath(report as unknown as StatsLike);
    result.rttMs = result.path?.rttMs;
    return result;
  }

  /** New ICE credentials in a new offer: the helper answers through the relay and both gather afresh. */
  private scheduleIceRestart(delayMs: number): void {
    this.restartTimer = setTimeout(() => {
      if (this.closed || !this.watch.isInterrupted) return;
      peerConnection(this.peer).restartIce();
      (this.peer as unknown as { negotiate(): void }).negotiate();
      this.scheduleIceRestart(ICE_RESTART_AGAIN_MS);
    }, delayMs);
  }

  private close(reason: string): void {
    if (this.closed) return;
    clearTimeout(this.restartTimer);
    this.closed = true;
    this._onClose.fire(reason);
  }

  dispose(): void {
    this.closed = true;
    clearTimeout(this.restartTimer);
    this.watch.dispose();
    this._onLink.dispose();
    for (const port of this.ports.splice(0)) port.dispose();
    this.peer.destroy();
    this._onSignal.dispose();
    this._onConnect.dispose();
    this._onClose.dispose();
  }
}
