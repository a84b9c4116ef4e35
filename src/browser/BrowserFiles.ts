/**
 * Send a File in the browser page: the same transfer engine as the extension and the host process, on the
 * viewer's files channel (relayed in the page as the panel relays it to the extension). Files to send come
 * from the browser's file picker; a received file is kept in memory until its SHA-256 is verified, then handed
 * to the browser as a download under its sanitised name. Nothing is received without the helper's Accept.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import type { ByteSink, ByteSource, Hasher } from '../common/files/ByteStreams';
import { FileTexts } from '../common/files/FileTexts';
import { FileTransferEngine, type IncomingOffer } from '../common/files/FileTransferEngine';
import type { IDisposable } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import { RelayChannel } from '../common/files/RelayChannel';
import type { PanelFilesCommand, PanelFilesEvent, TransferState } from '../protocol/files';

/** A file kept in memory must fit a browser tab comfortably. */
export const BROWSER_MAX_INCOMING_BYTES = 512 * 1024 * 1024;

function createHasher(): Hasher {
  const hash = sha256.create();
  return { update: (bytes) => void hash.update(bytes), digestHex: () => bytesToHex(hash.digest()) };
}

/** A picked File, read slice by slice. */
class BlobSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  constructor(private readonly file: File) {
    this.name = file.name;
    this.size = file.size;
  }
  async read(position: number, into: Uint8Array, offset: number, length: number): Promise<number> {
    const bytes = new Uint8Array(await this.file.slice(position, position + length).arrayBuffer());
    into.set(bytes, offset);
    return bytes.byteLength;
  }
  async close(): Promise<void> {}
}

/** Received bytes in memory; only a verified file becomes a download. */
class DownloadSink implements ByteSink {
  private parts: Uint8Array[] = [];
  constructor(
    private readonly name: string,
    private readonly deliver: (file: Blob, name: string) => void,
  ) {}
  async write(bytes: Uint8Array): Promise<void> {
    this.parts.push(new Uint8Array(bytes));
  }
  async commit(): Promise<string> {
    this.deliver(new Blob(this.parts as BlobPart[], { type: 'application/octet-stream' }), this.name);
    this.parts = [];
    // where the history says it went
    return "your browser's downloads";
  }
  async abort(): Promise<void> {
    this.parts = [];
  }
}

/** Hands a verified file to the browser's downloads. */
export function downloadFile(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export class BrowserFiles implements IDisposable {
  private readonly relay: RelayChannel;
  private readonly engine: FileTransferEngine;
  private readonly states = new Map<string, TransferState>();

  constructor(
    private readonly peerName: string,
    toPanel: (command: PanelFilesCommand) => void,
    /** Adds a status line to the session's history. */
    private readonly history: (line: string, sha256?: string) => void,
    /** Asks the helper whether to accept an offered file. */
    private readonly ask: (offer: IncomingOffer, peerName: string) => Promise<boolean>,
    log: Logger,
    private readonly deliver: (file: Blob, name: string) => void = downloadFile,
  ) {
    this.relay = new RelayChannel(toPanel);
    this.engine = new FileTransferEngine(this.relay, { createHasher, logger: log, maxIncomingBytes: BROWSER_MAX_INCOMING_BYTES });
    this.engine.onDidChange((transfer) => {
      toPanel({ type: 'viewerFilesProgress', transfer });
      if (this.states.get(transfer.key) === transfer.state) return;
      this.states.set(transfer.key, transfer.state);
      const line = FileTexts.historyLine(transfer, this.peerName);
      if (line) this.history(line, transfer.sha256);
    });
    this.engine.onDidOffer((offer) => void this.onOffer(offer));
  }

  send(files: Iterable<File>): void {
    for (const file of files) this.engine.send(new BlobSource(file));
  }

  /** What the panel's files relay reported. */
  receive(event: PanelFilesEvent): void {
    this.relay.receive(event);
  }

  dispose(): void {
    this.relay.receive({ type: 'viewerFilesClose' });
    this.engine.dispose();
  }

  private async onOffer(offer: IncomingOffer): Promise<void> {
    const yes = await this.ask(offer, this.peerName).catch(() => false);
    // The sender may have cancelled while the question was open.
    if (this.engine.get(offer.key)?.state !== 'offered') return;
    if (yes) this.engine.accept(offer.key, new DownloadSink(offer.name, this.deliver));
    else this.engine.decline(offer.key);
  }
}
