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

export class IceLinkWatch extends Disposable {
  private readonly _onDidChange = this.register(new Emitter<LinkState>());
  readonly onDidChange = this._onDidChange.event;
  private everConnected = false;
  private interrupted = false;

  constructor(peer: Peer.Instance) {
    super();
    const listener = (ice: RTCIceConnectionState) => this.update(ice);
    peer.on('iceStateChange', listener);
    this.register(toDisposable(() => peer.removeListener('iceStateChange', listener)));
  }

  get isInterrupted(): boolean {
    return this.interrupted;
  }

  private update(ice: RTCIceConnectionState): void {
    if (ice === 'connected' || ice === 'completed') {
      this.everConnected = true;
      if (!this.interrupted) return;
      this.interrupted = false;
      this._onDidChange.fire('restored');
    } else if (this.everConnected && !this.interrupted && (ice === 'disconnected' || ice === 'checking')) {
      // `checking` after being connected: an ICE restart is under way without a path yet.
      this.interrupted = true;
      this._onDidChange.fire('interrupted');
    }
  }
}
