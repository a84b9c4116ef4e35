/**
 * The helper's side of Start Talking inside the panel webview, which cannot open a microphone: the
 * extension captures and plays audio in Node, and this bridge turns its microphone PCM into a WebRTC track
 * (AudioWorklet → MediaStreamDestination → simple-peer addTrack) and the sharer's track back into PCM for it.
 * It also carries the handshake on the negotiated voice channel. Everything from either side is validated.
 * In the browser page (no extension) it uses the browser's own audio instead: the microphone from getUserMedia
 * (echo cancellation on) goes on the peer connection as it is, and the sharer's track plays in the page.
 */
import type Peer from 'simple-peer';
import { IDisposable } from '../../common/lifecycle';
import { peerConnection } from '../../common/peerConnection';
import { parseMessage } from '../../protocol/validate';
import { PanelVoiceCommand, PanelVoiceEvent, VOICE_CHANNEL, VOICE_PEER_MAX_BYTES, VoiceErrorCode, VoicePeerMessage } from '../../protocol/voice';
import { decodeChannelMessage } from '../viewer/decode';
import { BrowserMeters } from './BrowserMeters';

export interface VoiceBridgeOptions {
  /** URL of dist/webview/voice-worklet.js (allowed by the page's CSP). */
  readonly workletUrl: string;
  /** Posts an event to the extension. */
  readonly post: (event: PanelVoiceEvent) => void;
  /** The browser page: the browser's microphone and speaker, not the extension's PCM. */
  readonly browserAudio?: boolean;
}

/** Why the browser's microphone did not open (shown to the helper, and the conversation ends). */
class MicrophoneError extends Error {
  constructor(
    readonly code: VoiceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface AudioGraph {
  readonly context: AudioContext;
  readonly source: AudioWorkletNode;
  readonly track: MediaStreamTrack;
}

/**
 * The graph's context. Nothing in it plays on the helper's speaker (the extension does that), so it renders
 * with no output device (`sinkId: { type: 'none' }`, Chromium 110+): an output device drives the graph in
 * its own pulls — PulseAudio's are 12 ms with a 24 ms double pull every few hundred ms — and the microphone
 * source worklet had to hold ~45 ms to ride them out, while the WebRTC encoder, fed in those bursts, sent
 * uneven packets that made the sharer's jitter buffer grow too. With no device it renders steadily every 10 ms.
 * Where the option is unknown (an older engine) the default device drives it, as before.
 */
function voiceContext(): AudioContext {
  const options = { sampleRate: 48_000, latencyHint: 'interactive' as const };
  try {
    return new AudioContext({ ...options, sinkId: { type: 'none' } } as AudioContextOptions);
  } catch {
    return new AudioContext(options);
  }
}

export class VoiceBridge implements IDisposable {
  private readonly channel: RTCDataChannel;
  private graph: Promise<AudioGraph> | undefined;
  private trackAdded = false;
  private open = false;
  private remote:
    | { stream: MediaStream; element: HTMLAudioElement; listening?: boolean; node?: MediaStreamAudioSourceNode; tap?: AudioWorkletNode }
    | undefined;
  private disposed = false;
  /** Browser audio: the track first added to the peer (its sender is reused for later talks) and its stream. */
  private sent: { track: MediaStreamTrack; stream: MediaStream } | undefined;
  /** Browser audio: the microphone track live now. */
  private microphone: MediaStreamTrack | undefined;
  /** Browser audio: the meters while talking. */
  private meters: BrowserMeters | undefined;

  constructor(
    private readonly peer: Peer.Instance,
    private readonly options: VoiceBridgeOptions,
  ) {
    const pc = peerConnection(peer);
    this.channel = pc.createDataChannel(VOICE_CHANNEL.label, { negotiated: true, id: VOICE_CHANNEL.id, ordered: VOICE_CHANNEL.ordered });
    this.channel.onmessage = (e: MessageEvent) => this.receivePeer(e.data);
    peer.on('track', this.onTrack);
  }

  /** A message from the extension. */
  handle(raw: unknown): void {
    let command: PanelVoiceCommand;
    try {
      command = parseMessage(PanelVoiceCommand, raw);
    } catch (err) {
      this.options.post({ type: 'viewerVoiceError', code: 'ERR_VOICE_STATE', message: (err as Error).message.slice(0, 2000) });
      return;
    }
    switch (command.type) {
      case 'viewerVoicePeer':
        if (this.channel.readyState !== 'open') {
          this.options.post({ type: 'viewerVoiceError', code: 'ERR_WEBRTC', message: 'the voice channel is not open' });
        } else {
          this.channel.send(JSON.stringify(command.message));
        }
        return;
      case 'viewerVoiceOpen':
        this.open = true;
        void (this.options.browserAudio ? this.startBrowserAudio() : this.start()).catch((err: Error) =>
          this.options.post({ type: 'viewerVoiceError', code: err instanceof MicrophoneError ? err.code : 'ERR_WEBRTC', message: err.message.slice(0, 2000) }),
        );
        return;
      case 'viewerVoiceMute':
        if (this.microphone) this.microphone.enabled = !command.muted;
        return;
      case 'viewerVoicePcm':
        if (!this.open || !this.graph || this.options.browserAudio) return;
        void this.graph.then((g) => {
          // A copy the worklet can own (the message's bytes may sit at any offset of a larger buffer).
          const pcm = command.pcm.slice();
          g.source.port.postMessage(pcm.buffer, [pcm.buffer]);
        });
        return;
      case 'viewerVoiceClose':
        this.open = false;
        this.stopListening();
        this.stopBrowserAudio();
        return;
    }
  }

  /** The browser's microphone onto the peer connection, and the sharer's voice out of the page's speaker. */
  private async startBrowserAudio(): Promise<void> {
    const media = navigator.mediaDevices as MediaDevices | undefined;
    if (!media?.getUserMedia) {
      throw new MicrophoneError('ERR_NO_MICROPHONE', 'the browser gives a microphone only to pages over https or from this computer');
    }
    let stream: MediaStream;
    try {
      stream = await media.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
    } catch (err) {
      throw new MicrophoneError('ERR_NO_MICROPHONE', `the browser did not open a microphone: ${(err as Error).name}: ${(err as Error).message}`);
    }
    const track = stream.getAudioTracks()[0];
    // Stopped (or closed) while the browser was opening it.
    if (!this.open || this.disposed || !track) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    if (!this.sent) {
      // Added once per session (one renegotiation); later talks put a new microphone track on the same sender.
      this.peer.addTrack(track, stream);
      this.sent = { track, stream };
    } else {
      this.peer.replaceTrack(this.sent.track, track, this.sent.stream);
      this.sent = { track, stream: this.sent.stream };
    }
    this.microphone = track;
    this.meters = new BrowserMeters(stream, (levels) => this.options.post({ type: 'viewerVoiceLevel', ...levels }));
    if (this.remote) {
      this.remote.element.muted = false;
      this.meters.setRemote(this.remote.stream);
    }
    this.options.post({ type: 'viewerVoiceStarted' });
  }

  private stopBrowserAudio(): void {
    this.microphone?.stop();
    this.microphone = undefined;
    this.meters?.dispose();
    this.meters = undefined;
    if (this.remote) this.remote.element.muted = true;
  }

  private async start(): Promise<void> {
    const graph = await this.audioGraph();
    if (graph.context.state === 'suspended') await graph.context.resume();
    if (!this.trackAdded) {
      // Added once per session (one renegotiation); between talks the source plays silence.
      this.trackAdded = true;
      this.peer.addTrack(graph.track, new MediaStream([graph.track]));
    }
    if (this.remote) await this.listen();
  }

  private audioGraph(): Promise<AudioGraph> {
    this.graph ??= (async () => {
      const context = voiceContext();
      await context.audioWorklet.addModule(this.options.workletUrl);
      const source = new AudioWorkletNode(context, 'remote-assist-pcm-source', { numberOfInputs: 0, outputChannelCount: [1] });
      const destination = context.createMediaStreamDestination();
      destination.channelCount = 1;
      source.connect(destination);
      return { context, source, track: destination.stream.getAudioTracks()[0] };
    })();
    return this.graph;
  }

  private readonly onTrack = (track: MediaStreamTrack): void => {
    if (track.kind !== 'audio' || this.disposed) return;
    // The host's voice comes in a stream of its own (not lip-synced to the screen's video).
    const stream = new MediaStream([track]);
    // Older Chromium fed a remote track into Web Audio only while a media element also played it (muted here);
    // 156 does not need it, and without it the sharer's voice came no sooner (bench/voice/README.md, fifth pass).
    const element = new Audio();
    // (in the browser page this element is what the helper hears, while talking)
    element.muted = !this.microphone;
    element.srcObject = stream;
    void element.play().catch(() => undefined);
    this.stopListening();
    this.remote = { stream, element };
    this.meters?.setRemote(stream);
    if (this.open && !this.options.browserAudio) void this.listen();
  };

  private async listen(): Promise<void> {
    const remote = this.remote;
    // Claimed before the first await: start() and a new track may both get here, and two taps would
    // post every frame twice.
    if (!remote || remote.listening) return;
    remote.listening = true;
    const graph = await this.audioGraph();
    if (this.remote !== remote || !remote.listening) return;
    const node = graph.context.createMediaStreamSource(remote.stream);
    const tap = new AudioWorkletNode(graph.context, 'remote-assist-pcm-tap', { numberOfOutputs: 1, outputChannelCount: [1] });
    tap.port.onmessage = (e: MessageEvent<ArrayBuffer>) => {
      if (this.open) this.options.post({ type: 'viewerVoicePcm', pcm: new Uint8Array(e.data) });
    };
    // The graph only runs nodes that lead to the destination; the tap's output is silence.
    node.connect(tap).connect(graph.context.destination);
    remote.node = node;
    remote.tap = tap;
  }

  private stopListening(): void {
    if (!this.remote) return;
    this.remote.node?.disconnect();
    this.remote.tap?.disconnect();
    this.remote.node = undefined;
    this.remote.tap = undefined;
    this.remote.listening = false;
  }

  private receivePeer(data: unknown): void {
    try {
      const message = decodeChannelMessage(VoicePeerMessage, data, VOICE_PEER_MAX_BYTES);
      this.options.post({ type: 'viewerVoicePeer', message });
    } catch (err) {
      this.options.post({ type: 'viewerVoiceError', code: 'ERR_WEBRTC', message: `the sharer sent an invalid voice message: ${(err as Error).message}`.slice(0, 2000) });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.open = false;
    this.microphone?.stop();
    this.meters?.dispose();
    this.peer.off('track', this.onTrack);
    this.stopListening();
    if (this.remote) this.remote.element.srcObject = null;
    this.channel.onmessage = null;
    void this.graph?.then((g) => {
      g.track.stop();
      void g.context.close();
    });
  }
}
