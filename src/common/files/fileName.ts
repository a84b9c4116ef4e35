/**
 * Receiving-side file name sanitiser: the offered name is untrusted. The result is one plain path
 * segment that is safe on Linux, macOS and Windows: no separators, no "..", no leading dot, no control or
 * bidi characters, no reserved device name, at most 255 UTF-8 bytes.
 */
import { FileTransferError } from './FileTransferError';

const MAX_NAME_BYTES = 255;
/** Windows device names, reserved with any extension ("CON.txt" too). */
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i;
/** Control, format (bidi overrides), line/paragraph separators, and characters Windows forbids. */
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>:"|?*]/gu;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character as the user sees it (é, 👍🏽). */
function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    const n = utf8Length(segment);
    if (bytes + n > maxBytes) break;
    out += segment;
    bytes += n;
  }
  return out;
}

/** Leading dots hide files (and "."/".." are directories); trailing dots and spaces vanish on Windows. */
function trimEnds(name: string): string {
  return name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
}

/** At most MAX_NAME_BYTES, keeping a short extension, and trimmed after the cut (a cut can end in spaces). */
function fit(name: string): string {
  if (utf8Length(name) <= MAX_NAME_BYTES) return trimEnds(name);
  const ext = name.lastIndexOf('.');
  const suffix = ext > 0 && utf8Length(name.slice(ext)) <= 32 ? name.slice(ext) : '';
  return trimEnds(truncateUtf8(name.slice(0, name.length - suffix.length), MAX_NAME_BYTES - utf8Length(suffix)) + suffix);
}

function isDeviceName(name: string): boolean {
  const dot = name.indexOf('.');
  return DEVICE_NAME.test((dot === -1 ? name : name.slice(0, dot)).trim());
}

/** Returns a safe file name for `offered`, or throws ERR_BAD_NAME when nothing usable remains. */
export function sanitizeFileName(offered: string): string {
  // Only the last path segment counts: "../../.bashrc" → ".bashrc", "C:\\x\\evil" → "evil".
  const segments = offered.normalize('NFC').split(/[/\\]/);
  // Trimmed before the cut too, so a name of 300 spaces and "x" is not cut to spaces alone.
  let name = fit(trimEnds((segments[segments.length - 1] ?? '').replace(UNSAFE_CHARS, '_')));
  if (name.length === 0) throw new FileTransferError('ERR_BAD_NAME', `no usable file name in ${JSON.stringify(offered.slice(0, 80))}`);
  // Checked on the final name: "con" followed by 300 spaces and "x" is cut to "con" and spaces, then trimmed.
  if (isDeviceName(name)) name = fit(`_${name}`);
  return name;
}
