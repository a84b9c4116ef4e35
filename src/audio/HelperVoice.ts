/**
 * The helper's side of Start Talking, in the extension host: the helper's microphone and speaker are opened
 * here in Node (the panel webview cannot open a microphone) and bridged to the panel, whose peer carries the
 * audio as a WebRTC track. It speaks the same commands and events as the sharer's HostVoice, so one talk
 * controller drives either side.
 */
import { Emitter } from '../common/lifecycle';
import { FRAME_BYTES, FRAME_SAMPLES, PcmFrame } from '../common/audio/AudioFormat';
import { LocalTalk } from '../common/audio/LocalTalk';
import type { VoiceEndpoint } from '../common/audio/TalkController';
import { parseMessage } from '../protocol/validate';
import { HostVoiceCommand, HostVoiceEvent, PanelVoiceCommand, PanelVoiceEvent } from '../protocol/voice';

export interface HelperVoiceOptions {
  readonly env?: NodeJS.ProcessEnv;
}

export class HelperVoice implements VoiceEndpoint {
  private readonly talk: LocalTalk;
  private readonly _onEvent = new Emitter<HostVoiceEvent>();
  /** What happened, for the talk controller. */
  readonly onEvent = this._onEvent.event;

  constructor(
    /** Posts a command to the panel webview. */
    private readonly toPanel: (command: PanelVoiceCommand) => void,
    options: HelperVoiceOptions = {},
  ) {
    this.talk = new LocalTalk({
      emit: (event) => this.emit(event),
      env: options.env,
      opened: (voice) => {
        this.toPanel({ type: 'viewerVoiceOpen' });
        voice.onMicFrame((frame) => this.toPanel({ type: 'viewerVoicePcm', pcm: Uint8Array.from(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)) }));
      },
      closing: () => this.toPanel({ type: 'viewerVoiceClose' }),
    });
  }

  send(command: HostVoiceCommand): void {
    void this.handle(command);
  }

  private emit(event: HostVoiceEvent): void {
    this._onEvent.fire(event);
  }

  /** A command from the talk controller (same shapes as the sharer's host); resolves when applied. */
  async handle(raw: HostVoiceCommand): Promise<void> {
    const command = parseMessage(HostVoiceCommand, raw);
    if (command.type === 'voicePeer') this.toPanel({ type: 'viewerVoicePeer', message: command.message });
    else return this.talk.apply(command);
  }

  /** A message from the panel webview (untrusted until validated). */
  receive(raw: unknown): void {
    let event: PanelVoiceEvent;
    try {
      event = parseMessage(PanelVoiceEvent, raw);
    } catch (err) {
      this.emit({ type: 'voiceError', code: 'ERR_WEBRTC', message: (err as Error).message.slice(0, 2000) });
      return;
    }
    switch (event.type) {
      case 'viewerVoicePeer':
        this.emit({ type: 'voicePeer', message: event.message });
        return;
      case 'viewerVoicePcm': {
        const voice = this.talk.current;
        if (voice) for (const frame of framesOf(event.pcm)) voice.play(frame);
        return;
      }
      case 'viewerVoiceError':
        this.emit({ type: 'voiceError', code: event.code, message: event.message });
        return;
      case 'viewerVoiceStarted':
      case 'viewerVoiceLevel':
        // Only the browser page's own audio reports these; here LocalTalk starts and measures the audio.
        return;
    }
  }

  async dispose(): Promise<void> {
    await this.talk.dispose();
    this._onEvent.dispose();
  }
}

/** The 10 ms frames of a PCM message (validated: whole frames), each in its own buffer. */
function framesOf(bytes: Uint8Array): PcmFrame[] {
  const frames: PcmFrame[] = [];
  for (let offset = 0; offset + FRAME_BYTES <= bytes.byteLength; offset += FRAME_BYTES) {
    const frame = new Int16Array(FRAME_SAMPLES);
    new Uint8Array(frame.buffer).set(bytes.subarray(offset, offset + FRAME_BYTES));
    frames.push(frame);
  }
  return frames;
}
