/** What users read about transfers: history lines, prompts and progress. */
import type { FileErrorCode, TransferSnapshot } from '../../protocol/files';
import { FILE_ERROR_TEXT } from './FileTransferError';

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.ceil(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function why(code: FileErrorCode | undefined): string {
  return code ? FILE_ERROR_TEXT[code] : 'unknown error';
}

export const FileTexts = {
  askSave: (peer: string, name: string, size: number) => `${peer} wants to send you "${name}" (${formatBytes(size)}). Do you want to save it?`,
  /** One line for the progress notification and the panel: bytes, rate, time left. */
  progress(t: TransferSnapshot): string {
    const parts = [`${formatBytes(t.bytes)} of ${formatBytes(t.size)}`];
    if (t.bytesPerSecond > 0) parts.push(`${formatBytes(t.bytesPerSecond)}/s`);
    if (t.secondsLeft !== undefined) parts.push(`${formatSeconds(t.secondsLeft)} left`);
    return parts.join(' · ');
  },
  progressTitle: (t: TransferSnapshot, peer: string) => (t.direction === 'send' ? `Sending "${t.name}" to ${peer}` : `Receiving "${t.name}" from ${peer}`),
  /** The chat history line for a transfer that reached `t.state`, or undefined for states not recorded. */
  historyLine(t: TransferSnapshot, peer: string): string | undefined {
    const file = `"${t.name}" (${formatBytes(t.size)})`;
    if (t.direction === 'send') {
      switch (t.state) {
        case 'offered':
          return `You offered ${file} to ${peer}.`;
        case 'transferring':
          return `${peer} accepted ${file}.`;
        case 'declined':
          return t.code === 'ERR_DECLINED' ? `${peer} declined ${file}.` : `${peer} declined ${file}: ${why(t.code)}.`;
        case 'completed':
          return `${file} was sent to ${peer}; its SHA-256 matched.`;
        case 'cancelled':
          return `The transfer of ${file} to ${peer} was cancelled.`;
        case 'failed':
          return `Sending ${file} to ${peer} failed: ${why(t.code)}.`;
        default:
          return undefined;
      }
    }
    switch (t.state) {
      case 'offered':
        return `${peer} offered ${file}.`;
      case 'transferring':
        return `You accepted ${file} from ${peer}.`;
      case 'declined':
        return t.code === 'ERR_DECLINED' ? `You declined ${file} from ${peer}.` : `${file} from ${peer} was declined: ${why(t.code)}.`;
      case 'completed':
        return `${file} from ${peer} was saved to ${t.savedPath}; its SHA-256 matched.`;
      case 'cancelled':
        return `The transfer of ${file} from ${peer} was cancelled; nothing was kept.`;
      case 'failed':
        return `Receiving ${file} from ${peer} failed: ${why(t.code)}; nothing was kept.`;
      default:
        return undefined;
    }
  },
};
