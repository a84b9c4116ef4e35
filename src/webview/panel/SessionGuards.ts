/**
 * What keeps the helper honest in the panel: the connection's verification code (to read out to the sharer),
 * the countdown of a timed grant, and the "Alice paused sharing." veil over a frozen picture.
 */
import type { SessionView } from '../../protocol/webview';
import { h, icon } from '../common/dom';

export class SessionGuards {
  /** Beside the status line: code and countdown. */
  readonly badges: HTMLElement;
  /** Over the remote desktop while sharing is paused (the picture stays as it was). */
  readonly veil: HTMLElement;
  private readonly code = h('span', { class: 'verification-code', title: 'Read this code out to the person sharing: it must match the code they see.', hidden: true });
  private readonly countdown = h('span', { class: 'control-countdown', role: 'timer', hidden: true });
  private readonly veilText = h('span', { class: 'paused-text' });
  private timer: ReturnType<typeof setInterval> | undefined;
  private endsAt: number | undefined;

  constructor() {
    this.badges = h('span', { class: 'session-guards' }, this.code, this.countdown);
    this.veil = h('div', { class: 'paused-veil', role: 'status', hidden: true }, icon('debug-pause'), this.veilText);
  }

  show(view: SessionView | null): void {
    const live = view !== null && view.phase !== 'ended';
    this.code.hidden = !live || !view.verificationCode;
    this.code.textContent = view?.verificationCode ? `Verification code: ${view.verificationCode}` : '';
    this.veil.hidden = !live || !view.paused;
    this.veilText.textContent = view ? `${view.peerName} paused sharing.` : '';
    this.endsAt = live && view.control === 'granted' ? view.controlEndsAt : undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    this.tick();
    if (this.endsAt !== undefined) this.timer = setInterval(() => this.tick(), 1000);
  }

  private tick(): void {
    if (this.endsAt === undefined) {
      this.countdown.hidden = true;
      return;
    }
    const left = Math.max(0, Math.ceil((this.endsAt - Date.now()) / 1000));
    this.countdown.hidden = false;
    this.countdown.textContent = `Control ends in ${formatClock(left)}`;
  }
}

/** "14:59", "0:05". */
export function formatClock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}
