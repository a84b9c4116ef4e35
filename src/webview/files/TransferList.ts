/**
 * In the helper's panel: one row per transfer with a progress bar and "bytes · rate · time left", or how it
 * ended. Finished rows stay a little while so the outcome can be read, then go.
 */
import { h, icon } from '../common/dom';
import type { TransferSnapshot } from '../../protocol/files';
import { FileTexts, formatBytes } from '../../common/files/FileTexts';
import { FILE_ERROR_TEXT } from '../../common/files/FileTransferError';

const FINISHED_VISIBLE_MS = 10_000;

const ENDED: Partial<Record<TransferSnapshot['state'], string>> = {
  completed: 'done, SHA-256 verified',
  declined: 'declined',
  cancelled: 'cancelled',
  failed: 'failed',
};

export class TransferList {
  readonly element = h('section', { class: 'file-transfers', 'aria-label': 'File transfers', 'aria-live': 'polite', hidden: true });
  private readonly rows = new Map<string, { row: HTMLElement; bar: HTMLProgressElement; text: HTMLElement; timer?: ReturnType<typeof setTimeout> }>();

  update(t: TransferSnapshot): void {
    let entry = this.rows.get(t.key);
    if (!entry) {
      const bar = h('progress', { max: '100', value: '0' });
      const text = h('span', { class: 'file-transfer-text' });
      const title = h('span', { class: 'file-transfer-name' }, `${t.direction === 'send' ? 'Sending' : 'Receiving'} ${t.name} (${formatBytes(t.size)})`);
      const row = h('div', { class: 'file-transfer', 'data-key': t.key, 'data-state': t.state }, icon(t.direction === 'send' ? 'cloud-upload' : 'cloud-download'), title, bar, text);
      entry = { row, bar, text };
      this.rows.set(t.key, entry);
      this.element.append(row);
    }
    entry.row.dataset.state = t.state;
    entry.bar.value = t.size > 0 ? Math.floor((t.bytes * 100) / t.size) : 100;
    const ended = ENDED[t.state];
    entry.text.textContent =
      ended !== undefined
        ? t.code && t.state !== 'cancelled' && t.code !== 'ERR_DECLINED' ? `${ended}: ${FILE_ERROR_TEXT[t.code]}` : ended
        : t.state === 'offered' || t.state === 'queued'
          ? 'waiting for an answer'
          : t.state === 'verifying'
            ? 'checking SHA-256…'
            : FileTexts.progress(t);
    if (ended !== undefined && !entry.timer) {
      const row = entry;
      row.timer = setTimeout(() => {
        row.row.remove();
        this.rows.delete(t.key);
        this.element.hidden = this.rows.size === 0;
      }, FINISHED_VISIBLE_MS);
    }
    this.element.hidden = false;
  }
}
