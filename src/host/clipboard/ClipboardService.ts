/**
 * Clipboard sync with consent, enforced here on the sharer's machine: nothing moves in a direction the
 * sharer has not turned on in this session (both start off), text only, at most CLIPBOARD_MAX_BYTES. A copy
 * on the sharer's display goes to the helper only if it was made while sharer → helper is on; the helper's
 * text lands on the sharer's clipboard only while helper → sharer is on. Every transfer and refusal is told
 * to the extension for the sharer's history.
 */
import { HostCommand } from '../../protocol/host';
import {
  CLIPBOARD_CHANNEL,
  CLIPBOARD_MAX_BYTES,
  CLIPBOARD_MESSAGE_MAX_BYTES,
  CLIPBOARD_SERVICE,
  ClipboardAllowed,
  ClipboardDirection,
  ClipboardErrorCode,
  ClipboardServiceCommand,
  ClipboardServiceEvent,
  PeerClipboardMessage,
  utf8Bytes,
} from '../../protocol/clipboard';
import { decodeMessage, parseMessage } from '../../protocol/validate';
import { DisposableStore } from '../../common/lifecycle';
import { ChannelPort } from '../peer/ChannelPort';
import { HostService, HostServiceContext } from '../services/HostService';
import { XClipboard } from './XClipboard';

export class ClipboardService implements HostService {
  private readonly store = new DisposableStore();
  private readonly port: ChannelPort;
  private allowed: ClipboardAllowed = { toHelper: false, toSharer: false };
  private clipboard: Promise<XClipboard> | undefined;
  /** The helper's text we put on the clipboard last: its own copy is not sent back. */
  private lastWritten: string | undefined;
  /** Writes one at a time, in order. */
  private writing: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly ctx: HostServiceContext,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.port = ctx.channel(CLIPBOARD_CHANNEL);
    this.store.add(this.port.onOpen(() => this.sendPeer({ type: 'clipboardAllowed', allowed: this.allowed })));
    this.store.add(this.port.onMessage((data) => this.onPeer(data)));
  }

  onCommand(command: HostCommand): void {
    if (command.type !== 'service' || command.service !== CLIPBOARD_SERVICE) return;
    let message: ClipboardServiceCommand;
    try {
      message = parseMessage(ClipboardServiceCommand, command.message);
    } catch (err) {
      this.ctx.report('ERR_BAD_COMMAND', `clipboard: ${(err as Error).message}`);
      return;
    }
    const allowed = (this.allowed = { ...message.allowed });
    this.ctx.log.info(`clipboard: sharer → helper ${allowed.toHelper ? 'on' : 'off'}, helper → sharer ${allowed.toSharer ? 'on' : 'off'}`);
    // Watching starts with the first Yes (what was on the clipboard before is never sent); the helper is told
    // once every copy from now on is seen.
    const ready = allowed.toHelper
      ? this.open().then(
          () => undefined,
          (err: Error) => this.tell({ type: 'refused', direction: 'toHelper', bytes: 0, code: 'ERR_CLIPBOARD_UNAVAILABLE', message: err.message.slice(0, 500) }),
        )
      : Promise.resolve();
    void ready.then(() => this.allowed === allowed && this.sendPeer({ type: 'clipboardAllowed', allowed }));
  }

  private open(): Promise<XClipboard> {
    this.clipboard ??= XClipboard.open(this.env).then(
      (clipboard) => {
        if (this.disposed) clipboard.dispose();
        else this.store.add(clipboard.onDidCopy(() => void this.onCopy(clipboard)));
        return clipboard;
      },
      (err: Error) => {
        // Tried again next time (xclip installed meanwhile, the display back).
        this.clipboard = undefined;
        throw err;
      },
    );
    return this.clipboard;
  }

  /** The sharer copied something: sent to the helper if that direction is on and it is text within the limit. */
  private async onCopy(clipboard: XClipboard): Promise<void> {
    if (!this.allowed.toHelper || this.disposed) return;
    let bytes: Buffer | undefined;
    try {
      bytes = await clipboard.read(CLIPBOARD_MAX_BYTES);
    } catch (err) {
      this.tell({ type: 'refused', direction: 'toHelper', bytes: 0, code: 'ERR_CLIPBOARD_UNAVAILABLE', message: (err as Error).message.slice(0, 500) });
      return;
    }
    if (!bytes || bytes.length === 0 || !this.allowed.toHelper || this.disposed) return;
    if (bytes.length > CLIPBOARD_MAX_BYTES) {
      this.tell({ type: 'refused', direction: 'toHelper', bytes: bytes.length, code: 'ERR_CLIPBOARD_TOO_LARGE', message: `more than ${CLIPBOARD_MAX_BYTES} bytes` });
      return;
    }
    const text = bytes.toString('utf8');
    if (text === this.lastWritten) return;
    if (!this.port.isOpen) return;
    this.sendPeer({ type: 'clipboardText', text });
    this.tell({ type: 'transferred', direction: 'toHelper', bytes: bytes.length });
  }

  /** The helper's viewer sent text for the sharer's clipboard. */
  private onPeer(data: string | ArrayBuffer): void {
    const raw = typeof data === 'string' ? data : '';
    let message: PeerClipboardMessage;
    try {
      message = decodeMessage(PeerClipboardMessage, raw, CLIPBOARD_MESSAGE_MAX_BYTES);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_TOO_LARGE') return this.refuse('ERR_CLIPBOARD_TOO_LARGE', Buffer.byteLength(raw));
      this.ctx.report('ERR_PEER_PROTOCOL', `clipboard channel: ${(err as Error).message}`);
      return;
    }
    if (message.type !== 'clipboardText') {
      this.ctx.report('ERR_PEER_PROTOCOL', `clipboard channel: ${message.type} is not the helper's to send`);
      return;
    }
    const bytes = utf8Bytes(message.text);
    if (!this.allowed.toSharer) return this.refuse('ERR_CLIPBOARD_OFF', bytes);
    if (bytes > CLIPBOARD_MAX_BYTES) return this.refuse('ERR_CLIPBOARD_TOO_LARGE', bytes);
    const text = message.text;
    this.writing = this.writing.then(async () => {
      if (this.disposed) return;
      // Turned off while waiting in line: still refused.
      if (!this.allowed.toSharer) return this.refuse('ERR_CLIPBOARD_OFF', bytes);
      try {
        const clipboard = await this.open();
        this.lastWritten = text;
        await clipboard.write(text);
      } catch (err) {
        return this.refuse('ERR_CLIPBOARD_UNAVAILABLE', bytes, (err as Error).message);
      }
      this.sendPeer({ type: 'clipboardAccepted', bytes });
      this.tell({ type: 'transferred', direction: 'toSharer', bytes });
    });
  }

  private refuse(code: ClipboardErrorCode, bytes: number, why?: string): void {
    const message = why ?? (code === 'ERR_CLIPBOARD_OFF' ? 'the sharer has not turned on helper → sharer' : `more than ${CLIPBOARD_MAX_BYTES} bytes`);
    this.sendPeer({ type: 'clipboardRefused', code, bytes });
    this.tell({ type: 'refused', direction: 'toSharer' satisfies ClipboardDirection, bytes, code, message: message.slice(0, 500) });
  }

  private sendPeer(message: PeerClipboardMessage): void {
    if (this.port.isOpen) this.port.send(JSON.stringify(message));
  }

  private tell(event: ClipboardServiceEvent): void {
    this.ctx.emit({ type: 'service', service: CLIPBOARD_SERVICE, message: event });
  }

  dispose(): void {
    this.disposed = true;
    this.store.dispose();
  }
}
