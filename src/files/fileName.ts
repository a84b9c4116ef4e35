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

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = utf8Length(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Returns a safe file name for `offered`, or throws ERR_BAD_NAME when nothing usable remains. */
export function sanitizeFileName(offered: string): string {
  // Only the last path segment counts: "../../.bashrc" → ".bashrc", "C:\\x\\evil" → "evil".
  const segments = offered.normalize('NFC').split(/[/\\]/);
  let name = segments[segments.length - 1] ?? '';
  name = name.replace(UNSAFE_CHARS, '_');
  // Leading dots hide files (and "."/".." are directories); trailing dots and spaces vanish on Windows.
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (name.length === 0) throw new FileTransferError('ERR_BAD_NAME', `no usable file name in ${JSON.stringify(offered.slice(0, 80))}`);
  const dot = name.indexOf('.');
  const stem = dot === -1 ? name : name.slice(0, dot);
  if (DEVICE_NAME.test(stem.trim())) name = `_${name}`;
  if (utf8Length(name) > MAX_NAME_BYTES) {
    const ext = name.lastIndexOf('.');
    const suffix = ext > 0 && utf8Length(name.slice(ext)) <= 32 ? name.slice(ext) : '';
    name = truncateUtf8(name.slice(0, name.length - suffix.length), MAX_NAME_BYTES - utf8Length(suffix)) + suffix;
  }
  return name;
}
