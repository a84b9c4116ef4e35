/**
 * Extension ↔ host process IPC (Node child_process channel). The extension sends `HostCommand`s, the host
 * answers with `HostEvent`s; each side validates what it receives with `parseMessage`.
 */
import { z } from 'zod';
import { ConnectionPath, IceServers } from './ice';
import { ScreenHiddenReason } from './peer';

/** Video quality; every field can change live without reconnecting. */
export const Quality = z
  .object({
    /** Cap on the video bitrate (SDP b=AS and encoder target), kbit/s. */
    maxKbps: z.number().int().min(50).max(50_000),
    /**
     * Floor for the bandwidth estimate, kbit/s, for links known to be fast (a LAN preset): libwebrtc's
     * delay-based estimate otherwise mistakes a busy CPU for congestion and starves the video. Omit for
     * unknown links (Auto).
     */
    minKbps: z.number().int().min(0).max(50_000).optional(),
    /** Upper bound on captured frames per second. */
    fps: z.number().int().min(1).max(60),
    /** Downscale factor applied before encoding, 0.25–1. */
    scale: z.number().min(0.25).max(1),
    /**
     * Auto: the screen's frame rate, JPEG for photo-like regions, colour depth and deflate level follow what
     * the link delivers (fps above is then a cap). Off: always lossless at `fps`.
     */
    adaptive: z.boolean().optional(),
  })
  .refine((q) => q.minKbps === undefined || q.minKbps <= q.maxKbps, { message: 'minKbps must not exceed maxKbps' });
export type Quality = z.infer<typeof Quality>;

/** What to share: the whole X screen, or one RANDR monitor by output name (e.g. "HDMI-1"). */
export const ScreenChoice = z.union([z.literal('all'), z.object({ monitor: z.string().min(1).max(64) })]);
export type ScreenChoice = z.infer<typeof ScreenChoice>;

/** A simple-peer signal object, relayed opaquely; bounded so a hostile relay cannot balloon it. */
export const SignalPayload = z.record(z.string(), z.unknown());
export type SignalPayload = z.infer<typeof SignalPayload>;

export const ChatText = z.string().min(1).max(4000);

/** "123 456": six digits derived from both DTLS fingerprints (src/common/verificationCode.ts). */
export const VerificationCode = z.string().regex(/^\d{3} \d{3}$/);
/** Windows hidden from the helper: case-insensitive text found in a window's title or WM_CLASS. */
export const RedactRules = z.array(z.string().trim().min(1).max(100)).max(64);
/** The setting's default (package.json repeats it): password managers and key-ring / PIN prompts. */
export const DEFAULT_REDACT_WINDOWS: readonly string[] = ['KeePassXC', 'KeePass', '1Password', 'Bitwarden', 'LastPass', 'Enpass', 'Proton Pass', 'gcr-prompter', 'pinentry', 'seahorse', 'kwalletd', 'polkit'];
/** An X window id (a top-level the host listed). */
export const WindowId = z.number().int().min(1).max(0xffffffff);
/** A top-level window as the sharer picks it from a list. */
export const WindowInfo = z.object({ id: WindowId, title: z.string().max(256), className: z.string().max(256) });
export type WindowInfo = z.infer<typeof WindowInfo>;

export const HostCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    quality: Quality,
    screen: ScreenChoice.default('all'),
    iceServers: IceServers.optional(),
    redactWindows: RedactRules.default([]),
    /** Show only this window from the start (the sharer chose "Only One Window…" before a reconnect). */
    shareWindow: WindowId.optional(),
    /** Start with sharing paused (a new connection while the sharer has paused). */
    paused: z.boolean().optional(),
  }),
  z.object({ type: z.literal('signal'), payload: SignalPayload }),
  /**
   * `limitMs`: a timed grant; the host itself ends control when it runs out (as ESC would). `window`: control
   * only inside this top-level window (its current rectangle); absent: the whole screen.
   */
  z.object({ type: z.literal('grantControl'), limitMs: z.number().int().min(1).max(24 * 3600_000).optional(), window: WindowId.optional() }),
  /** Lists the top-level windows (answered with a `windows` event), for the sharer to pick one. */
  z.object({ type: z.literal('listWindows') }),
  /** Shows the helper only this window (everything else black); absent: the whole screen again. */
  z.object({ type: z.literal('shareWindow'), window: WindowId.optional() }),
  /** New redaction rules (the setting changed mid-session). */
  z.object({ type: z.literal('setRedaction'), rules: RedactRules }),
  z.object({ type: z.literal('revokeControl') }),
  /** Pause sharing: nothing is captured or sent until resumed (the viewer keeps its last picture). */
  z.object({ type: z.literal('setPaused'), paused: z.boolean() }),
  /** The panic chord: revoke control and pause sharing in one step. */
  z.object({ type: z.literal('panic') }),
  z.object({ type: z.literal('setQuality'), quality: Quality }),
  z.object({ type: z.literal('sendChat'), text: ChatText }),
  z.object({ type: z.literal('stop') }),
  /** The sharer chose another monitor (or all) mid-session; refused with ERR_MONITOR_NOT_FOUND, nothing changes. */
  z.object({ type: z.literal('selectScreen'), screen: ScreenChoice }),
  /** A message for one registered host service (files, voice, …); that service validates `message`. */
  z.object({ type: z.literal('service'), service: z.string().min(1).max(32), message: z.unknown() }),
]);
export type HostCommand = z.input<typeof HostCommand>;

/** Why control ended (or began). */
export const ControlReason = z.enum([
  'granted', // the extension granted it
  'revoked', // the extension revoked it
  'localEscape', // ESC pressed on the sharer's machine
  'helperReleased', // the helper gave it back
  'disconnected', // the peer went away
  'stopped', // sharing stopped
  'expired', // a timed grant ran out
  'panic', // the sharer's panic chord (control revoked, sharing paused)
]);
export type ControlReason = z.infer<typeof ControlReason>;

export const HostStats = z.object({
  /** The interval these figures cover, s: one while the screen or input moves, longer on a still screen. */
  seconds: z.number().positive(),
  width: z.number().int(),
  height: z.number().int(),
  /** Frames handed to the encoder per second over the last interval. */
  fps: z.number(),
  /** Frames the encoder actually sent per second (it drops some when CPU or bandwidth is short). */
  encodedFps: z.number().optional(),
  /** Mean encode time per frame and mean time packets waited in the pacer over the last interval, ms. */
  encodeMs: z.number().optional(),
  sendDelayMs: z.number().optional(),
  /** Key frames encoded and picture-loss requests received over the last interval (recoveries from loss). */
  keyFrames: z.number().int().optional(),
  pliReceived: z.number().int().optional(),
  /** Bytes sent per second over the last interval (all of the transport), as kbit/s. */
  kbpsSent: z.number(),
  /** Round-trip time from ICE candidate-pair stats, ms (absent before measured). */
  rttMs: z.number().optional(),
  /** The selected candidate pair: direct or relayed, and how (absent before ICE selected one). */
  path: ConnectionPath.optional(),
  inputApplied: z.number().int(),
  inputDropped: z.number().int(),
  inputRejected: z.number().int(),
  /** What the viewer is shown: lossless regions on the screen channel, or the video track. */
  mode: z.enum(['video', 'regions']).optional(),
  /** Region frames sent per second, their kbit/s, and host ms per region frame (diff + scroll + encode). */
  regionFps: z.number().optional(),
  regionKbps: z.number().optional(),
  regionMs: z.number().optional(),
  /** Auto quality's view of the link: its tier, the screen channel's delivery rate and queueing. */
  link: z
    .object({
      tier: z.enum(['lan', 'broadband', 'slow', 'dialup']),
      rateKbps: z.number().optional(),
      queueMs: z.number().optional(),
      approximateTiles: z.number().int(),
    })
    .optional(),
});
export type HostStats = z.infer<typeof HostStats>;

/** Stable error codes the extension can act on. */
export const HostErrorCode = z.enum([
  'ERR_PLATFORM_UNSUPPORTED', // no capture backend for this OS / session type
  'ERR_DISPLAY', // X server unreachable or lacking an extension we need
  'ERR_MONITOR_NOT_FOUND',
  'ERR_BAD_COMMAND', // a command failed validation or came in the wrong state
  'ERR_PEER', // WebRTC failure
  'ERR_PEER_PROTOCOL', // the helper sent something invalid (reported, ignored)
  'ERR_INPUT_FLOOD', // the helper exceeded the input rate limit
  'ERR_INPUT_REFUSED', // the helper's input fell on a hidden window or outside the window control is scoped to
  'ERR_WINDOW_NOT_FOUND', // the window chosen to share or control is gone
  'ERR_INTERNAL',
  'ERR_PERMISSION_SCREEN_RECORDING', // macOS: VS Code lacks the Screen Recording permission
  'ERR_PERMISSION_ACCESSIBILITY', // macOS: VS Code lacks the Accessibility permission (control)
  'ERR_PORTAL', // Wayland: the desktop portal is missing, lacks ScreenCast/RemoteDesktop, or failed
  'ERR_PORTAL_REFUSED', // Wayland: the sharer cancelled the portal's dialog
  'ERR_PIPEWIRE', // Wayland: the PipeWire stream of the screen cast could not be read or ended
]);
export type HostErrorCode = z.infer<typeof HostErrorCode>;

export const HostEvent = z.discriminatedUnion('type', [
  /** The host process is up and validated its platform; commands may follow. */
  z.object({ type: z.literal('ready'), platform: z.string() }),
  z.object({ type: z.literal('signal'), payload: SignalPayload }),
  z.object({ type: z.literal('connected'), width: z.number().int(), height: z.number().int() }),
  z.object({ type: z.literal('disconnected'), reason: z.string().max(500) }),
  /** The peer connection stopped answering (ICE disconnected; control was revoked) or answers again. */
  z.object({ type: z.literal('link'), state: z.enum(['interrupted', 'restored']) }),
  /** `remainingMs`: while a timed grant runs, how long it has left. */
  z.object({ type: z.literal('control'), granted: z.boolean(), reason: ControlReason, remainingMs: z.number().int().min(0).optional() }),
  /** grantControl could not be honoured (no XTEST, a withheld permission, an unsupported system). */
  z.object({ type: z.literal('controlRefused'), code: z.string().regex(/^ERR_[A-Z_]{1,40}$/), message: z.string().max(2000) }),
  /** The 6-digit code of the live peer connection (src/common/verificationCode.ts). */
  z.object({ type: z.literal('verification'), code: VerificationCode }),
  /** Sharing was paused or resumed (setPaused or panic). */
  z.object({ type: z.literal('paused'), paused: z.boolean() }),
  /** The screen went black to capture because of `reason` (the Windows secure desktop), or came back. */
  z.object({ type: z.literal('screenHidden'), hidden: z.boolean(), reason: ScreenHiddenReason }),
  /** The helper asked for control; the extension decides (consent, setting) and may grantControl. */
  z.object({ type: z.literal('controlRequested') }),
  z.object({ type: z.literal('chat'), text: ChatText }),
  /** The answer to listWindows: viewable top-level windows with a title, top of the stack first. */
  z.object({ type: z.literal('windows'), windows: z.array(WindowInfo).max(256) }),
  z.object({ type: z.literal('stats'), stats: HostStats }),
  z.object({ type: z.literal('error'), code: HostErrorCode, message: z.string().max(2000), fatal: z.boolean() }),
  /** A message from one registered host service to the extension; the service's own schema describes it. */
  z.object({ type: z.literal('service'), service: z.string().min(1).max(32), message: z.unknown() }),
  /** Diagnostics for the extension's log channel (the host prints nothing itself). */
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string().max(4000) }),
  /** What is shared changed (another monitor, a new resolution): its size now; the viewer got a new RESET. */
  z.object({ type: z.literal('screen'), screen: ScreenChoice, width: z.number().int().min(1), height: z.number().int().min(1) }),
  /** Sharing ended; the process exits right after. */
  z.object({ type: z.literal('stopped') }),
]);
export type HostEvent = z.infer<typeof HostEvent>;

/** Upper bound on one IPC message from the extension (JSON text). */
export const HOST_COMMAND_MAX_BYTES = 64 * 1024;

/** One monitor of the sharer's display, as `dist/host.js --list-monitors` prints them (a JSON array). */
export const MonitorInfo = z.object({
  name: z.string().min(1).max(64),
  primary: z.boolean(),
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
});
export type MonitorInfo = z.infer<typeof MonitorInfo>;
export const MonitorList = z.array(MonitorInfo).max(64);
