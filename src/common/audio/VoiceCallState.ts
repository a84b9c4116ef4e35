/**
 * The Start Talking handshake on one side of a session. Either side may ask; the other accepts or declines;
 * either side may stop. An illegal transition throws, so a confused or hostile peer cannot skip consent.
 */
export type VoiceCallPhase =
  | 'idle'
  | 'asking' // we asked the other side and wait for its answer
  | 'asked' // the other side asked us; the user decides
  | 'talking';

export type VoiceCallInput =
  | 'localStart' // our user pressed Start Talking
  | 'remoteStart' // the other side asked
  | 'localAccept'
  | 'localDecline'
  | 'remoteAccept'
  | 'remoteDecline'
  | 'localStop'
  | 'remoteStop'
  | 'reset'; // the session ended or the audio failed

const TRANSITIONS: Record<VoiceCallPhase, Partial<Record<VoiceCallInput, VoiceCallPhase>>> = {
  idle: { localStart: 'asking', remoteStart: 'asked', reset: 'idle' },
  asking: { remoteAccept: 'talking', remoteDecline: 'idle', localStop: 'idle', remoteStop: 'idle', reset: 'idle' },
  asked: { localAccept: 'talking', localDecline: 'idle', remoteStop: 'idle', localStop: 'idle', reset: 'idle' },
  talking: { localStop: 'idle', remoteStop: 'idle', reset: 'idle' },
};

export class VoiceCallStateError extends Error {
  readonly code = 'ERR_VOICE_STATE';
  constructor(
    readonly phase: VoiceCallPhase,
    readonly input: VoiceCallInput,
  ) {
    super(`voice: "${input}" is not allowed while ${phase}`);
    this.name = 'VoiceCallStateError';
  }
}

export class VoiceCallState {
  private current: VoiceCallPhase = 'idle';

  get phase(): VoiceCallPhase {
    return this.current;
  }

  can(input: VoiceCallInput): boolean {
    return TRANSITIONS[this.current][input] !== undefined;
  }

  /** Applies an input and returns the new phase; throws VoiceCallStateError when it is not allowed. */
  apply(input: VoiceCallInput): VoiceCallPhase {
    const next = TRANSITIONS[this.current][input];
    if (next === undefined) throw new VoiceCallStateError(this.current, input);
    this.current = next;
    return next;
  }
}
