/**
 * The chat history (messages and status lines) and the message box; shared by the panel and the sidebar
 * chat view. ENTER or the Send button sends; Shift+ENTER is not needed since messages are one line.
 */
import type { ChatEntry, SessionView } from '../../protocol/webview';
import { CHAT_TEXT_MAX } from '../../protocol/webview';
import type { Reply } from './bridge';
import { h, icon } from './dom';

interface TextFieldElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

export class ChatPane {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly field: TextFieldElement;
  private readonly sendButton: HTMLElement & { disabled: boolean };
  private readonly error: HTMLElement;
  private sessionId: string | undefined;
  private canSend = false;

  /** `openReference`: the sharer's chat view opens `path:line` links through the extension. */
  constructor(
    private readonly send: (text: string) => Promise<Reply>,
    private readonly openReference?: (text: string) => Promise<Reply>,
  ) {
    this.list = h('ol', { class: 'chat-history', 'aria-label': 'Chat history', 'aria-live': 'polite', tabindex: '0' });
    // The toolkit names the field after its text content (shown as a label; visually hidden in CSS).
    this.field = h('vscode-text-field', { class: 'chat-input', placeholder: 'Type a message and press Enter', maxlength: String(CHAT_TEXT_MAX) }, 'Message') as TextFieldElement;
    this.sendButton = h('vscode-button', { class: 'chat-send', 'aria-label': 'Send' }, icon('send', 'start'), 'Send') as HTMLElement & { disabled: boolean };
    this.error = h('div', { class: 'chat-error', role: 'alert' });
    const form = h('div', { class: 'chat-compose' }, this.field, this.sendButton);
    this.element = h('div', { class: 'chat-pane' }, this.list, this.error, form);

    this.field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.submit();
      }
    });
    this.sendButton.addEventListener('click', () => void this.submit());
    this.setEnabled(false);
  }

  /** Shows a session's whole state (on load and on every phase change). */
  show(view: SessionView | null): void {
    this.list.replaceChildren();
    this.sessionId = view?.sessionId;
    for (const entry of view?.history ?? []) this.append(entry);
    this.setEnabled(view?.phase === 'connected');
  }

  /** Adds one line as it happens; lines of another session are ignored. */
  add(sessionId: string, entry: ChatEntry): void {
    if (sessionId === this.sessionId) this.append(entry);
  }

  focus(): void {
    this.field.focus();
  }

  private append(entry: ChatEntry): void {
    const time = new Date(entry.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const item =
      entry.kind === 'status'
        ? h('li', { class: 'entry status' }, h('span', { class: 'text' }, entry.text))
        : h(
            'li',
            { class: `entry message from-${entry.from}` },
            h('span', { class: 'author' }, `${entry.author}:`),
            ' ',
            h('span', { class: 'text' }, ...this.textWithLinks(entry)),
          );
    item.title = time;
    this.list.append(item);
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** The message's text, with the spans the extension marked as code links made clickable. */
  private textWithLinks(entry: Extract<ChatEntry, { kind: 'message' }>): (string | HTMLElement)[] {
    const links = this.openReference ? [...(entry.codeLinks ?? [])].sort((a, b) => a.start - b.start) : [];
    const parts: (string | HTMLElement)[] = [];
    let at = 0;
    for (const { start, end } of links) {
      if (start < at || end <= start || end > entry.text.length) continue;
      parts.push(entry.text.slice(at, start));
      const text = entry.text.slice(start, end);
      const link = h('a', { class: 'code-link', href: '#', title: `Open ${text} in the editor` }, text);
      link.addEventListener('click', (e) => {
        e.preventDefault();
        void this.openReference?.(text).then((reply) => {
          this.error.textContent = reply.ok ? '' : reply.message ?? 'The file could not be opened.';
        });
      });
      parts.push(link);
      at = end;
    }
    parts.push(entry.text.slice(at));
    return parts.filter((p) => p !== '');
  }

  private setEnabled(on: boolean): void {
    this.canSend = on;
    this.field.disabled = !on;
    this.sendButton.disabled = !on;
  }

  private async submit(): Promise<void> {
    const text = this.field.value.trim();
    if (!text || !this.canSend) return;
    this.error.textContent = '';
    this.field.value = '';
    const reply = await this.send(text);
    if (!reply.ok) {
      // Nothing is lost: the text goes back into the box with the reason.
      this.field.value = text;
      this.error.textContent = reply.message ?? 'The message was not sent.';
    }
  }
}
