/**
 * The helper's Remote Assistance panel: status line, toolbar, chat on the left and the sharer's desktop on
 * the right (the host engineer's RemoteViewer). Everything the viewer reports goes to the extension, which
 * relays signaling, records history and decides what the toolbar does.
 */
import '../common/pageGlobals';
import type { ExtensionMessage, SessionView, ToolbarAction } from '../../protocol/webview';
import { WebviewBridge } from '../common/bridge';
import { ChatPane } from '../common/ChatPane';
import { h, icon } from '../common/dom';
import { registerToolkit } from '../common/toolkit';
import { isRelayed, pathDetail, pathSummary } from '../../common/connectionPath';
import type { ConnectionPath } from '../../protocol/ice';
import { RemoteViewer } from '../viewer';
import { ConnectionQuality } from './ConnectionQuality';
import { VoiceBridge } from '../voice/VoiceBridge';
import { ViewerFilesRelay } from '../files/ViewerFilesRelay';
import { TransferList } from '../files/TransferList';
import { FileDropTarget } from '../files/FileDropTarget';
import { Toolbar } from './Toolbar';
import { AnnotationBar } from './AnnotationBar';
import { PhaseCard } from './PhaseCard';
import { SessionGuards } from './SessionGuards';

registerToolkit();
const bridge = new WebviewBridge();

const statusLine = h('span', { class: 'status-line' });
const guards = new SessionGuards();
const statusBar = h('div', { class: 'session-status', role: 'status', 'aria-live': 'polite' }, icon('vm-connect'), statusLine, guards.badges);
const notice = h('div', { class: 'notice', role: 'alert', hidden: true });
const toolbar = new Toolbar((action) => void press(action));
const chat = new ChatPane((text) => bridge.request({ type: 'sendChat', text }));
const SCALE_TOOLTIPS = {
  fit: 'Click this button to show the remote desktop at its actual size (1:1).',
  '1:1': 'Click this button to fit the remote desktop into the panel.',
} as const;
const scaleButton = h('vscode-button', { appearance: 'icon', class: 'scale', 'aria-label': 'Actual Size (1:1)', title: SCALE_TOOLTIPS.fit }, icon('screen-full'));
const keyboardHint = h('span', { class: 'keyboard-hint', 'aria-live': 'polite' });
/** Direct or Relayed (TURN over UDP/TCP/TLS) and the round trip, from the viewer's getStats. */
const pathIndicator = h('span', { class: 'connection-path', role: 'status', hidden: true });
const quality = new ConnectionQuality();
/** Where the desktop is, what is happening and what the helper can do next: the panel never sits blank. */
const phaseCard = new PhaseCard((action) => void press(action));
/** Pen, Arrow and Clear: the helper's marks on the sharer's screen (Alt+click points without them). */
const annotationBar = new AnnotationBar((mode) => viewer?.setAnnotationMode(mode), () => viewer?.clearAnnotations());
const desktopHeader = h('div', { class: 'desktop-header' }, h('span', { class: 'desktop-title' }, 'Remote desktop'), pathIndicator, keyboardHint, quality.element, annotationBar.element, scaleButton);
const desktop = h('div', { class: 'desktop', role: 'application', 'aria-label': 'Remote desktop' });
const layout = h(
  'main',
  { class: 'layout' },
  h('section', { class: 'chat-column', 'aria-label': 'Chat' }, chat.element),
  h('section', { class: 'desktop-column', 'aria-label': 'Remote desktop' }, desktopHeader, phaseCard.element, h('div', { class: 'desktop-frame' }, desktop, guards.veil)),
);
const transfers = new TransferList();
new FileDropTarget(document.body, (uris) => bridge.post({ type: 'viewerFilesDropped', uris }));
document.body.append(statusBar, toolbar.element, notice, transfers.element, layout);

let view: SessionView | null = null;
let viewer: RemoteViewer | undefined;
/** The sharer's peer connection the viewer answers; a signal with another epoch means a new connection. */
let viewerEpoch: number | undefined;
/** Until the first state arrives: a page that loads into a live session has no peer connection yet. */
let firstState = true;
let voice: VoiceBridge | undefined;
let files: ViewerFilesRelay | undefined;
let scale: 'fit' | '1:1' = 'fit';
let noticeTimer: ReturnType<typeof setTimeout> | undefined;

function showNotice(text: string): void {
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (notice.hidden = true), 8000);
}

async function press(action: ToolbarAction): Promise<void> {
  // Stop Control goes straight to the sharer's host from here (the extension's round trip would add to it);
  // the extension still hears of it and records the end when the host confirms.
  if (action === 'stopControl') viewer?.releaseControl();
  const reply = await bridge.request({ type: 'toolbar', action });
  if (reply.message) showNotice(reply.message);
}

/** The viewer exists from the moment the session is known until it ends, so early signals are not lost. */
function ensureViewer(): RemoteViewer {
  if (viewer) return viewer;
  const v = new RemoteViewer(desktop, (payload) => bridge.post({ type: 'viewerSignal', payload }), { iceServers: view?.iceServers });
  v.onConnected(() => bridge.post({ type: 'viewerConnected' }));
  v.onDisconnected((reason) => bridge.post({ type: 'viewerDisconnected', reason: reason.slice(0, 500) }));
  v.onLink((state) => {
    bridge.post({ type: 'viewerLink', state });
    updateKeyboard();
  });
  v.onChat((text) => bridge.post({ type: 'viewerChat', text }));
  v.onClipboard((message) => bridge.post({ type: 'viewerClipboard', message }));
  v.onStats((stats) => quality.update(stats));
  v.onVerification((code) => bridge.post({ type: 'viewerVerification', code }));
  v.onSharing((paused) => bridge.post({ type: 'viewerSharing', paused }));
  v.onScreenHidden(({ hidden, reason }) => bridge.post({ type: 'viewerScreenHidden', hidden, reason }));
  v.onControlState(({ granted, reason, remainingMs }) => {
    bridge.post({ type: 'viewerControl', granted, reason, remainingMs });
    updateKeyboard();
  });
  v.onInputRefused(() => showRefused());
  v.onAnnotationRefused(({ message }) => showNotice(`Not shown on the sharer's screen: ${message}`));
  v.onPath((path) => {
    showPath(path);
    bridge.post({ type: 'viewerPath', path });
  });
  v.onError(({ code, message }) => bridge.post({ type: 'viewerError', message: `${code}: ${message}`.slice(0, 2000) }));
  v.setScale(scale);
  v.setAnnotationMode(annotationBar.current);
  // Start Talking: the helper's audio is captured and played by the extension, which this bridges to the peer;
  // in the browser page (no extension) the browser's own microphone and speaker are used instead.
  voice = new VoiceBridge(v.peerInstance, {
    workletUrl: document.body.dataset.voiceWorklet ?? '',
    post: (e) => bridge.post(e),
    browserAudio: document.body.classList.contains('browser-page'),
  });
  // Send a File: the engine and the disk are in the extension; this relays the files channel.
  files = new ViewerFilesRelay(v.peerInstance, (e) => bridge.post(e));
  viewer = v;
  return v;
}

function showPath(path: ConnectionPath | undefined): void {
  pathIndicator.hidden = path === undefined;
  quality.setPath(path && pathDetail(path));
  if (!path) return;
  pathIndicator.dataset.path = isRelayed(path) ? 'relayed' : 'direct';
  pathIndicator.replaceChildren(icon(isRelayed(path) ? 'server' : 'arrow-swap'), h('span', {}, pathSummary(path)));
  pathIndicator.title = pathDetail(path);
  pathIndicator.setAttribute('aria-label', `Connection: ${pathDetail(path)}`);
}

function closeViewer(): void {
  showPath(undefined);
  quality.reset();
  voice?.dispose();
  voice = undefined;
  files?.dispose();
  files = undefined;
  viewer?.dispose();
  viewer = undefined;
  updateKeyboard();
}

/** Refused input is said where the keyboard hint is, for a few seconds. */
let refusedTimer: ReturnType<typeof setTimeout> | undefined;
function showRefused(): void {
  keyboardHint.textContent = `${view?.peerName ?? 'The sharer'}'s computer refused that: this part of the screen is not open to your control.`;
  clearTimeout(refusedTimer);
  refusedTimer = setTimeout(updateKeyboard, 4000);
}

/** Keyboard goes to the remote machine only while control is granted and the desktop has focus. */
function updateKeyboard(): void {
  const granted = view?.control === 'granted' && viewer !== undefined;
  const focused = desktop.contains(document.activeElement);
  viewer?.setKeyboardCapture(granted && focused);
  desktop.classList.toggle('captured', granted && focused);
  keyboardHint.textContent = !granted
    ? ''
    : focused
      ? `Your keyboard and mouse control ${view?.peerName}'s computer. Ctrl+Alt+Home releases the keyboard.`
      : `Click the remote desktop to control ${view?.peerName}'s computer.`;
}

desktop.addEventListener('focusin', updateKeyboard);
// The viewer takes pointer events for the remote machine; a click must still move keyboard focus there.
desktop.addEventListener('pointerdown', () => desktop.querySelector<HTMLElement>('.ra-viewer')?.focus());
desktop.addEventListener('focusout', () => setTimeout(updateKeyboard, 0));
// Capture phase: the viewer swallows every key while capturing, so the release chord is seen first here.
window.addEventListener(
  'keydown',
  (e) => {
    if (e.ctrlKey && e.altKey && e.key === 'Home' && desktop.contains(document.activeElement)) {
      e.preventDefault();
      e.stopPropagation();
      (document.activeElement as HTMLElement | null)?.blur();
      scaleButton.focus();
    }
  },
  true,
);

scaleButton.addEventListener('click', () => {
  scale = scale === 'fit' ? '1:1' : 'fit';
  viewer?.setScale(scale);
  const label = scale === 'fit' ? 'Actual Size (1:1)' : 'Fit to Panel';
  scaleButton.setAttribute('aria-label', label);
  scaleButton.title = SCALE_TOOLTIPS[scale];
  scaleButton.replaceChildren(icon(scale === 'fit' ? 'screen-full' : 'screen-normal'));
});

function render(next: SessionView | null): void {
  view = next;
  // Reloaded (or reopened) while the session lives: the old page's peer connection died with it; ask for a new one.
  if (firstState && (next?.phase === 'connected' || next?.phase === 'reconnecting')) bridge.post({ type: 'viewerRejoin' });
  firstState = false;
  statusLine.textContent = next?.statusLine ?? 'No Remote Assistance session.';
  guards.show(next);
  document.body.dataset.phase = next?.phase ?? 'none';
  toolbar.update(next?.phase ?? 'ended', next?.control ?? 'viewOnly');
  annotationBar.enable(next?.phase === 'connected');
  phaseCard.show(next);
  chat.show(next);
  desktop.setAttribute('aria-label', next ? `Remote desktop of ${next.peerName}` : 'Remote desktop');
  if (next && next.phase !== 'ended') ensureViewer();
  else closeViewer();
  updateKeyboard();
}

function handle(message: Exclude<ExtensionMessage, { type: 'reply' }>): void {
  switch (message.type) {
    case 'state':
      render(message.view);
      break;
    case 'chatEntry':
      chat.add(message.sessionId, message.entry);
      break;
    case 'notice':
      showNotice(message.text);
      break;
    case 'viewerSignal':
      if (message.epoch !== undefined && message.epoch !== viewerEpoch) {
        if (viewerEpoch !== undefined) closeViewer();
        viewerEpoch = message.epoch;
      }
      ensureViewer().signal(message.payload);
      break;
    case 'viewerSendChat':
      viewer?.sendChat(message.text);
      break;
    case 'viewerSendClipboard':
      viewer?.sendClipboard(message.text);
      break;
    case 'viewerRequestControl':
      viewer?.requestControl();
      break;
    case 'viewerReleaseControl':
      viewer?.releaseControl();
      break;
    case 'viewerClose':
      closeViewer();
      break;
    case 'viewerVoiceOpen':
    case 'viewerVoicePcm':
    case 'viewerVoiceClose':
    case 'viewerVoiceMute':
    case 'viewerVoicePeer':
      voice?.handle(message);
      break;
    case 'viewerFilesSendText':
    case 'viewerFilesSendFrame':
      files?.handle(message);
      break;
    case 'talkState':
      toolbar.setTalk(message.talk, view?.peerName ?? '');
      break;
    case 'viewerFilesProgress':
      transfers.update(message.transfer);
      break;
  }
}

bridge.onMessage(handle);
bridge.onInvalid((err) => bridge.post({ type: 'viewerError', message: `${err.code}: the panel dropped an invalid message: ${err.message}`.slice(0, 2000) }));
render(null);
bridge.post({ type: 'ready' });
