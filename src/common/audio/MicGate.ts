/**
 * Decides whether the microphone is heard: muted, or push-to-talk and the key is not held, means the far side
 * gets digital silence (the track keeps running so unmuting is instant and needs no renegotiation).
 */
import { PcmFrame, silentFrame } from './AudioFormat';

export type MicMode = 'open' | 'pushToTalk';

export class MicGate {
  private muted = false;
  private talkHeld = false;

  constructor(private mode: MicMode = 'open') {}

  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  setMode(mode: MicMode): void {
    this.mode = mode;
    this.talkHeld = false;
  }

  /** Push-to-talk key pressed (true) or released (false); ignored in open mode. */
  setTalkHeld(held: boolean): void {
    this.talkHeld = held;
  }

  get isOpen(): boolean {
    return !this.muted && (this.mode === 'open' || this.talkHeld);
  }

  get state(): { muted: boolean; mode: MicMode; talkHeld: boolean } {
    return { muted: this.muted, mode: this.mode, talkHeld: this.talkHeld };
  }

  apply(frame: PcmFrame): PcmFrame {
    return this.isOpen ? frame : silentFrame();
  }
}
