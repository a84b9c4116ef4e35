/**
 * The control gate: the only path from the helper's input to the injector. Input is applied only while
 * the extension has granted control; everything else is dropped and counted. Coordinates are checked
 * against the shared screen and a token bucket stops floods. Revoking releases whatever is held.
 */
import { ControlReason } from '../protocol/host';
import { InputMessage } from '../protocol/peer';
import { Emitter } from '../common/lifecycle';
import { HostError } from './HostError';
import { InputInjector } from './input/InputInjector';
import { InputFence } from './privacy/WindowFence';

export interface GateLimits {
  /** Sustained input events per second. */
  readonly perSecond: number;
  /** Burst allowance on top of the sustained rate. */
  readonly burst: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = { perSecond: 400, burst: 800 };

export interface GateCounters {
  applied: number;
  dropped: number;
  rejected: number;
}

export type GateRejection = { code: 'ERR_INPUT_FLOOD' | 'ERR_PEER_PROTOCOL' | 'ERR_INPUT_REFUSED'; message: string };

export interface ControlChange {
  granted: boolean;
  reason: ControlReason;
  /** While a timed grant runs: how long it has left, ms. */
  remainingMs?: number;
}

export class ControlGate {
  private readonly _onDidChange = new Emitter<ControlChange>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _onReject = new Emitter<GateRejection>();
  /** Input refused for a reason worth reporting (rate-limited to one report per second per code). */
  readonly onReject = this._onReject.event;
  readonly counters: GateCounters = { applied: 0, dropped: 0, rejected: 0 };
  private _granted = false;
  private tokens: number;
  private refilledAt = performance.now();
  private readonly reportedAt = new Map<string, number>();
  private limitTimer: ReturnType<typeof setTimeout> | undefined;
  private suspended = false;
  private endsAt: number | undefined;
  private replaying = false;

  constructor(
    /** Absent where remote control is not supported yet: then grant() refuses. */
    private readonly injector: InputInjector | undefined,
    private readonly screen: { readonly width: number; readonly height: number },
    private readonly limits: GateLimits = DEFAULT_GATE_LIMITS,
    /** Windows the helper's input must not reach (redaction, a scoped grant). */
    private readonly fence?: InputFence,
  ) {
    this.tokens = limits.burst;
  }

  get granted(): boolean {
    return this._granted;
  }

  /** Time left on a timed grant, ms (undefined: until stopped, or not granted). */
  get remainingMs(): number | undefined {
    return this.endsAt === undefined ? undefined : Math.max(0, Math.round(this.endsAt - performance.now()));
  }

  /** Grants control; with `limitMs` it ends by itself when that runs out, exactly as ESC ends it. */
  grant(limitMs?: number): void {
    if (!this.injector) throw new HostError('ERR_PLATFORM_UNSUPPORTED', 'Remote control of this computer is not supported on this system yet (view only).');
    if (this._granted) return;
    this._granted = true;
    if (limitMs !== undefined) {
      this.endsAt = performance.now() + limitMs;
      this.limitTimer = setTimeout(() => this.revoke('expired'), limitMs);
    }
    this._onDidChange.fire({ granted: true, reason: 'granted', remainingMs: this.remainingMs });
  }

  /** Ends control and releases every key and button the helper holds. No-op when not granted. */
  revoke(reason: Exclude<ControlReason, 'granted'>): void {
    if (!this._granted) return;
    this._granted = false;
    clearTimeout(this.limitTimer);
    this.limitTimer = undefined;
    this.endsAt = undefined;
    this.fence?.clear();
    this.injector?.releaseAll();
    this._onDidChange.fire({ granted: false, reason });
  }

  /**
   * While sharing is paused the helper sees a frozen picture: their input would land blind, so it is dropped
   * (control stays granted; what they held is released now).
   */
  suspend(suspended: boolean): void {
    if (this.suspended === suspended) return;
    this.suspended = suspended;
    if (suspended && this._granted) this.injector?.releaseAll();
  }

  /** Applies one validated input message if control is granted; returns whether it was applied. */
  handle(message: InputMessage): boolean {
    const injector = this.injector;
    if (!this._granted || !injector || this.suspended) {
      this.counters.dropped++;
      return false;
    }
    if (!this.takeToken()) {
      this.counters.rejected++;
      this.report('ERR_INPUT_FLOOD', `helper input exceeds ${this.limits.perSecond} events/s; excess dropped`);
      return false;
    }
    if ('x' in message && (message.x >= this.screen.width || message.y >= this.screen.height)) {
      this.counters.rejected++;
      this.report('ERR_PEER_PROTOCOL', `input at ${message.x},${message.y} is outside the ${this.screen.width}x${this.screen.height} screen`);
      return false;
    }
    // Input waits while the window list catches up with the display, then comes back through here.
    if (this.fence && !this.replaying && this.fence.hold(message, (m) => this.replay(m))) return true;
    const refusal = this.fence?.refusal(message);
    if (refusal) {
      this.counters.rejected++;
      this.report('ERR_INPUT_REFUSED', refusal);
      return false;
    }
    switch (message.type) {
      case 'pointerMove':
        injector.pointerMove(message.x, message.y);
        break;
      case 'pointerButton':
        injector.pointerButton(message.button, message.down, message.x, message.y);
        break;
      case 'wheel':
        injector.wheel(message.x, message.y, message.dx, message.dy);
        break;
      case 'key':
        if (!injector.key(message.code, message.key, message.down)) {
          this.counters.rejected++;
          return false;
        }
        break;
      case 'releaseAll':
        injector.releaseAll();
        break;
    }
    this.counters.applied++;
    return true;
  }

  dispose(): void {
    this.revoke('stopped');
    this._onDidChange.dispose();
    this._onReject.dispose();
  }

  private replay(message: InputMessage): void {
    this.replaying = true;
    try {
      this.handle(message);
    } finally {
      this.replaying = false;
    }
  }

  private takeToken(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private report(code: GateRejection['code'], message: string): void {
    const now = performance.now();
    if (now - (this.reportedAt.get(code) ?? -Infinity) < 1000) return;
    this.reportedAt.set(code, now);
    this._onReject.fire({ code, message });
  }
}
