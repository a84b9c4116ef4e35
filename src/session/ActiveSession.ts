/** What the views and commands can do with the session in progress, whichever side this machine is on. */
import type { TalkController } from '../common/audio/TalkController';
import type { SessionFiles } from '../files/SessionFiles';
import type { IDisposable, Event } from '../common/lifecycle';
import type { ConnectionPath, IceServer } from '../protocol/ice';
import type { AssistanceSession } from './AssistanceSession';
import type { QualityPreset } from './QualityPresets';

export interface ActiveSession extends IDisposable {
  readonly model: AssistanceSession;
  /** Fires once, after the session ended and its resources were released. */
  readonly onDidEnd: Event<void>;
  /** The STUN/TURN servers for this side's peer connection (from the assistance network). */
  readonly iceServers: readonly IceServer[];
  /** Direct or relayed, and the round trip, from this side's getStats (undefined until known). */
  readonly path: ConnectionPath | undefined;
  readonly onDidChangePath: Event<ConnectionPath>;
  /** Sends a chat message peer to peer and records it; rejects (SessionError) when not connected. */
  sendChat(text: string): Promise<void>;
  /** Helper: asks for control. Sharer: refused with a SessionError. */
  takeControl(): void;
  /** Either side: control goes back to the sharer. */
  stopControl(): void;
  setQuality(preset: QualityPreset): Promise<void>;
  /** Start Talking on this side, once the session can carry voice (undefined before, or without voice). */
  readonly talk?: TalkController;
  /** Send a File on this side, once the session can carry files. */
  readonly files?: SessionFiles;
  /** Ends everything on both sides (host process included). */
  disconnect(): Promise<void>;
}

/** A session that can outlive this window's reload (both sides implement it). */
export interface SuspendableSession extends ActiveSession {
  /** Up or recovering, so it can wait for this window to reload (see suspend). */
  readonly canSuspend: boolean;
  /** The sharer's current peer connection number. */
  readonly connectionEpoch: number;
  /**
   * The window is going away: releases everything here (no more sharing) but leaves the session open on the
   * server for its grace period, for a reloaded window to rejoin. False when it cannot wait.
   */
  suspend(): Promise<boolean>;
}

/** What a reloaded window's session continues from (read from the resume record). */
export interface ResumedFrom {
  readonly epoch: number;
}

/** What a session needs from where it runs, in the extension or in the browser page. */
export interface SideContext {
  readonly myName: string;
  /** How long a lost connection may take to come back (default REJOIN_WINDOW_MS, 60 s). */
  readonly rejoinWindowMs?: number;
  /** Helper: how long to wait for the sharer's side to answer Take Control before giving up (default 150 s). */
  readonly controlAnswerMs?: number;
}

/** Display name, history folder and timings of a session in the extension. */
export interface SessionContext extends SideContext {
  readonly historyDir: string;
  /** The sharer's question and grant timings (defaults in SharerSession's DEFAULT_SHARER_TIMING); tests shorten them. */
  readonly sharerTiming?: Partial<import('./SharerSession').SharerTiming>;
}
