/**
 * Plays VS Code's part for the panel page in a plain browser: `acquireVsCodeApi()` hands the panel's messages
 * to the product's WebviewRouter (validation, requests and replies, queueing until ready), and the router's
 * messages come back as the page's own `message` events, where the panel's bridge validates them again.
 * Imported before the panel so its bridge finds the API.
 */
import { silentLogger, type Logger } from '../common/logger';
import type { ExtensionMessage } from '../protocol/webview';
import { SessionFeatures } from '../session/SessionFeatures';
import { ToolbarDispatch } from '../views/ToolbarDispatch';
import { WebviewRouter } from '../views/WebviewRouter';
import type { QualityPreset } from '../session/QualityPresets';
import type { BrowserHelperSession } from './BrowserHelperSession';
import { pickQuality } from './QualityPicker';
import { askInPage } from './PageQuestion';
import { toggleMute, toggleTalking } from '../common/audio/talkToggles';
import { VoiceTexts } from '../common/audio/VoiceTexts';
import type { IDisposable } from '../common/lifecycle';

const log: Logger = { ...silentLogger, warn: (m) => console.warn(m), error: (m) => console.error(m) };

let session: BrowserHelperSession | undefined;
/** The helper's last pick in Settings (the sharer's side caps it). */
let quality: QualityPreset = 'Auto';

const HELP_TEXT =
  'You are helping from a browser. Chat on the left; Take Control asks the sharer, who can take it back at any time with Esc; Start Talking asks the sharer for a voice conversation with the microphone and speaker of this browser (a headset avoids echo); Disconnect ends the session for both of you.';

/** Into the page, as a webview receives from its extension (only this window can send these: see the page's COOP). */
function toPage(message: ExtensionMessage): void {
  window.dispatchEvent(new MessageEvent('message', { data: message, origin: location.origin, source: window }));
}

const features = new SessionFeatures();
/** Send a File: the browser's own file picker (the toolbar click is the user's gesture it needs). */
features.register('sendFile', async () => {
  const picker = Object.assign(document.createElement('input'), { type: 'file', multiple: true, hidden: true });
  picker.addEventListener('change', () => {
    if (picker.files?.length) session?.sendFiles(picker.files);
    picker.remove();
  });
  document.body.append(picker);
  picker.click();
  return undefined;
});

/** Start Talking: the browser's microphone and speaker; the sharer accepts first, as in VS Code. */
features.register('startTalking', async (s) => toggleTalking(s));
features.register('toggleMute', async (s) => toggleMute(s));

/** The voice conversation's questions and errors, in the page. */
export const talkPrompts = {
  askToTalk: (peer: string) =>
    askInPage({
      text: VoiceTexts.askToTalk(peer),
      label: 'Voice conversation',
      kind: 'talk-offer',
      yes: { text: 'Accept', class: 'talk-accept' },
      no: { text: 'Decline', class: 'talk-decline' },
    }),
  showError: (message: string) => toPage({ type: 'notice', text: message }),
};

const dispatch = new ToolbarDispatch(() => session, features, {
  // answered at once: the picker stays open as long as the helper likes, and the request must not wait on it
  settings: async () => {
    void pickQuality(quality).then(async (preset) => {
      if (!preset || !session) return;
      quality = preset;
      try {
        await session.setQuality(preset);
        toPage({ type: 'notice', text: `Screen quality: ${preset}.` });
      } catch (err) {
        toPage({ type: 'notice', text: (err as Error).message });
      }
    });
    return undefined;
  },
  help: async () => toPage({ type: 'notice', text: HELP_TEXT }),
});

export const router = new WebviewRouter({
  post: (m) => queueMicrotask(() => toPage(m)),
  toolbar: (action) => dispatch.run(action),
  viewerReport: (report) => session?.handleViewerReport(report),
  log,
});

let talkWatch: IDisposable | undefined;

/** The session the panel shows from now on. */
export function showSession(next: BrowserHelperSession): void {
  session = next;
  router.show(next);
  // The toolbar's Start/Stop Talking and Mute follow the session's talk state, as the extension's panel does.
  talkWatch?.dispose();
  talkWatch = next.talk.onDidChange(({ phase, muted, peerMuted, micMode, talkHeld, local, remote }) =>
    router.post({ type: 'talkState', talk: { phase, muted, peerMuted, micMode, talkHeld, local, remote } }),
  );
}

export { log as pageLog, toPage };

(globalThis as unknown as { acquireVsCodeApi: () => { postMessage(m: unknown): void } }).acquireVsCodeApi = () => ({
  postMessage: (m: unknown) => router.receive(m),
});
