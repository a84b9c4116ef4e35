/**
 * What every injector keeps besides its platform calls: the keys and buttons the helper holds (released on
 * revoke), and the ESC presses it sent that the local-ESC watcher has not seen yet — the watcher sees injected
 * keys too and counts these off one by one, so only the sharer's own ESC ends control, however close in time.
 */
export abstract class HeldInput<Key, Button> {
  /** KeyboardEvent code (or key) → what the platform holds down for it. */
  protected readonly heldKeys = new Map<string, Key>();
  protected readonly heldButtons = new Set<Button>();
  private pendingEscapes = 0;

  get holding(): boolean {
    return this.heldKeys.size > 0 || this.heldButtons.size > 0;
  }

  /** True (and counted off) if a seen ESC was one we injected. */
  consumeInjectedEscape(): boolean {
    if (this.pendingEscapes === 0) return false;
    this.pendingEscapes--;
    return true;
  }

  /** The watcher was not listening: those presses will never be seen. */
  forgetInjectedEscapes(): void {
    this.pendingEscapes = 0;
  }

  protected escapeSent(): void {
    this.pendingEscapes++;
  }
}
