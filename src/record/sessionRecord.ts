/**
 * A session's record, read from its stored history: who took part and when, the chat, every status line,
 * the consents and control grants with how long each lasted, the files with names, sizes and SHA-256, and
 * when voice was on. The lines are recognised by the exact sentences the session writes (SessionTexts,
 * VoiceTexts, FileTexts), made with the same functions and the same peer name, so they cannot drift apart.
 */
import { VoiceTexts } from '../common/audio/VoiceTexts';
import type { ChatEntry, SessionRole } from '../protocol/webview';
import type { StoredSession } from '../session/ChatLog';
import { SessionTexts as T } from '../session/SessionTexts';
import { sharerStopKey } from '../common/waylandSession';

export interface TimeSpan {
  readonly from: number;
  /** undefined: still going when the record was made. */
  readonly to: number | undefined;
  /** The line that ended it, e.g. "Alice pressed ESC: control ended.". */
  readonly endedBy?: string;
}

export interface RecordedFile {
  readonly at: number;
  readonly direction: 'sent' | 'received';
  readonly name: string;
  /** As the history shows it, e.g. "300 KB". */
  readonly size: string;
  readonly sha256: string | undefined;
  readonly savedTo?: string;
}

export interface SessionRecord {
  readonly sessionId: string;
  readonly role: SessionRole;
  readonly me: string;
  readonly peer: string;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly consents: { readonly at: number; readonly text: string; readonly given: boolean }[];
  readonly control: TimeSpan[];
  readonly controlRefusals: { readonly at: number; readonly text: string }[];
  readonly voice: TimeSpan[];
  readonly files: RecordedFile[];
  readonly messages: Extract<ChatEntry, { kind: 'message' }>[];
  readonly entries: readonly ChatEntry[];
  /** Lines of the stored file that were damaged and skipped. */
  readonly skippedLines: number;
}

const SENT = /^"(.+)" \(([^()]+)\) was sent to (.+); its SHA-256 matched\.$/;
const RECEIVED = /^"(.+)" \(([^()]+)\) from (.+) was saved to (.+); its SHA-256 matched\.$/;

export function buildSessionRecord(stored: StoredSession, fallbackMyName: string): SessionRecord {
  const { header, entries } = stored;
  const peer = header.peerName;
  const sharer = header.role === 'sharer';
  const me = entries.find((e): e is Extract<ChatEntry, { kind: 'message' }> => e.kind === 'message' && e.from === 'me')?.author ?? fallbackMyName;

  const consentGiven = new Set(sharer ? [T.consentGiven(peer)] : []);
  const consentRefused = new Set(sharer ? [T.consentRefused(peer)] : [T.peerRefusedConsent(peer)]);
  const controlStart = new Set([T.controlGrantedHelper(peer), T.controlGrantedSharer(peer), T.controlGrantedSharer(peer, sharerStopKey('linux', { XDG_SESSION_TYPE: 'wayland' }))]);
  const controlEnd = new Set([T.controlEndedByEscape(peer), T.controlEndedByEscapeSharer, T.controlEnded(peer), T.controlEnded(me), T.controlEnded('You'), T.controlEndedByLoss]);
  const controlRefused = new Set([T.controlNotAllowed, T.controlNotAllowedSharer(peer), T.controlDeclined(peer), T.controlDeclinedSharer(peer)]);
  const voiceStart = new Set([VoiceTexts.started(peer)]);
  const voiceEnd = new Set([VoiceTexts.stopped, VoiceTexts.stoppedBy(peer)]);
  const sessionEnd = T.disconnected(peer);

  const consents: SessionRecord['consents'] = [];
  const control: TimeSpan[] = [];
  const controlRefusals: SessionRecord['controlRefusals'] = [];
  const voice: TimeSpan[] = [];
  const files: RecordedFile[] = [];
  let controlFrom: number | undefined;
  let voiceFrom: number | undefined;
  let endedAt: number | undefined;
  let waitingForConsent = false;
  const close = (from: number | undefined, spans: TimeSpan[], at: number, text: string) => (from === undefined ? undefined : void spans.push({ from, to: at, endedBy: text }));

  for (const e of entries) {
    if (e.kind !== 'status') continue;
    const { text, at } = e;
    if (consentGiven.has(text)) consents.push({ at, text, given: true });
    else if (consentRefused.has(text)) consents.push({ at, text, given: false });
    else if (!sharer && text === T.waitingForConsent(peer)) waitingForConsent = true;
    else if (!sharer && waitingForConsent && text === T.connected(peer)) {
      // the helper learns of the sharer's Yes by the connection
      consents.push({ at, text: `${peer} allowed you to view the screen and chat.`, given: true });
      waitingForConsent = false;
    } else if (controlStart.has(text)) controlFrom = at;
    else if (controlEnd.has(text)) controlFrom = close(controlFrom, control, at, text);
    else if (controlRefused.has(text)) controlRefusals.push({ at, text });
    else if (voiceStart.has(text)) voiceFrom = at;
    else if (voiceEnd.has(text)) voiceFrom = close(voiceFrom, voice, at, text);
    else if (text === sessionEnd) {
      endedAt = at;
      controlFrom = close(controlFrom, control, at, text);
      voiceFrom = close(voiceFrom, voice, at, text);
    } else {
      const sent = SENT.exec(text);
      const received = RECEIVED.exec(text);
      if (sent && sent[3] === peer) files.push({ at, direction: 'sent', name: sent[1], size: sent[2], sha256: e.sha256 });
      else if (received && received[3] === peer) files.push({ at, direction: 'received', name: received[1], size: received[2], sha256: e.sha256, savedTo: received[4] });
    }
  }
  if (controlFrom !== undefined) control.push({ from: controlFrom, to: undefined });
  if (voiceFrom !== undefined) voice.push({ from: voiceFrom, to: undefined });
  return {
    sessionId: header.sessionId,
    role: header.role,
    me,
    peer,
    startedAt: header.startedAt,
    endedAt,
    consents,
    control,
    controlRefusals,
    voice,
    files,
    messages: entries.filter((e): e is Extract<ChatEntry, { kind: 'message' }> => e.kind === 'message'),
    entries,
    skippedLines: stored.skippedLines,
  };
}
