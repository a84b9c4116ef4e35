/**
 * The helper's side of Start Talking in the browser page: what HelperVoice is in the extension, with the
 * browser's own audio. The panel's VoiceBridge opens the microphone (getUserMedia, echo cancellation on), puts
 * its track on the page's RTCPeerConnection and plays the sharer's track; this turns the talk controller's
 * commands into the panel's and the panel's reports into the controller's events. Everything is validated.
 */
import { Emitter } from '../common/lifecycle';
import { parseMessage } from '../protocol/validate';
import { HostVoiceCommand, HostVoiceEvent, PanelVoiceCommand, PanelVoiceEvent } from '../protocol/voice';
import type { VoiceEndpoint } from '../common/audio/TalkController';

export class BrowserVoice implements VoiceEndpoint {
  private readonly _onEvent = new Emitter<HostVoiceEvent>();
  readonly onEvent = this._onEvent.event;
  /** Between voiceStart and voiceStop. */
  private running = false;

  constructor(private readonly toPanel: (command: PanelVoiceCommand) => void) {}

  send(raw: HostVoiceCommand): void {
    const command = parseMessage(HostVoiceCommand, raw);
    switch (command.type) {
      case 'voicePeer':
        return this.toPanel({ type: 'viewerVoicePeer', message: command.message });
      case 'voiceStart':
        // The browser chooses the devices (the page has no settings for them) and always cancels echo.
        this.running = true;
        return this.toPanel({ type: 'viewerVoiceOpen' });
      case 'voiceStop':
        if (!this.running) return;
        this.running = false;
        this.toPanel({ type: 'viewerVoiceClose' });
        return this._onEvent.fire({ type: 'voiceStopped' });
      case 'voiceMute':
        return this.toPanel({ type: 'viewerVoiceMute', muted: command.muted });
      case 'voiceTalkKey':
        // The page talks with an open microphone: there is no push-to-talk key to press.
        return;
    }
  }

  /** A report from the panel (untrusted until validated). */
  receive(raw: unknown): void {
    let event: PanelVoiceEvent;
    try {
      event = parseMessage(PanelVoiceEvent, raw);
    } catch (err) {
      this._onEvent.fire({ type: 'voiceError', code: 'ERR_WEBRTC', message: (err as Error).message.slice(0, 2000) });
      return;
    }
    switch (event.type) {
      case 'viewerVoicePeer':
        return this._onEvent.fire({ type: 'voicePeer', message: event.message });
      case 'viewerVoiceStarted':
        if (this.running) this._onEvent.fire({ type: 'voiceStarted', input: 'browser', output: 'browser', echoCancel: true });
        return;
      case 'viewerVoiceError':
        return this._onEvent.fire({ type: 'voiceError', code: event.code, message: event.message });
      case 'viewerVoiceLevel':
        if (this.running) this._onEvent.fire({ type: 'voiceLevel', local: event.local, remote: event.remote });
        return;
      case 'viewerVoicePcm':
        // The page plays the sharer's track itself; PCM is the extension's path only.
        return;
    }
  }

  dispose(): void {
    if (this.running) this.toPanel({ type: 'viewerVoiceClose' });
    this.running = false;
    this._onEvent.dispose();
  }
}
