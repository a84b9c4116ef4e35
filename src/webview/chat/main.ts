/** The sidebar chat view: the active (or last) session's history and the message box, on either side. */
import '../common/pageGlobals';
import type { SessionView } from '../../protocol/webview';
import { WebviewBridge } from '../common/bridge';
import { ChatPane } from '../common/ChatPane';
import { h, icon } from '../common/dom';
import { registerToolkit } from '../common/toolkit';

registerToolkit();
const bridge = new WebviewBridge();
const statusLine = h('span', { class: 'status-line' });
const status = h('div', { class: 'session-status', role: 'status', 'aria-live': 'polite' }, icon('comment-discussion'), statusLine);
const notice = h('div', { class: 'notice', role: 'alert', hidden: true });
const chat = new ChatPane(
  (text) => bridge.request({ type: 'sendChat', text }),
  (text) => bridge.request({ type: 'openCodeReference', text }),
);
document.body.append(status, notice, chat.element);

function render(view: SessionView | null): void {
  statusLine.textContent = view?.statusLine ?? 'No Remote Assistance session. Chat appears here once a session starts.';
  document.body.dataset.phase = view?.phase ?? 'none';
  chat.show(view);
}

bridge.onMessage((message) => {
  if (message.type === 'state') render(message.view);
  else if (message.type === 'chatEntry') chat.add(message.sessionId, message.entry);
  else if (message.type === 'notice') {
    notice.textContent = message.text;
    notice.hidden = false;
  }
});
render(null);
bridge.post({ type: 'ready' });
