/**
 * The resume record on disk (resume.json in the extension's storage, mode 0600): written when the window
 * goes away mid-session, taken (read and deleted, so it is used at most once) when the extension activates.
 * A record that is damaged, foreign or older than the resume window is refused with a coded reason.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'fs';
import { join } from 'path';
import { RESUME_RECORD_MAX_BYTES, ResumeFile, ResumeRecord } from '../protocol/resume';
import { decodeMessage, ProtocolError } from '../protocol/validate';
import { REJOIN_WINDOW_MS } from './AssistanceSession';

export const RESUME_FILE = 'resume.json';

export type ResumeRefusal = 'ERR_NO_RECORD' | 'ERR_MALFORMED' | 'ERR_TOO_LARGE' | 'ERR_NOT_JSON' | 'ERR_UNKNOWN_TYPE' | 'ERR_EXPIRED';

export type TakenRecord = { readonly record: ResumeRecord } | { readonly refused: ResumeRefusal; readonly why: string };

/** Writes the record atomically (a 0600 temporary file renamed over the old one). */
export function writeResumeRecord(dir: string, record: ResumeRecord): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, RESUME_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(ResumeRecord.parse(record)));
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** Reads and deletes the record; it is used only if valid and saved within `maxAgeMs` (the rejoin window). */
export function takeResumeRecord(dir: string, now = Date.now(), maxAgeMs = REJOIN_WINDOW_MS): TakenRecord {
  const file = join(dir, RESUME_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { refused: 'ERR_NO_RECORD', why: 'no session was left open by the last window' };
  } finally {
    rmSync(file, { force: true });
  }
  if (bytes.length > RESUME_RECORD_MAX_BYTES) return { refused: 'ERR_TOO_LARGE', why: `${RESUME_FILE} is larger than ${RESUME_RECORD_MAX_BYTES} bytes` };
  let record: ResumeRecord;
  try {
    record = decodeMessage(ResumeFile, bytes.toString('utf8'), RESUME_RECORD_MAX_BYTES);
  } catch (err) {
    const code = err instanceof ProtocolError ? err.code : 'ERR_MALFORMED';
    return { refused: code, why: `${RESUME_FILE} is not a resume record: ${(err as Error).message}`.slice(0, 500) };
  }
  const age = now - record.savedAt;
  if (age < 0 || age > maxAgeMs) return { refused: 'ERR_EXPIRED', why: `the session with ${record.peer.alias} was left ${Math.round(age / 1000)} s ago, past the ${maxAgeMs / 1000} s to resume it` };
  return { record };
}
