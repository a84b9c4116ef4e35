/** A session model in the extension: its history goes to the session's log file, and comes back from it after a reload. */
import { join } from 'path';
import type { Session } from '../protocol/network';
import type { ResumedFrom } from './ActiveSession';
import { AssistanceSession } from './AssistanceSession';
import { ChatLog, chatLogFileName } from './ChatLog';

export function recordedSessionModel(session: Session, role: 'sharer' | 'helper', historyDir: string, resumed: ResumedFrom | undefined): AssistanceSession {
  const peerName = session.peer.displayName;
  // After a window reload the history so far comes back from this session's log, which goes on growing.
  const restored = resumed ? ChatLog.read(join(historyDir, chatLogFileName(session.id)))?.entries : undefined;
  return new AssistanceSession({
    sessionId: session.id,
    role,
    peerName,
    sink: ChatLog.open(historyDir, { kind: 'session', sessionId: session.id, role, peerName, startedAt: session.startedAt }),
    restored,
    resumed: resumed !== undefined,
  });
}
