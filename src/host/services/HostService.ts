/**
 * A host service is one concern of a sharing session (control, cursor, chat; files and voice later) with
 * its own data channel(s). Services are listed in services/index.ts, one line each.
 */
import type Peer from 'simple-peer';
import { HostCommand, HostErrorCode, HostEvent } from '../../protocol/host';
import { ControlGate } from '../ControlGate';
import { Event, IDisposable } from '../../common/lifecycle';
import { Logger } from '../../common/logger';
import { ScreenArea } from '../capture/ScreenArea';
import { CursorTracker } from '../capture/ScreenCapture';
import { ChannelPort } from '../peer/ChannelPort';
import { ChannelSpec } from '../peer/PeerLink';
import type { ScreenOverlay } from '../x11/X11Overlay';

export interface HostServiceContext {
  /** The negotiated channel for `spec` (shared by services that name the same one); open it when constructed. */
  channel(spec: ChannelSpec): ChannelPort;
  /** The peer, for services that add or receive media tracks (voice); data goes through `channel`. */
  readonly peer: Peer.Instance;
  readonly gate: ControlGate;
  readonly cursor: CursorTracker;
  /** What is shared, live: it changes with RANDR and the sharer's choice of monitor (onDidChange). */
  readonly screen: ScreenArea;
  /** Draws the helper's marks on the sharer's screen, ignoring input (absent where none can be drawn yet). */
  readonly overlay?: ScreenOverlay;
  /** Whether the sharer paused sharing (nothing about the screen is sent then), and its changes. */
  paused(): boolean;
  readonly onDidChangePaused: Event<boolean>;
  /** Whether the screen is hidden from capture (the Windows secure desktop), and its changes. */
  screenHidden(): boolean;
  readonly onDidChangeScreenHidden: Event<boolean>;
  /** Sends the current screen again (the viewer lost a key frame). */
  refreshVideo(): void;
  /** Sends an event to the extension. */
  emit(event: HostEvent): void;
  /** Reports a problem to the extension (rate-limited per code); never throws. */
  report(code: HostErrorCode, message: string): void;
  readonly log: Logger;
}

export interface HostService extends IDisposable {
  /** The peer connected. (Channels may open before or after this: send first messages from ChannelPort.onOpen, subscribed in the constructor.) */
  onConnected?(): void;
  /** Every command from the extension passes here; a service acts on its own and ignores the rest. */
  onCommand?(command: HostCommand): void;
}

export type HostServiceFactory = (context: HostServiceContext) => HostService;
