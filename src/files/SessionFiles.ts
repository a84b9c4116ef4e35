/**
 * Send a File for one session, on either side, without `vscode`: turns the endpoint's offers into the
 * user's Save As…/Decline choice (nothing is written before it), keeps one progress display per running
 * transfer (its cancel cancels the transfer), and records offered/accepted/declined/completed/cancelled/
 * failed in the session's history.
 */
import { fileURLToPath } from 'url';
import { IDisposable, DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import type { FilesHostEvent, TransferSnapshot, TransferState } from '../protocol/files';
import type { FilesEndpoint } from '../common/files/FilesEndpoint';
import { FileTexts } from '../common/files/FileTexts';
import { isFinished } from '../common/files/Transfer';

/** A running transfer's progress display (a VS Code notification with Cancel, and the panel). */
export interface ProgressDisplay {
  update(transfer: TransferSnapshot): void;
  /** The transfer ended; close the display. */
  close(): void;
}

/** What only the user answers or sees. */
export interface FilesUi {
  /** Asks where to save an offered file; undefined means Decline. `overwrite` only after the user confirmed it. */
  askSave(offer: { peerName: string; name: string; size: number }): Promise<{ path: string; overwrite: boolean } | undefined>;
  /** Shows progress; `cancel` is called when the user cancels there. */
  showProgress(transfer: TransferSnapshot, peerName: string, cancel: () => void): ProgressDisplay;
}

/** Creates a session's file feature once its endpoint exists (the sharer's host process, or the helper's peer). */
export type FilesFactory = (peerName: string, endpoint: FilesEndpoint, history: (line: string, sha256?: string) => void) => SessionFiles;

export class SessionFiles implements IDisposable {
  private readonly store = new DisposableStore();
  private readonly states = new Map<string, TransferState>();
  private readonly progress = new Map<string, ProgressDisplay>();

  constructor(
    private readonly endpoint: FilesEndpoint,
    private readonly ui: FilesUi,
    private readonly peerName: string,
    /** Adds a status line to the session's history. */
    private readonly history: (line: string, sha256?: string) => void,
    private readonly log: Logger,
    private maxIncomingBytes: number,
  ) {
    this.store.add(endpoint);
    this.store.add(endpoint.onEvent((event) => this.onEvent(event)));
  }

  /** Queues local files for sending to the peer. */
  send(paths: readonly string[]): void {
    for (const path of paths) this.endpoint.send({ type: 'send', path });
  }

  /** Files dropped on the panel: only local `file:` URIs are sent; anything else is named in the history. */
  sendDropped(uris: readonly string[]): void {
    for (const uri of uris) {
      let path: string;
      try {
        path = fileURLToPath(uri);
      } catch {
        this.history(`Only files on this computer can be sent; "${uri.slice(0, 200)}" is not one.`);
        continue;
      }
      this.endpoint.send({ type: 'send', path });
    }
  }

  setMaxIncomingBytes(bytes: number): void {
    this.maxIncomingBytes = bytes;
    this.endpoint.send({ type: 'configure', maxBytes: bytes });
  }

  dispose(): void {
    for (const display of this.progress.values()) display.close();
    this.progress.clear();
    this.store.dispose();
  }

  private onEvent(event: FilesHostEvent): void {
    switch (event.type) {
      case 'ready':
        this.endpoint.send({ type: 'configure', maxBytes: this.maxIncomingBytes });
        return;
      case 'offer':
        void this.onOffer(event.key, event.name, event.size);
        return;
      case 'transfer':
        this.onTransfer(event.transfer);
        return;
      case 'error':
        this.log.warn(`files: ${event.code}: ${event.message}`);
        this.history(`Send a File: ${event.message}`);
        return;
    }
  }

  private async onOffer(key: string, name: string, size: number): Promise<void> {
    let choice: { path: string; overwrite: boolean } | undefined;
    try {
      choice = await this.ui.askSave({ peerName: this.peerName, name, size });
    } catch (err) {
      this.log.error(`files: the save prompt failed: ${(err as Error).message}`);
    }
    // The sender may have cancelled while the question was open.
    if (this.states.get(key) !== 'offered') return;
    if (choice) this.endpoint.send({ type: 'accept', key, path: choice.path, overwrite: choice.overwrite });
    else this.endpoint.send({ type: 'decline', key });
  }

  private onTransfer(transfer: TransferSnapshot): void {
    const before = this.states.get(transfer.key);
    if (before !== transfer.state) {
      this.states.set(transfer.key, transfer.state);
      const line = FileTexts.historyLine(transfer, this.peerName);
      if (line) this.history(line, transfer.sha256);
    }
    if (transfer.state === 'transferring' || transfer.state === 'verifying') {
      let display = this.progress.get(transfer.key);
      if (!display) {
        display = this.ui.showProgress(transfer, this.peerName, () => this.endpoint.send({ type: 'cancel', key: transfer.key }));
        this.progress.set(transfer.key, display);
      }
      display.update(transfer);
    } else if (isFinished(transfer.state)) {
      this.progress.get(transfer.key)?.close();
      this.progress.delete(transfer.key);
    }
  }
}
