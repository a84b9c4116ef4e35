/** What users read about voice, in the chat history and prompts (one place, so tests can hold them). */
import { AUDIO_ERROR_HINTS, AudioErrorCode } from './AudioError';

export const VoiceTexts = {
  notConnected: 'Start Talking is available once you are connected.',
  notTalking: 'There is no voice conversation to mute.',
  answerTheQuestion: (peer: string) => `${peer} asked to talk with you: answer that question to start talking.`,
  askToTalk: (peer: string) => `${peer} wants to start a voice conversation. Do you want to accept?`,
  asking: (peer: string) => `Waiting for ${peer} to accept the voice conversation…`,
  started: (peer: string) => `Voice conversation with ${peer} started.`,
  stopped: 'Voice conversation ended.',
  stoppedBy: (peer: string) => `${peer} ended the voice conversation.`,
  declinedBy: (peer: string) => `${peer} declined the voice conversation.`,
  youDeclined: (peer: string) => `You declined the voice conversation with ${peer}.`,
  /** Echo cancellation was asked for and this computer's audio has none (RtAudio on Windows and macOS). */
  noEchoCancel: 'Echo cancellation is not available on this computer: use a headset, or push-to-talk, so the other side does not hear itself.',
  peerMuted: (peer: string, muted: boolean) => (muted ? `${peer} muted the microphone.` : `${peer} unmuted the microphone.`),
  /** The browser page: no settings to point at, only the browser's own permission. */
  browserFailed: (code: string, detail: string) =>
    code === 'ERR_NO_MICROPHONE'
      ? `No microphone for the voice conversation (${detail}). Allow the microphone for this page, or help from VS Code.`
      : `The voice conversation failed (${detail}).`,
  failed: (code: string, detail: string) =>
    `${code in AUDIO_ERROR_HINTS ? AUDIO_ERROR_HINTS[code as AudioErrorCode] : 'Voice failed.'} (${detail})`,
} as const;
