/**
 * A scripted helper in Node (simple-peer over @roamhq/wrtc) that talks the peer protocol directly,
 * bypassing the viewer's own courtesy checks: it plays the untrusted helper in robustness tests.
 */
import Peer from 'simple-peer';
import { PEER_CHANNELS } from '../../../src/protocol/peer';
import { wrtc } from '../../../src/host/wrtc';

export class NodeHelperPeer {
  readonly peer: Peer.Instance;
  readonly channels = new Map<string, RTCDataChannel>();
  readonly received: Record<string, string[]> = { control: [], chat: [], input: [] };
  /** Binary messages on the extra channels (file frames). */
  readonly receivedBytes: Record<string, number> = {};
  /** Binary screen-channel messages (lossless regions), for a test's decoder. */
  onScreen: ((data: ArrayBuffer) => void) | undefined;
  connected = false;
  closed = false;

  constructor(
    sendSignal: (payload: Record<string, unknown>) => void,
    /** Negotiated channels beyond the peer protocol's own (files, voice), opened like the viewer's. */
    private readonly extraChannels: readonly { label: string; id: number; ordered: boolean }[] = [],
  ) {
    this.peer = new Peer({ initiator: false, trickle: true, wrtc: wrtc as unknown as Peer.Options['wrtc'] });
    this.peer.on('signal', (data) => sendSignal(data as unknown as Record<string, unknown>));
    this.peer.on('connect', () => (this.connected = true));
    this.peer.on('close', () => (this.closed = true));
    this.peer.on('error', () => (this.closed = true));
  }

  signal(payload: Record<string, unknown>): void {
    if (payload.type === 'offer' && this.channels.size === 0) {
      const pc = (this.peer as unknown as { _pc: RTCPeerConnection })._pc;
      for (const spec of [...Object.values(PEER_CHANNELS), ...this.extraChannels]) {
        const channel = pc.createDataChannel(spec.label, { negotiated: true, id: spec.id, ordered: spec.ordered });
        channel.binaryType = 'arraybuffer';
        channel.onmessage = (e) => {
          if (spec.label === 'screen') this.onScreen?.(e.data as ArrayBuffer);
          else if (typeof e.data === 'string') (this.received[spec.label] ??= []).push(e.data);
          else this.receivedBytes[spec.label] = (this.receivedBytes[spec.label] ?? 0) + 1;
        };
        this.channels.set(spec.label, channel);
      }
    }
    if (!this.closed) this.peer.signal(payload as Peer.SignalData);
  }

  /** Sends raw text (or bytes) on a channel, valid or not. */
  send(label: string, data: string | Uint8Array): void {
    const channel = this.channels.get(label);
    if (!channel || channel.readyState !== 'open') throw new Error(`channel ${label} is not open`);
    channel.send(data as string);
  }

  input(message: object): void {
    this.send('input', JSON.stringify(message));
  }

  /** Vanishes without a goodbye. */
  destroy(): void {
    this.peer.destroy();
  }
}
