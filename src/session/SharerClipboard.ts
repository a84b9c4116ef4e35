/**
 * The sharer's side of clipboard sync: which directions are on in this session (both off until the sharer
 * turns one on; a new host process after a drop gets the same), and a history line for every transfer and
 * refusal the host reports. The host enforces it; this only tells it and records.
 */
import { CLIPBOARD_SERVICE, ClipboardAllowed, ClipboardServiceEvent } from '../protocol/clipboard';
import type { HostSupervisor } from '../supervisor/HostSupervisor';
import type { IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { ClipboardTexts as T } from './ClipboardTexts';

export class SharerClipboard {
  private _allowed: ClipboardAllowed = { toHelper: false, toSharer: false };

  constructor(
    private readonly helper: string,
    private readonly note: (line: string) => void,
    private readonly log: Logger,
  ) {}

  get allowed(): ClipboardAllowed {
    return { ...this._allowed };
  }

  /** Follows one host process: it hears the current choice once connected, and reports transfers. */
  attach(host: HostSupervisor): IDisposable[] {
    return [
      host.onConnected(() => host.sendService(CLIPBOARD_SERVICE, { type: 'allow', allowed: this._allowed })),
      host.onService(({ service, message }) => service === CLIPBOARD_SERVICE && this.onEvent(message)),
    ];
  }

  /** The sharer's choice; told to the running host at once. */
  set(allowed: ClipboardAllowed, host: HostSupervisor | undefined): void {
    if (allowed.toHelper === this._allowed.toHelper && allowed.toSharer === this._allowed.toSharer) return;
    this._allowed = { ...allowed };
    if (host?.state === 'running') host.sendService(CLIPBOARD_SERVICE, { type: 'allow', allowed: this._allowed });
    this.note(T.sharerAllowed(this.helper, this._allowed));
  }

  private onEvent(raw: unknown): void {
    const parsed = ClipboardServiceEvent.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`clipboard: the host sent an invalid event; dropped`);
      return;
    }
    const e = parsed.data;
    if (e.type === 'transferred') this.note(e.direction === 'toHelper' ? T.sentToHelper(this.helper, e.bytes) : T.receivedFromHelper(this.helper, e.bytes));
    else {
      this.log.info(`clipboard: ${e.direction} refused (${e.code}): ${e.message}`);
      this.note(e.direction === 'toHelper' ? T.refusedToHelper(this.helper, e.bytes, e.code) : T.refusedFromHelper(this.helper, e.bytes, e.code));
    }
  }
}
