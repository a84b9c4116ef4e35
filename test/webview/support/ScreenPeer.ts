/**
 * The sharer's end of a real WebRTC connection for webview tests when no host process is wanted: a Node
 * simple-peer (@roamhq/wrtc) that sends a real video track of a known colour and speaks the peer protocol
 * on the negotiated control and chat channels, exactly as the host process does.
 */
import Peer from 'simple-peer';
import { PEER_CHANNELS } from '../../../src/protocol/peer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc');

export class ScreenPeer {
  readonly chats: string[] = [];
  readonly controlMessages: unknown[] = [];
  readonly inputs: unknown[] = [];
  readonly annotations: unknown[] = [];
  private readonly peer: Peer.Instance;
  private readonly timer: NodeJS.Timeout;
  private readonly channels = new Map<string, RTCDataChannel>();
  private rgb: [number, number, number];

  constructor(
    sendSignal: (payload: Record<string, unknown>) => void,
    readonly width = 640,
    readonly height = 360,
    rgb: [number, number, number] = [220, 40, 160],
  ) {
    this.rgb = rgb;
    const source = new wrtc.nonstandard.RTCVideoSource({ isScreencast: true });
    const track = source.createTrack();
    const stream = new wrtc.MediaStream([track]);
    this.peer = new Peer({ initiator: true, wrtc, trickle: true, streams: [stream] });
    this.peer.on('signal', (data) => sendSignal(data as unknown as Record<string, unknown>));
    this.openChannels();
    // wrtc never fires `open` on negotiated channels: announce the screen once connected and open.
    this.peer.on('connect', () => this.announceScreen());
    this.peer.on('error', () => undefined);
    // Fresh buffers every frame: wrtc reads the whole underlying buffer (see ENVIRONMENT.md).
    this.timer = setInterval(() => {
      const rgba = new Uint8ClampedArray(width * height * 4);
      for (let i = 0; i < rgba.length; i += 4) {
        rgba[i] = this.rgb[0];
        rgba[i + 1] = this.rgb[1];
        rgba[i + 2] = this.rgb[2];
        rgba[i + 3] = 255;
      }
      const i420 = new Uint8ClampedArray(width * height * 1.5);
      wrtc.nonstandard.rgbaToI420({ width, height, data: rgba }, { width, height, data: i420 });
      source.onFrame({ width, height, data: i420 });
    }, 50);
  }

  setColour(rgb: [number, number, number]): void {
    this.rgb = rgb;
  }

  signal(payload: unknown): void {
    this.peer.signal(payload as Peer.SignalData);
  }

  sendChat(text: string): void {
    this.channels.get('chat')?.send(JSON.stringify({ type: 'chat', text }));
  }

  sendControl(message: object): void {
    this.channels.get('control')?.send(JSON.stringify(message));
  }

  /** Sends raw text or bytes on a channel, valid or not (fuzzing the viewer). */
  send(label: string, data: string | Uint8Array): void {
    const channel = this.channels.get(label);
    if (!channel || channel.readyState !== 'open') throw new Error(`channel ${label} is not open`);
    channel.send(data as string);
  }

  /** Bytes queued on the channels and not yet handed to the network. */
  get bufferedAmount(): number {
    return [...this.channels.values()].reduce((n, c) => n + c.bufferedAmount, 0);
  }

  private openChannels(): void {
    const pc = (this.peer as unknown as { _pc: RTCPeerConnection })._pc;
    for (const spec of Object.values(PEER_CHANNELS)) {
      const channel = pc.createDataChannel(spec.label, { negotiated: true, id: spec.id, ordered: spec.ordered });
      this.channels.set(spec.label, channel);
      channel.onmessage = (e: MessageEvent) => {
        if (spec.label === 'chat') this.chats.push((JSON.parse(String(e.data)) as { text: string }).text);
        if (spec.label === 'control') this.controlMessages.push(JSON.parse(String(e.data)));
        if (spec.label === 'input') this.inputs.push(JSON.parse(String(e.data)));
        if (spec.label === 'annotate') this.annotations.push(JSON.parse(String(e.data)));
      };
    }
  }

  private announceScreen(): void {
    const control = this.channels.get('control')!;
    if (control.readyState !== 'open') {
      setTimeout(() => this.announceScreen(), 20);
      return;
    }
    control.send(JSON.stringify({ type: 'screen', width: this.width, height: this.height }));
  }

  destroy(): void {
    clearInterval(this.timer);
    this.peer.destroy();
  }
}
