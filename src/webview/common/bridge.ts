/**
 * The webview end of the extension ↔ webview channel: validated messages in, typed messages out, and a
 * request/response layer so the page can `await` the extension (each request carries a `requestId` and the
 * extension answers it with exactly one `reply`).
 */
import { ExtensionMessage, WebviewMessage } from '../../protocol/webview';
import { parseMessage, ProtocolError } from '../../protocol/validate';
import { IDisposable, Emitter } from '../../common/lifecycle';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The answer to a request, as the extension gave it. */
export interface Reply {
  readonly ok: boolean;
  readonly message?: string;
  /** Set when the extension refused the request itself (it failed validation). */
  readonly code?: string;
}

type Requestable = Extract<WebviewMessage, { requestId: number }>;
type WithoutRequestId<M> = M extends unknown ? Omit<M, 'requestId'> : never;
type Notification = Exclude<WebviewMessage, Requestable>;

/** How long the page waits for a reply before telling the user the extension did not answer. */
const REPLY_TIMEOUT_MS = 30_000;

export class WebviewBridge implements IDisposable {
  private readonly _onMessage = new Emitter<Exclude<ExtensionMessage, { type: 'reply' }>>();
  /** Every validated message from the extension except replies (those resolve their request). */
  readonly onMessage = this._onMessage.event;
  private readonly _onInvalid = new Emitter<ProtocolError>();
  /** A message from the extension failed validation; it was dropped. */
  readonly onInvalid = this._onInvalid.event;

  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextRequestId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly listener = (event: MessageEvent) => this.receive(event.data);

  constructor() {
    window.addEventListener('message', this.listener);
  }

  /** Sends a message that expects no answer. */
  post(message: Notification): void {
    this.api.postMessage(parseMessage(WebviewMessage, message));
  }

  /** Sends a request and resolves with the extension's reply (never rejects: a timeout is a failed reply). */
  request(message: WithoutRequestId<Requestable>): Promise<Reply> {
    const requestId = this.nextRequestId++;
    const full = parseMessage(WebviewMessage, { ...message, requestId });
    return new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve({ ok: false, message: 'Remote Assist did not answer. Try again.' });
      }, REPLY_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, timer });
      this.api.postMessage(full);
    });
  }

  dispose(): void {
    window.removeEventListener('message', this.listener);
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this._onMessage.dispose();
    this._onInvalid.dispose();
  }

  private receive(data: unknown): void {
    let message: ExtensionMessage;
    try {
      message = parseMessage(ExtensionMessage, data);
    } catch (err) {
      if (err instanceof ProtocolError) this._onInvalid.fire(err);
      return;
    }
    if (message.type === 'reply') {
      const waiting = this.pending.get(message.requestId);
      if (!waiting) return;
      this.pending.delete(message.requestId);
      clearTimeout(waiting.timer);
      waiting.resolve({ ok: message.ok, message: message.message, code: message.code });
      return;
    }
    this._onMessage.fire(message);
  }
}
