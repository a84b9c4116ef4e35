/**
 * This machine's half of Start Talking, the same on both sides: opens the microphone and speaker on
 * voiceStart, closes them on voiceStop, applies mute and push-to-talk, and reports what happened as
 * HostVoiceEvents. The transport is the caller's: the sharer's HostVoice carries the audio as a wrtc track,
 * the helper's HelperVoice bridges it to the panel webview.
 */
import type { z } from 'zod';
import type { HostVoiceCommand, HostVoiceEvent } from '../../protocol/voice';
import { AudioError } from './AudioError';
import { LocalVoice } from './LocalVoice';

type Command = z.output<typeof HostVoiceCommand>;
/** The commands LocalTalk applies; `voicePeer` (the handshake) is the transport's. */
export type TalkCommand = Exclude<Command, { type: 'voicePeer' }>;

export interface LocalTalkOptions {
  readonly emit: (event: HostVoiceEvent) => void;
  /** Microphone and speaker are open: connect them to the transport. */
  readonly opened: (voice: LocalVoice) => void;
  /** They are about to close. */
  readonly closing?: () => void;
  /** Audio server environment (PULSE_SERVER); defaults to the process's. */
  readonly env?: NodeJS.ProcessEnv;
}

export class LocalTalk {
  private voice: LocalVoice | undefined;
  private starting: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly options: LocalTalkOptions) {}

  /** The open microphone and speaker, between voiceStarted and voiceStopped. */
  get current(): LocalVoice | undefined {
    return this.voice;
  }

  /** Resolves when the command is applied. */
  async apply(command: TalkCommand): Promise<void> {
    switch (command.type) {
      case 'voiceStart':
        if (this.voice || this.starting) return;
        this.starting = this.start(command).finally(() => (this.starting = undefined));
        return this.starting;
      case 'voiceStop':
        await this.starting;
        return this.stop(true);
      case 'voiceMute':
        this.voice?.gate.setMuted(command.muted);
        return;
      case 'voiceTalkKey':
        this.voice?.gate.setTalkHeld(command.held);
        return;
    }
  }

  private async start(command: Extract<Command, { type: 'voiceStart' }>): Promise<void> {
    let voice: LocalVoice;
    try {
      voice = await LocalVoice.open({ ...command, env: this.options.env });
    } catch (err) {
      const code = err instanceof AudioError ? err.code : 'ERR_AUDIO_PROCESS';
      this.options.emit({ type: 'voiceError', code, message: (err as Error).message });
      return;
    }
    if (this.disposed) return void voice.dispose();
    this.voice = voice;
    this.options.opened(voice);
    voice.onLevels((levels) => this.options.emit({ type: 'voiceLevel', ...levels }));
    voice.onDidFail((err) => {
      this.options.emit({ type: 'voiceError', code: err.code, message: err.message });
      void this.stop(true);
    });
    this.options.emit({ type: 'voiceStarted', ...voice.devices });
  }

  private async stop(report: boolean): Promise<void> {
    const voice = this.voice;
    this.voice = undefined;
    if (!voice) return;
    this.options.closing?.();
    await voice.dispose();
    if (report) this.options.emit({ type: 'voiceStopped' });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.starting;
    await this.stop(false);
  }
}
