/** Every history line and message of clipboard sync, in one place. */
import type { ClipboardAllowed, ClipboardErrorCode } from '../protocol/clipboard';
import { CLIPBOARD_MAX_BYTES } from '../protocol/clipboard';

const size = (bytes: number) => `${bytes} byte${bytes === 1 ? '' : 's'}`;
const reason: Record<ClipboardErrorCode, string> = {
  ERR_CLIPBOARD_OFF: 'clipboard sync in that direction is off',
  ERR_CLIPBOARD_TOO_LARGE: `it is over the ${CLIPBOARD_MAX_BYTES / 1024} KiB limit`,
  ERR_CLIPBOARD_UNAVAILABLE: 'the clipboard cannot be used on that computer',
};

export const ClipboardTexts = {
  /** The sharer's own history when they change what may move. */
  sharerAllowed: (helper: string, a: ClipboardAllowed) =>
    `Clipboard sync: your copies ${a.toHelper ? 'go' : 'do not go'} to ${helper}; ${helper}'s clipboard text ${a.toSharer ? 'may be' : 'may not be'} put on your clipboard.`,
  helperAllowed: (sharer: string, a: ClipboardAllowed) =>
    `${sharer} set clipboard sync: ${sharer}'s copies ${a.toHelper ? 'come' : 'do not come'} to you; your clipboard text ${a.toSharer ? 'may be sent' : 'may not be sent'} to ${sharer}.`,
  sentToHelper: (helper: string, bytes: number) => `Clipboard → ${helper}: your copied text (${size(bytes)}) was sent.`,
  receivedFromHelper: (helper: string, bytes: number) => `Clipboard ← ${helper}: text (${size(bytes)}) was put on your clipboard.`,
  refusedToHelper: (helper: string, bytes: number, code: ClipboardErrorCode) => `Clipboard → ${helper}: your copied text (${size(bytes)}) was not sent: ${reason[code]} (${code}).`,
  refusedFromHelper: (helper: string, bytes: number, code: ClipboardErrorCode) => `Clipboard ← ${helper}: text (${size(bytes)}) was refused: ${reason[code]} (${code}).`,
  /** The helper's history. */
  receivedFromSharer: (sharer: string, bytes: number) => `Clipboard ← ${sharer}: text (${size(bytes)}) was put on your clipboard.`,
  acceptedBySharer: (sharer: string, bytes: number) => `Clipboard → ${sharer}: your text (${size(bytes)}) was put on ${sharer}'s clipboard.`,
  refusedBySharer: (sharer: string, bytes: number, code: ClipboardErrorCode) => `Clipboard → ${sharer}: your text (${size(bytes)}) was refused: ${reason[code]} (${code}).`,
  nothingToSend: 'Your clipboard holds no text; nothing was sent.',
  pickTitle: 'Remote Assist: Clipboard Sync',
  pickPrompt: 'Which directions may clipboard text move in this session? (Unticked: off.)',
  toHelperItem: (helper: string) => `Send what I copy to ${helper}`,
  toSharerItem: (helper: string) => `Let ${helper} put text on my clipboard`,
} as const;
