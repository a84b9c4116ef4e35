/**
 * The host process's voice service (sharer side). The extension decides consent and sends HostVoiceCommands;
 * this service relays the handshake over the `voice` data channel, and only between voiceStart and voiceStop
 * sends the microphone as an Opus track and plays the helper's track: nothing is heard before the sharer agreed.
 */
import type SimplePeer from 'simple-peer';
import { LocalTalk } from '../../common/audio/LocalTalk';
import type { LocalVoice } from '../../common/audio/LocalVoice';
import { IDisposable } from '../../common/lifecycle';
import { ProtocolError, decodeMessage, parseMessage } from '../../protocol/validate';
import {
  HostVoiceCommand,
  HostVoiceEvent,
  VOICE_PEER_MAX_BYTES,
  VoicePeerMessage,
} from '../../protocol/voice';
import { AudioTrackReceiver } from './AudioTrackReceiver';
import { AudioTrackSender } from './AudioTrackSender';
import { VoiceTrace } from '../../common/audio/VoiceTrace';
import { WrtcAudio, loadWrtcAudio } from './WrtcAudio';

/** Handshake messages the helper may send per second; more are dropped (a prompt flood is an attack). */
const PEER_MESSAGES_PER_SECOND = 10;

export interface HostVoiceOptions {
  /** Audio server environment (PULSE_SERVER); defaults to the process's. */
  readonly env?: NodeJS.ProcessEnv;
  readonly wrtc?: WrtcAudio;
}

/** The voice data channel as the host's ChannelPort offers it. */
export interface VoicePort {
  onMessage(listener: (data: string | ArrayBuffer) => void): IDisposable;
  send(data: string): boolean;
  readonly isOpen: boolean;
}

export class HostVoice {
  private readonly wrtc: WrtcAudio;
  private readonly talk: LocalTalk;
  private sender: AudioTrackSender | undefined;
  private receiver: AudioTrackReceiver | undefined;
  private readonly subscriptions: IDisposable[] = [];
  private windowStart = 0;
  private windowCount = 0;
  private traceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly peer: SimplePeer.Instance,
    private readonly port: VoicePort,
    private readonly emit: (event: HostVoiceEvent) => void,
    options: HostVoiceOptions = {},
  ) {
    this.wrtc = options.wrtc ?? loadWrtcAudio();
    this.talk = new LocalTalk({ emit, env: options.env, opened: (voice) => this.send(voice) });
    const onTrack = (track: MediaStreamTrack) => {
      if (track.kind === 'audio') this.listen(track);
    };
    peer.on('track', onTrack);
    this.subscriptions.push({ dispose: () => peer.off('track', onTrack) });
    this.subscriptions.push(port.onMessage((data) => this.receivePeer(data)));
  }

  /** Applies a command from the extension (validated here too: the IPC is a process boundary). */
  async handle(raw: unknown): Promise<void> {
    let command: ReturnType<typeof HostVoiceCommand.parse>;
    try {
      command = parseMessage(HostVoiceCommand, raw);
    } catch (err) {
      this.emit({ type: 'voiceError', code: 'ERR_VOICE_STATE', message: (err as Error).message });
      return;
    }
    if (command.type !== 'voicePeer') return this.talk.apply(command);
    if (!this.port.isOpen) this.emit({ type: 'voiceError', code: 'ERR_WEBRTC', message: 'the voice channel is not open' });
    else this.port.send(JSON.stringify(command.message));
  }

  /** The microphone goes out as an Opus track, added once per session; between talks it gets no frames. */
  private send(voice: LocalVoice): void {
    if (!this.sender) {
      this.sender = new AudioTrackSender(this.wrtc);
      // A stream of its own, not the screen's: tracks of one stream are lip-synced by the receiver, which
      // would hold the voice back as long as the screen's video takes to decode and draw (hundreds of ms on
      // a busy machine). The viewer takes its video only from a stream that has video (RemoteViewer).
      this.peer.addTrack(this.sender.track, this.sender.stream);
    }
    const sender = this.sender;
    voice.onMicFrame((frame) => sender.push(frame));
  }

  /**
   * Reads the helper's track from the moment it exists, so WebRTC's jitter buffer never backs up (a sink
   * attached late started seconds behind); frames reach the speaker only while talking.
   */
  private listen(track: MediaStreamTrack): void {
    this.receiver?.dispose();
    const receiver = new AudioTrackReceiver(this.wrtc, track);
    receiver.onFrame((frame) => this.talk.current?.play(frame));
    this.receiver = receiver;
    this.traceJitterBuffer();
  }

  private traceJitterBuffer(): void {
    const trace = VoiceTrace.at('hostJitterBuffer');
    if (!trace || this.traceTimer) return;
    const pc = (this.peer as unknown as { _pc: RTCPeerConnection })._pc;
    let last = { delay: 0, emitted: 0 };
    this.traceTimer = setInterval(() => {
      void pc.getStats().then((report) => {
        report.forEach((s: { type: string; kind?: string; jitterBufferDelay?: number; jitterBufferEmittedCount?: number }) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          const now = { delay: s.jitterBufferDelay ?? 0, emitted: s.jitterBufferEmittedCount ?? 0 };
          if (now.emitted > last.emitted) trace.value(((now.delay - last.delay) / (now.emitted - last.emitted)) * 1000);
          last = now;
        });
      }, () => undefined);
    }, 250);
  }

  private receivePeer(data: unknown): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > PEER_MESSAGES_PER_SECOND) return;
    let message: VoicePeerMessage;
    try {
      if (typeof data !== 'string') throw new ProtocolError('ERR_MALFORMED', 'voice messages are JSON text');
      message = decodeMessage(VoicePeerMessage, data, VOICE_PEER_MAX_BYTES);
    } catch (err) {
      this.emit({ type: 'voiceError', code: 'ERR_WEBRTC', message: `helper sent an invalid voice message: ${(err as Error).message}` });
      return;
    }
    this.emit({ type: 'voicePeer', message });
  }

  async dispose(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    clearInterval(this.traceTimer);
    await this.talk.dispose();
    this.receiver?.dispose();
    this.sender?.dispose();
  }
}
