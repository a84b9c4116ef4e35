/**
 * Voice (Start Talking) messages on three seams: peer to peer on the negotiated `voice` data channel, the
 * extension ↔ host process IPC (sharer side), and extension ↔ panel webview (helper side). Audio itself
 * travels as a WebRTC Opus track inside the session's one peer connection; these carry only the handshake,
 * mute state, meter levels and, on the helper's machine, microphone PCM from the extension to the webview.
 */
import { z } from 'zod';
import { PEER_CHANNEL_RESERVED } from './peer';

/** Negotiated data channel for the handshake (id from the voice range 30–39). */
export const VOICE_CHANNEL = { label: 'voice', id: PEER_CHANNEL_RESERVED.voice[0], ordered: true } as const;

/** Between the two machines: either side asks, the other answers, either side stops. */
export const VoicePeerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('talkRequest') }),
  z.object({ type: z.literal('talkAnswer'), accept: z.boolean() }),
  z.object({ type: z.literal('talkStop') }),
  /** Shown to the other user ("Alice muted her microphone"). */
  z.object({ type: z.literal('talkMuted'), muted: z.boolean() }),
]);
export type VoicePeerMessage = z.infer<typeof VoicePeerMessage>;
export const VOICE_PEER_MAX_BYTES = 256;

/**
 * A device name as the audio system spells it; '' = the system default. Windows and macOS name devices in
 * words ("Microphone (USB Audio)"), so any text without control characters that does not start like an
 * option; the PulseAudio backend, which passes names to parec/pacat, checks its stricter form itself.
 */
// eslint-disable-next-line no-control-regex
export const AudioDeviceName = z.string().max(200).regex(/^(|[^\s\-\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*)$/);
export const MicMode = z.enum(['open', 'pushToTalk']);
export const Level = z.number().min(0).max(1);

export const VoiceErrorCode = z.enum([
  'ERR_NO_AUDIO_SYSTEM',
  'ERR_NO_MICROPHONE',
  'ERR_NO_SPEAKER',
  'ERR_DEVICE_NOT_FOUND',
  'ERR_BAD_DEVICE_NAME',
  'ERR_ECHO_CANCEL',
  'ERR_AUDIO_PROCESS',
  'ERR_VOICE_STATE',
  'ERR_WEBRTC',
]);
export type VoiceErrorCode = z.infer<typeof VoiceErrorCode>;

/** Name of the voice service in the host IPC's `service` envelope (src/protocol/host.ts). */
export const VOICE_SERVICE = 'voice';

/** Extension → host process. The extension decides consent; `voiceStart` means the sharer agreed. */
export const HostVoiceCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('voiceStart'),
    input: AudioDeviceName.default(''),
    output: AudioDeviceName.default(''),
    echoCancel: z.boolean().default(true),
    micMode: MicMode.default('open'),
  }),
  z.object({ type: z.literal('voiceStop') }),
  z.object({ type: z.literal('voiceMute'), muted: z.boolean() }),
  /** Push-to-talk key state. */
  z.object({ type: z.literal('voiceTalkKey'), held: z.boolean() }),
  /** Send a handshake message to the helper. */
  z.object({ type: z.literal('voicePeer'), message: VoicePeerMessage }),
]);
export type HostVoiceCommand = z.input<typeof HostVoiceCommand>;

/** Host process → extension. */
export const HostVoiceEvent = z.discriminatedUnion('type', [
  /** A handshake message from the helper, already validated. */
  z.object({ type: z.literal('voicePeer'), message: VoicePeerMessage }),
  z.object({ type: z.literal('voiceStarted'), input: z.string().max(200), output: z.string().max(200), echoCancel: z.boolean() }),
  z.object({ type: z.literal('voiceStopped') }),
  /** Meter readings, about 10 per second while talking. */
  z.object({ type: z.literal('voiceLevel'), local: Level, remote: Level }),
  z.object({ type: z.literal('voiceError'), code: VoiceErrorCode, message: z.string().max(2000) }),
]);
export type HostVoiceEvent = z.infer<typeof HostVoiceEvent>;

/** One 10 ms frame of 48 kHz mono s16le (src/common/audio/AudioFormat.ts FRAME_BYTES). */
export const VOICE_FRAME_BYTES = 960;
/** At most 100 ms of audio per PCM message. */
export const VOICE_PCM_MAX_BYTES = 10 * VOICE_FRAME_BYTES;
/**
 * PCM crosses the webview boundary as a Uint8Array (VS Code transfers typed arrays as binary; base64 text
 * cost an encode, a decode and a third more bytes on every 10 ms frame): whole frames, at most 100 ms.
 */
const PcmBytes = z
  .instanceof(Uint8Array)
  .refine((b) => b.byteLength > 0 && b.byteLength <= VOICE_PCM_MAX_BYTES && b.byteLength % VOICE_FRAME_BYTES === 0, `whole 10 ms frames (${VOICE_FRAME_BYTES} bytes each), at most ${VOICE_PCM_MAX_BYTES} bytes`);

/** Extension → panel webview (helper side); named like the panel's other viewer messages. */
export const PanelVoiceCommand = z.discriminatedUnion('type', [
  /** Add a local audio track fed by voicePcm to the peer connection, and play the sharer's track. */
  z.object({ type: z.literal('viewerVoiceOpen') }),
  /** Helper's microphone: s16le 48 kHz mono, whole 10 ms frames. */
  z.object({ type: z.literal('viewerVoicePcm'), pcm: PcmBytes }),
  z.object({ type: z.literal('viewerVoiceClose') }),
  /** The browser page's own microphone track (the extension's is muted in Node, not in the panel). */
  z.object({ type: z.literal('viewerVoiceMute'), muted: z.boolean() }),
  /** Send a handshake message to the sharer. */
  z.object({ type: z.literal('viewerVoicePeer'), message: VoicePeerMessage }),
]);
export type PanelVoiceCommand = z.infer<typeof PanelVoiceCommand>;

/** Panel webview → extension (helper side). */
export const PanelVoiceEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('viewerVoicePeer'), message: VoicePeerMessage }),
  /** What the helper hears from the sharer, for playback in Node on the chosen (echo-cancelled) speaker. */
  z.object({ type: z.literal('viewerVoicePcm'), pcm: PcmBytes }),
  z.object({ type: z.literal('viewerVoiceError'), code: VoiceErrorCode, message: z.string().max(2000) }),
  /** The browser page's microphone is open and its track is on the peer connection (the page only). */
  z.object({ type: z.literal('viewerVoiceStarted') }),
  /** The browser page's meter readings (its audio does not pass through the extension). */
  z.object({ type: z.literal('viewerVoiceLevel'), local: Level, remote: Level }),
]);
export type PanelVoiceEvent = z.infer<typeof PanelVoiceEvent>;
