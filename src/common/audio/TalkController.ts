/**
 * Start Talking on one side of a session, whichever side: asks the other side (or asks the user when the
 * other side asks), starts and stops the local audio, mute and push-to-talk, and writes the chat history.
 * It drives a VoiceEndpoint — the sharer's host process (HostVoice behind the supervisor) or the helper's
 * HelperVoice — with the same commands and events. Consent is this side's: audio starts only after our Accept
 * or the other side's Accept of our request, and anything the peer sends out of turn is refused.
 */
import { IDisposable, DisposableStore, Emitter, Event } from '../lifecycle';
import { Logger } from '../logger';
import { HostVoiceCommand, HostVoiceEvent, VoicePeerMessage } from '../../protocol/voice';
import { MicMode } from './MicGate';
import { VoiceCallInput, VoiceCallPhase, VoiceCallState, VoiceCallStateError } from './VoiceCallState';
import { VoiceTexts } from './VoiceTexts';

export interface VoiceEndpoint {
  send(command: HostVoiceCommand): void;
  readonly onEvent: Event<HostVoiceEvent>;
}

/** Builds a session's talk controller; the extension supplies prompts, settings and where errors show. */
export type TalkFactory = (peerName: string, endpoint: VoiceEndpoint, history: (line: string) => void) => TalkController;

export interface VoiceSettings {
  readonly input: string;
  readonly output: string;
  readonly echoCancel: boolean;
  readonly micMode: MicMode;
}

export interface TalkControllerOptions {
  readonly peerName: string;
  readonly endpoint: VoiceEndpoint;
  /** Read when talking starts, so a settings change applies to the next conversation. */
  readonly settings: () => VoiceSettings;
  /** Accept (true) / Decline (false) for the other side's request. */
  readonly askToTalk: (peerName: string) => Promise<boolean>;
  /** A line for the session's chat history. */
  readonly history: (line: string) => void;
  /** An error the user must see (no microphone, no audio system, …). */
  readonly showError: (message: string) => void;
  /** How a failure reads (default: VoiceTexts.failed, which points at the extension's settings). */
  readonly failedText?: (code: string, detail: string) => string;
  readonly log: Logger;
}

export interface TalkView {
  readonly phase: VoiceCallPhase;
  /** Our audio is running (after Accept, until stopped). */
  readonly live: boolean;
  readonly muted: boolean;
  readonly peerMuted: boolean;
  readonly micMode: MicMode;
  /** Push-to-talk: the talk key is down. */
  readonly talkHeld: boolean;
  /** Meter readings 0..1. */
  readonly local: number;
  readonly remote: number;
}

export class TalkController implements IDisposable {
  private readonly state = new VoiceCallState();
  private readonly store = new DisposableStore();
  private readonly _onDidChange = new Emitter<TalkView>();
  readonly onDidChange = this._onDidChange.event;
  private view: TalkView = { phase: 'idle', live: false, muted: false, peerMuted: false, micMode: 'open', talkHeld: false, local: 0, remote: 0 };

  constructor(private readonly options: TalkControllerOptions) {
    this.store.add(options.endpoint.onEvent((event) => this.onEndpoint(event)));
  }

  get current(): TalkView {
    return this.view;
  }

  /** Start Talking: asks the other side. */
  start(): void {
    this.step('localStart');
    this.options.history(VoiceTexts.asking(this.options.peerName));
    this.sendPeer({ type: 'talkRequest' });
  }

  /** Stop Talking (also withdraws a pending request). */
  stop(): void {
    if (this.state.phase === 'idle') return;
    const wasTalking = this.state.phase === 'talking';
    this.step('localStop');
    this.sendPeer({ type: 'talkStop' });
    this.stopAudio();
    if (wasTalking) this.options.history(VoiceTexts.stopped);
  }

  setMuted(muted: boolean): void {
    if (this.state.phase !== 'talking') return;
    this.options.endpoint.send({ type: 'voiceMute', muted });
    this.sendPeer({ type: 'talkMuted', muted });
    this.update({ muted });
  }

  /** Push-to-talk key down/up (ignored unless the conversation uses push-to-talk). */
  setTalkKey(held: boolean): void {
    if (this.state.phase !== 'talking') return;
    this.options.endpoint.send({ type: 'voiceTalkKey', held });
    this.update({ talkHeld: held });
  }

  /** The session ended: audio stops without a message to a peer that is gone. */
  reset(): void {
    if (this.state.phase === 'talking') this.options.history(VoiceTexts.stopped);
    this.state.apply('reset');
    this.stopAudio();
  }

  private onEndpoint(event: HostVoiceEvent): void {
    switch (event.type) {
      case 'voicePeer':
        return void this.onPeer(event.message).catch((err) => this.options.log.error(`voice: ${(err as Error).message}`));
      case 'voiceStarted':
        if (this.state.phase !== 'talking') return;
        this.update({ live: true });
        this.options.history(VoiceTexts.started(this.options.peerName));
        if (!event.echoCancel && this.options.settings().echoCancel) this.options.history(VoiceTexts.noEchoCancel);
        return;
      case 'voiceStopped':
        this.update({ live: false, local: 0, remote: 0 });
        return;
      case 'voiceLevel':
        this.update({ local: event.local, remote: event.remote });
        return;
      case 'voiceError':
        this.options.log.warn(`voice: ${event.code} ${event.message}`);
        if (event.code === 'ERR_VOICE_STATE' || event.code === 'ERR_WEBRTC') return;
        // Our audio could not start or broke: say why, and end the conversation on both sides.
        this.options.showError((this.options.failedText ?? VoiceTexts.failed)(event.code, event.message));
        if (this.state.phase !== 'idle') this.stop();
        return;
    }
  }

  private async onPeer(message: VoicePeerMessage): Promise<void> {
    const peer = this.options.peerName;
    switch (message.type) {
      case 'talkRequest': {
        if (!this.tryStep('remoteStart')) return;
        const accepted = await this.options.askToTalk(peer);
        // The other side may have withdrawn while the prompt was open.
        if (this.state.phase !== 'asked') return;
        if (!accepted) {
          this.step('localDecline');
          this.sendPeer({ type: 'talkAnswer', accept: false });
          this.options.history(VoiceTexts.youDeclined(peer));
          return;
        }
        this.step('localAccept');
        this.sendPeer({ type: 'talkAnswer', accept: true });
        this.startAudio();
        return;
      }
      case 'talkAnswer':
        if (!this.tryStep(message.accept ? 'remoteAccept' : 'remoteDecline')) return;
        if (message.accept) this.startAudio();
        else this.options.history(VoiceTexts.declinedBy(peer));
        return;
      case 'talkStop': {
        const wasTalking = this.state.phase === 'talking';
        if (!this.tryStep('remoteStop')) return;
        this.stopAudio();
        if (wasTalking) this.options.history(VoiceTexts.stoppedBy(peer));
        return;
      }
      case 'talkMuted':
        if (this.state.phase !== 'talking') return;
        this.update({ peerMuted: message.muted });
        this.options.history(VoiceTexts.peerMuted(peer, message.muted));
        return;
    }
  }

  private startAudio(): void {
    let settings: VoiceSettings;
    try {
      settings = this.options.settings();
    } catch (err) {
      // A bad setting: say which, and end the conversation rather than start with a guess.
      const code = (err as { code?: string }).code ?? 'ERR_BAD_DEVICE_NAME';
      this.options.showError((this.options.failedText ?? VoiceTexts.failed)(code, (err as Error).message));
      this.stop();
      return;
    }
    this.update({ muted: false, peerMuted: false, micMode: settings.micMode, talkHeld: false });
    this.options.endpoint.send({ type: 'voiceStart', ...settings });
  }

  private stopAudio(): void {
    this.options.endpoint.send({ type: 'voiceStop' });
    this.update({ live: false, local: 0, remote: 0, muted: false, peerMuted: false });
  }

  private sendPeer(message: VoicePeerMessage): void {
    this.options.endpoint.send({ type: 'voicePeer', message });
  }

  /** A step the user asked for: an illegal one is the caller's error (e.g. Start Talking twice). */
  private step(input: VoiceCallInput): void {
    this.state.apply(input);
    this.update({});
  }

  /** A step the peer asked for: out of turn means a confused or hostile peer; refused and logged. */
  private tryStep(input: VoiceCallInput): boolean {
    try {
      this.step(input);
      return true;
    } catch (err) {
      if (!(err instanceof VoiceCallStateError)) throw err;
      this.options.log.warn(`voice: refused ${input} from ${this.options.peerName} while ${err.phase}`);
      return false;
    }
  }

  private update(change: Partial<TalkView>): void {
    this.view = { ...this.view, ...change, phase: this.state.phase };
    this._onDidChange.fire(this.view);
  }

  dispose(): void {
    if (this.state.phase !== 'idle') this.reset();
    this.store.dispose();
    this._onDidChange.dispose();
  }
}
