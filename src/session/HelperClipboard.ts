/**
 * The helper's side of clipboard sync: text the sharer copied (with the sharer's consent) goes onto the
 * helper's clipboard; "Send Clipboard Text" offers the helper's clipboard to the sharer, whose host decides.
 * Each transfer is a line in the helper's history.
 */
import { CLIPBOARD_TEXT_MAX_CHARS, PeerClipboardMessage, utf8Bytes } from '../protocol/clipboard';
import type { ExtensionMessage } from '../protocol/webview';
import type { Logger } from '../common/logger';
import { SessionError } from './AssistanceSession';
import { ClipboardTexts as T } from './ClipboardTexts';

/** The helper's system clipboard (vscode.env.clipboard). */
export interface SystemClipboard {
  readText(): Thenable<string>;
  writeText(text: string): Thenable<void>;
}

export class HelperClipboard {
  private allowed = { toHelper: false, toSharer: false };

  constructor(
    private readonly sharer: string,
    private readonly system: SystemClipboard,
    private readonly toViewer: (message: Extract<ExtensionMessage, { type: 'viewerSendClipboard' }>) => void,
    private readonly note: (line: string) => void,
    private readonly log: Logger,
  ) {}

  /** A message from the sharer's host on the clipboard channel (validated by the panel bridge). */
  async receive(message: PeerClipboardMessage): Promise<void> {
    switch (message.type) {
      case 'clipboardAllowed':
        if (message.allowed.toHelper === this.allowed.toHelper && message.allowed.toSharer === this.allowed.toSharer) return;
        this.allowed = { ...message.allowed };
        this.note(T.helperAllowed(this.sharer, this.allowed));
        return;
      case 'clipboardText':
        await this.system.writeText(message.text);
        this.note(T.receivedFromSharer(this.sharer, utf8Bytes(message.text)));
        return;
      case 'clipboardAccepted':
        this.note(T.acceptedBySharer(this.sharer, message.bytes));
        return;
      case 'clipboardRefused':
        this.note(T.refusedBySharer(this.sharer, message.bytes, message.code));
        return;
    }
  }

  /** Sends the helper's clipboard text; the answer (put there, or refused and why) arrives as a history line. */
  async send(): Promise<void> {
    const text = await this.system.readText();
    if (!text) throw new SessionError('ERR_ILLEGAL_TRANSITION', T.nothingToSend);
    this.log.info(`clipboard: offering ${utf8Bytes(text)} bytes to ${this.sharer}`);
    // Past what a message carries, the head still goes, so the sharer's host refuses it with its size code.
    this.toViewer({ type: 'viewerSendClipboard', text: text.slice(0, CLIPBOARD_TEXT_MAX_CHARS) });
  }
}
