/**
 * Extension ↔ webview messages (panel and sidebar chat view). The webview posts `WebviewMessage`s; the
 * extension posts `ExtensionMessage`s; each side validates what it receives with `parseMessage`.
 * Messages that expect an answer carry a `requestId`; the extension answers each with one `reply`.
 */
import { z } from 'zod';
import { CLIPBOARD_TEXT_MAX_CHARS, PeerClipboardMessage } from './clipboard';
import { PanelFilesCommand, PanelFilesEvent } from './files';
import { ConnectionPath, IceServers } from './ice';
import { ScreenHiddenReason } from './peer';
import { PanelVoiceCommand, PanelVoiceEvent } from './voice';

/** Upper bound on one chat message, in characters (the peer protocol allows the same). */
export const CHAT_TEXT_MAX = 4000;
/** Upper bound on the history one `state` message carries. */
export const HISTORY_MAX_ENTRIES = 2000;

export const ChatText = z.string().trim().min(1).max(CHAT_TEXT_MAX);
export const RequestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const SignalPayload = z.record(z.string(), z.unknown());

/** One line of a session's history: a chat message or a status line ("Screen View Only"). */
export const ChatEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    /** Who wrote it, from this side's point of view. */
    from: z.enum(['me', 'peer']),
    author: z.string().max(128),
    text: z.string().min(1).max(CHAT_TEXT_MAX),
    at: z.number().int().min(0),
    /** Sharer's chat only: spans of `text` that name a file in the sharer's workspace (src/pointing/). */
    codeLinks: z.array(z.object({ start: z.number().int().min(0).max(CHAT_TEXT_MAX), end: z.number().int().min(1).max(CHAT_TEXT_MAX) })).max(20).optional(),
  }),
  z.object({
    kind: z.literal('status'),
    text: z.string().min(1).max(1000),
    at: z.number().int().min(0),
    /** A completed file transfer's SHA-256 (hex), kept for the session's record (Export Session…). */
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  }),
]);
export type ChatEntry = z.infer<typeof ChatEntry>;

export const ToolbarAction = z.enum(['takeControl', 'stopControl', 'sendFile', 'startTalking', 'toggleMute', 'settings', 'disconnect', 'help']);
export type ToolbarAction = z.infer<typeof ToolbarAction>;

export const SessionRole = z.enum(['sharer', 'helper']);
export type SessionRole = z.infer<typeof SessionRole>;
export const SessionPhase = z.enum(['consent', 'connecting', 'connected', 'reconnecting', 'ended']);
export type SessionPhase = z.infer<typeof SessionPhase>;
export const ControlPhase = z.enum(['viewOnly', 'requested', 'granted']);
export type ControlPhase = z.infer<typeof ControlPhase>;

/** What a webview shows of the session. */
export const SessionView = z.object({
  sessionId: z.string().max(128),
  role: SessionRole,
  peerName: z.string().max(128),
  phase: SessionPhase,
  control: ControlPhase,
  statusLine: z.string().max(500),
  history: z.array(ChatEntry).max(HISTORY_MAX_ENTRIES),
  /** The live peer connection's verification code ("123 456"), once known; both sides show the same. */
  verificationCode: z.string().regex(/^\d{3} \d{3}$/).optional(),
  /** A timed grant's end on this side's clock (ms since the epoch), while it runs. */
  controlEndsAt: z.number().int().min(0).optional(),
  /** The sharer paused sharing. */
  paused: z.boolean().optional(),
  /** A Windows security prompt hides the sharer's screen from capture. */
  screenHidden: z.boolean().optional(),
  /** Helper's panel only: the ICE servers its viewer's peer connection uses (from the session). */
  iceServers: IceServers.optional(),
  /** Once ended: who ended it, or `refused` when the sharer said No before anything was shared. */
  ending: z.enum(['refused', 'me', 'peer', 'error']).optional(),
});
export type SessionView = z.infer<typeof SessionView>;

/** Start Talking as the panel's toolbar shows it (the TalkController's view; levels 0..1). */
export const TalkState = z.object({
  phase: z.enum(['idle', 'asking', 'asked', 'talking']),
  muted: z.boolean(),
  peerMuted: z.boolean(),
  micMode: z.enum(['open', 'pushToTalk']),
  talkHeld: z.boolean(),
  local: z.number().min(0).max(1),
  remote: z.number().min(0).max(1),
});
export type TalkState = z.infer<typeof TalkState>;

/** Webview → extension. */
export const WebviewMessage = z.discriminatedUnion('type', [
  /** The page loaded and wants the current state. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('sendChat'), requestId: RequestId, text: ChatText }),
  z.object({ type: z.literal('toolbar'), requestId: RequestId, action: ToolbarAction }),
  /** Sharer's chat: a `path:line[:col]` link was clicked; the extension checks it again before opening anything. */
  z.object({ type: z.literal('openCodeReference'), requestId: RequestId, text: z.string().min(3).max(1100) }),
  /** Panel only: the embedded RemoteViewer's events, forwarded so the extension can relay and record them. */
  z.object({ type: z.literal('viewerSignal'), payload: SignalPayload }),
  z.object({ type: z.literal('viewerConnected') }),
  z.object({ type: z.literal('viewerDisconnected'), reason: z.string().max(500) }),
  /** The viewer's peer connection stopped answering (ICE disconnected) or answers again. */
  z.object({ type: z.literal('viewerLink'), state: z.enum(['interrupted', 'restored']) }),
  /** A freshly loaded panel page found a live session: it has no peer connection and asks for one. */
  z.object({ type: z.literal('viewerRejoin') }),
  z.object({ type: z.literal('viewerChat'), text: z.string().min(1).max(CHAT_TEXT_MAX) }),
  /** Panel only: the clipboard channel's messages from the sharer's host (src/protocol/clipboard.ts). */
  z.object({ type: z.literal('viewerClipboard'), message: PeerClipboardMessage }),
  z.object({ type: z.literal('viewerControl'), granted: z.boolean(), reason: z.string().max(64), remainingMs: z.number().int().min(0).max(24 * 3600_000).optional() }),
  /** The viewer's peer connection's verification code. */
  z.object({ type: z.literal('viewerVerification'), code: z.string().regex(/^\d{3} \d{3}$/) }),
  /** The sharer paused or resumed sharing. */
  z.object({ type: z.literal('viewerSharing'), paused: z.boolean() }),
  /** The sharer's screen is hidden from capture (a Windows security prompt), or back. */
  z.object({ type: z.literal('viewerScreenHidden'), hidden: z.boolean(), reason: ScreenHiddenReason }),
  z.object({ type: z.literal('viewerError'), message: z.string().max(2000) }),
  /** The selected candidate pair from the viewer's getStats (about once a second while connected). */
  z.object({ type: z.literal('viewerPath'), path: ConnectionPath }),
  /** Panel only: Start Talking (src/protocol/voice.ts). */
  ...PanelVoiceEvent.options,
  /** Panel only: Send a File relays the files channel (src/protocol/files.ts). */
  ...PanelFilesEvent.options,
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;
export const WEBVIEW_MESSAGE_MAX_BYTES = 64 * 1024;

/** Extension → webview. */
export const ExtensionMessage = z.discriminatedUnion('type', [
  /** The whole session view; sent on `ready` and on every change of phase or control. */
  z.object({ type: z.literal('state'), view: SessionView.nullable() }),
  z.object({ type: z.literal('chatEntry'), sessionId: z.string().max(128), entry: ChatEntry }),
  /** `code` is set when the request itself was refused (it failed validation: ERR_MALFORMED, …). */
  z.object({ type: z.literal('reply'), requestId: RequestId, ok: z.boolean(), message: z.string().max(2000).optional(), code: z.string().regex(/^ERR_[A-Z_]{1,40}$/).optional() }),
  /** A plain notice shown in the page (e.g. a button whose feature is not available yet). */
  z.object({ type: z.literal('notice'), text: z.string().min(1).max(1000) }),
  /** Panel only: commands for the embedded RemoteViewer. */
  /** `epoch` names the sharer's peer connection: a new one replaces the viewer's peer. */
  z.object({ type: z.literal('viewerSignal'), payload: SignalPayload, epoch: z.number().int().min(0).max(1_000_000).optional() }),
  z.object({ type: z.literal('viewerSendChat'), text: ChatText }),
  /** Panel only: the helper's clipboard text for the sharer (the sharer's host decides). */
  z.object({ type: z.literal('viewerSendClipboard'), text: z.string().min(1).max(CLIPBOARD_TEXT_MAX_CHARS) }),
  z.object({ type: z.literal('viewerRequestControl') }),
  z.object({ type: z.literal('viewerReleaseControl') }),
  z.object({ type: z.literal('viewerClose') }),
  /** Panel only: the talk state for the toolbar, on every change (levels arrive ~10 times a second). */
  z.object({ type: z.literal('talkState'), talk: TalkState }),
  /** Panel only: Start Talking (src/protocol/voice.ts). */
  ...PanelVoiceCommand.options,
  /** Panel only: Send a File (src/protocol/files.ts). */
  ...PanelFilesCommand.options,
]);
export type ExtensionMessage = z.infer<typeof ExtensionMessage>;
