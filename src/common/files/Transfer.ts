/** One transfer's record and its state machine; an illegal transition throws. */
import type { FileErrorCode, TransferDirection, TransferSnapshot, TransferState } from '../../protocol/files';
import type { ByteSink, ByteSource, Hasher } from './ByteStreams';
import { TransferRate } from './TransferRate';

const TRANSITIONS: Record<TransferState, readonly TransferState[]> = {
  queued: ['offered', 'cancelled', 'failed'],
  offered: ['transferring', 'declined', 'cancelled', 'failed'],
  transferring: ['verifying', 'cancelled', 'failed'],
  verifying: ['completed', 'cancelled', 'failed'],
  completed: [],
  declined: [],
  cancelled: [],
  failed: [],
};

export function isFinished(state: TransferState): boolean {
  return TRANSITIONS[state].length === 0;
}

export class Transfer {
  state: TransferState;
  /** Bytes sent (send) or received (receive; once stopped early, those written to the sink). */
  bytes = 0;
  code: FileErrorCode | undefined;
  savedPath: string | undefined;
  /** The verified SHA-256 (hex), once the receiver matched it. */
  sha256: string | undefined;
  readonly rate: TransferRate;
  readonly hasher: Hasher;
  /** send: the receiver's credit — bytes below this may be sent. */
  creditUpTo = 0;
  /** receive: bytes written to the sink so far and credit granted to the sender. */
  written = 0;
  grantedUpTo = 0;
  writeChain: Promise<void> = Promise.resolve();
  sink: ByteSink | undefined;

  constructor(
    readonly direction: TransferDirection,
    readonly id: number,
    readonly name: string,
    readonly size: number,
    hasher: Hasher,
    now: () => number,
    readonly source?: ByteSource,
  ) {
    this.state = direction === 'send' ? 'queued' : 'offered';
    this.hasher = hasher;
    this.rate = new TransferRate(now);
  }

  /** State check that survives awaits (TypeScript would keep a narrowed `state` across them). */
  is(state: TransferState): boolean {
    return this.state === state;
  }

  get key(): string {
    return `${this.direction}-${this.id}`;
  }

  moveTo(next: TransferState, code?: FileErrorCode): void {
    if (!TRANSITIONS[this.state].includes(next)) {
      throw new Error(`transfer ${this.key}: illegal transition ${this.state} → ${next}`);
    }
    this.state = next;
    if (code) this.code = code;
  }

  snapshot(): TransferSnapshot {
    const bytesPerSecond = this.state === 'transferring' ? this.rate.bytesPerSecond(this.bytes) : 0;
    return {
      key: this.key,
      direction: this.direction,
      name: this.name,
      size: this.size,
      state: this.state,
      bytes: this.bytes,
      bytesPerSecond,
      secondsLeft: bytesPerSecond > 0 ? (this.size - this.bytes) / bytesPerSecond : undefined,
      code: this.code,
      savedPath: this.savedPath,
      ...(this.state === 'completed' && this.sha256 ? { sha256: this.sha256 } : {}),
    };
  }
}
