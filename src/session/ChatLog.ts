/**
 * A session's history (messages and status lines) as a JSON-lines file under the extension's global
 * storage, so it is there again after VS Code restarts. The first line describes the session.
 */
import { createHash } from 'crypto';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import { ChatEntry, HISTORY_MAX_ENTRIES, SessionRole } from '../protocol/webview';
import type { HistorySink } from './AssistanceSession';

export const ChatLogHeader = z.object({
  kind: z.literal('session'),
  sessionId: z.string().min(1).max(128),
  role: SessionRole,
  peerName: z.string().max(128),
  startedAt: z.number().int().min(0),
});
export type ChatLogHeader = z.infer<typeof ChatLogHeader>;

export interface StoredSession {
  readonly header: ChatLogHeader;
  readonly entries: ChatEntry[];
  /** Lines that failed validation (a damaged or hand-edited file); they are skipped, never trusted. */
  readonly skippedLines: number;
}

/** A log stops growing past this size; a runaway peer cannot fill the disk. */
export const CHAT_LOG_MAX_BYTES = 8 * 1024 * 1024;

/** A file name that cannot escape the directory, whatever the (server-chosen) session id is. */
export function chatLogFileName(sessionId: string): string {
  const safe = /^[A-Za-z0-9_-]{1,64}$/.test(sessionId) ? sessionId : createHash('sha256').update(sessionId).digest('hex').slice(0, 40);
  return `${safe}.jsonl`;
}

export class ChatLog implements HistorySink {
  private bytes: number;
  private full = false;

  private constructor(
    readonly file: string,
    bytes: number,
  ) {
    this.bytes = bytes;
  }

  /** Opens the log of `header.sessionId` in `dir`, creating it with its header line if new. */
  static open(dir: string, header: ChatLogHeader): ChatLog {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, chatLogFileName(header.sessionId));
    let bytes = 0;
    try {
      bytes = statSync(file).size;
    } catch {
      const line = JSON.stringify(ChatLogHeader.parse(header)) + '\n';
      writeFileSync(file, line, { mode: 0o600 });
      bytes = Buffer.byteLength(line);
    }
    return new ChatLog(file, bytes);
  }

  append(entry: ChatEntry): void {
    if (this.full) return;
    const line = JSON.stringify(entry) + '\n';
    if (this.bytes + Buffer.byteLength(line) > CHAT_LOG_MAX_BYTES) {
      this.full = true;
      return;
    }
    appendFileSync(this.file, line);
    this.bytes += Buffer.byteLength(line);
  }

  /** Reads one log file; undefined when it has no valid header. */
  static read(file: string): StoredSession | undefined {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const lines = text.split('\n').filter((l) => l.length > 0);
    const header = ChatLogHeader.safeParse(parseJson(lines[0]));
    if (!header.success) return undefined;
    const entries: ChatEntry[] = [];
    let skippedLines = 0;
    for (const line of lines.slice(1)) {
      const entry = ChatEntry.safeParse(parseJson(line));
      if (entry.success) entries.push(entry.data);
      else skippedLines++;
    }
    return { header: header.data, entries: entries.slice(-HISTORY_MAX_ENTRIES), skippedLines };
  }

  /** Every stored session in `dir`, newest first. */
  static readAll(dir: string): StoredSession[] {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return [];
    }
    const sessions = names.map((n) => ChatLog.read(join(dir, n))).filter((s): s is StoredSession => s !== undefined);
    return sessions.sort((a, b) => b.header.startedAt - a.header.startedAt);
  }
}

function parseJson(line: string | undefined): unknown {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
