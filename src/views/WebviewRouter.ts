/**
 * The extension end of one webview (panel or sidebar chat view), without `vscode` so tests drive it with a
 * real page: validates what the page posts, answers requests, keeps the page showing the session, and
 * queues messages until the page says it is ready (nothing is lost while the webview loads).
 */
import { DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import type { ActiveSession } from '../session/ActiveSession';
import type { ViewerReport } from '../session/HelperSide';
import { ChatEntry, ExtensionMessage, RequestId, SessionView, ToolbarAction, WebviewMessage } from '../protocol/webview';
import { parseMessage, ProtocolError } from '../protocol/validate';

export interface WebviewRouterOptions {
  /** Posts into the page (webview.postMessage). */
  readonly post: (message: ExtensionMessage) => void;
  /** Runs a toolbar action; resolves with a sentence to show in the page, if any. */
  readonly toolbar?: (action: ToolbarAction) => Promise<string | undefined>;
  /** Reports from the panel's RemoteViewer (the helper's side only). */
  readonly viewerReport?: (report: ViewerReport) => void;
  /** Shown when no session is active (e.g. the last session's history after a restart). */
  readonly idleView?: () => SessionView | null;
  /** The sharer's `path:line` links: which spans of a message are links, and opening one (src/pointing/). */
  readonly pointing?: {
    links(entry: ChatEntry): ChatEntry;
    open(text: string): Promise<void>;
  };
  readonly log: Logger;
}

/** Messages beyond this many while the page loads mean something is wrong; the oldest are dropped. */
const QUEUE_MAX = 1000;

export class WebviewRouter {
  private ready = false;
  private readonly queue: ExtensionMessage[] = [];
  private session: ActiveSession | undefined;
  private sessionStore = new DisposableStore();

  constructor(private readonly options: WebviewRouterOptions) {}

  /** Shows `session` (or the idle view when undefined) and follows its changes. */
  show(session: ActiveSession | undefined): void {
    this.sessionStore.dispose();
    this.sessionStore = new DisposableStore();
    this.session = session;
    if (session) {
      const s = session.model;
      this.sessionStore.add(s.onDidChange(() => this.post({ type: 'state', view: this.currentView() })));
      this.sessionStore.add(s.onDidAppend((entry) => this.post({ type: 'chatEntry', sessionId: s.sessionId, entry: this.withLinks(entry) })));
    }
    this.post({ type: 'state', view: this.currentView() });
  }

  /** Posts now, or after the page is ready. */
  post(message: ExtensionMessage): void {
    if (this.ready) {
      this.options.post(message);
      return;
    }
    if (this.queue.length >= QUEUE_MAX) this.queue.shift();
    this.queue.push(message);
  }

  /** The page was reloaded or closed: queue again until it says ready. */
  reset(): void {
    this.ready = false;
  }

  /** Everything the page posts arrives here. */
  receive(raw: unknown): void {
    let message: WebviewMessage;
    try {
      message = parseMessage(WebviewMessage, raw);
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'ERR_MALFORMED';
      const why = `${code} ${(err as Error).message ?? String(err)}`.slice(0, 2000);
      this.options.log.warn(`webview sent an invalid message: ${why}`);
      // A request the page awaits is answered now, with the reason, rather than by the page's timeout.
      const requestId = RequestId.safeParse(typeof raw === 'object' && raw !== null ? (raw as { requestId?: unknown }).requestId : undefined);
      if (requestId.success) this.post({ type: 'reply', requestId: requestId.data, ok: false, code, message: `The request was refused: ${why}`.slice(0, 2000) });
      return;
    }
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        // The state first, so signals queued meanwhile reach a viewer that exists.
        this.options.post({ type: 'state', view: this.currentView() });
        for (const queued of this.queue.splice(0)) if (queued.type !== 'state' && queued.type !== 'chatEntry') this.options.post(queued);
        break;
      }
      case 'sendChat':
        void this.answer(message.requestId, async () => {
          if (!this.session) throw new Error('There is no Remote Assistance session to chat in.');
          await this.session.sendChat(message.text);
          return undefined;
        });
        break;
      case 'openCodeReference':
        void this.answer(message.requestId, async () => {
          if (!this.options.pointing || this.session?.model.role !== 'sharer') throw new Error('Links to code open only on the sharing side.');
          await this.options.pointing.open(message.text);
          return undefined;
        });
        break;
      case 'toolbar':
        void this.answer(message.requestId, async () => {
          if (!this.options.toolbar) throw new Error('This view has no toolbar.');
          return this.options.toolbar(message.action);
        });
        break;
      default:
        if (this.options.viewerReport) this.options.viewerReport(message);
        else this.options.log.warn(`webview without a viewer sent ${message.type}; dropped`);
    }
  }

  dispose(): void {
    this.sessionStore.dispose();
    this.queue.length = 0;
  }

  private currentView(): SessionView | null {
    const session = this.session;
    if (!session) return this.options.idleView?.() ?? null;
    // The helper's panel builds its peer connection with these.
    if (session.model.role === 'helper') return { ...session.model.view, iceServers: [...session.iceServers] };
    const view = session.model.view;
    return this.options.pointing ? { ...view, history: view.history.map((e) => this.withLinks(e)) } : view;
  }

  /** On the sharer's side, marks which `path:line` spans of a message open a file. */
  private withLinks(entry: ChatEntry): ChatEntry {
    if (!this.options.pointing || this.session?.model.role !== 'sharer' || entry.kind !== 'message') return entry;
    try {
      return this.options.pointing.links(entry);
    } catch (err) {
      this.options.log.warn(`code links: ${(err as Error).message}`);
      return entry;
    }
  }

  private async answer(requestId: number, work: () => Promise<string | undefined>): Promise<void> {
    try {
      const message = await work();
      this.post({ type: 'reply', requestId, ok: true, ...(message ? { message: message.slice(0, 2000) } : {}) });
    } catch (err) {
      this.post({ type: 'reply', requestId, ok: false, message: ((err as Error).message || 'That did not work.').slice(0, 2000) });
    }
  }
}
